// A typed, shaped block of memory. Copies share the buffer (like ov::Tensor); use copy() for a deep copy.
#pragma once

#include <cstddef>
#include <memory>

#include "sparrow/element_type.h"
#include "sparrow/shape.h"

namespace sparrow {

class Tensor {
 public:
  Tensor() = default;
  // Allocates a zero-filled buffer, 64-byte aligned.
  Tensor(ElementType type, Shape shape);
  // Wraps memory owned by the caller; it must outlive the tensor and every copy of it.
  Tensor(ElementType type, Shape shape, void* external_data);
  // Wraps memory kept alive by `owner` (a memory-mapped file, another tensor's buffer).
  Tensor(ElementType type, Shape shape, std::shared_ptr<void> owner, void* data);

  ElementType element_type() const { return type_; }
  const Shape& shape() const { return shape_; }
  size_t size() const { return size_; }  // elements
  size_t byte_size() const { return storage_bytes(type_, size_); }
  bool empty() const { return data_ == nullptr && size_ == 0; }

  void* data() const { return data_; }
  template <typename T>
  T* data() const {
    return static_cast<T*>(data_);
  }

  // A tensor of the same type and data viewed with another shape of the same element count.
  Tensor reshaped(Shape shape) const;
  Tensor copy() const;

 private:
  ElementType type_ = ElementType::undefined;
  Shape shape_;
  size_t size_ = 0;
  std::shared_ptr<void> owner_;
  void* data_ = nullptr;
};

}  // namespace sparrow
