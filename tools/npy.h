// NumPy .npy files (format versions 1-3, little-endian, C order) to and from sparrow Tensors.
#pragma once

#include <filesystem>

#include "sparrow/tensor.h"

namespace sparrow::tools {

// Throws Error naming the file and what is wrong (bad magic, unsupported dtype, Fortran order, truncated data).
Tensor read_npy(const std::filesystem::path& path);
void write_npy(const std::filesystem::path& path, const Tensor& tensor);

}  // namespace sparrow::tools
