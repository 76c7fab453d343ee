#include "sparrow/tensor.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "base/arena.h"
#include "sparrow/error.h"

namespace sparrow {
namespace {

std::shared_ptr<void> allocate_zeroed(size_t bytes) {
  // Round up so kernels may read a full vector past the last element of small tensors.
  size_t padded = (bytes + 64 + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, padded);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, padded);
  return std::shared_ptr<void>(p, [](void* q) { std::free(q); });
}

}  // namespace

Tensor::Tensor(ElementType type, Shape shape)
    : type_(type), shape_(std::move(shape)), size_(static_cast<size_t>(shape_size(shape_))) {
  // Inside an inference the stream's arena lends the buffer (src/base/arena.h).
  owner_ = base::Arena::current() ? base::Arena::current()->allocate(byte_size(), true) : allocate_zeroed(byte_size());
  data_ = owner_.get();
}

Tensor::Tensor(ElementType type, Shape shape, void* external_data)
    : type_(type), shape_(std::move(shape)), size_(static_cast<size_t>(shape_size(shape_))), data_(external_data) {}

Tensor::Tensor(ElementType type, Shape shape, std::shared_ptr<void> owner, void* data)
    : type_(type),
      shape_(std::move(shape)),
      size_(static_cast<size_t>(shape_size(shape_))),
      owner_(std::move(owner)),
      data_(data) {}

Tensor Tensor::reshaped(Shape shape) const {
  SPARROW_CHECK(static_cast<size_t>(shape_size(shape)) == size_, "cannot view a tensor of shape ",
                to_string(shape_), " as ", to_string(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::copy() const {
  Tensor t(type_, shape_);
  if (byte_size()) std::memcpy(t.data_, data_, byte_size());
  return t;
}

}  // namespace sparrow
