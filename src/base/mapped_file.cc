#include "base/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sparrow/error.h"

namespace sparrow {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::shared_ptr<MappedFile> MappedFile::open(const std::filesystem::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail(path.string(), ": cannot open for reading: ", std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail(path.string(), ": cannot stat: ", std::strerror(errno));
  SPARROW_CHECK(S_ISREG(st.st_mode), path.string(), ": not a regular file");
  SPARROW_CHECK(st.st_size >= 0, path.string(), ": negative file size ", st.st_size);
  auto size = static_cast<uint64_t>(st.st_size);
  SPARROW_CHECK(size <= SIZE_MAX, path.string(), ": file of ", size, " bytes is too large to map");
  if (size == 0) return std::shared_ptr<MappedFile>(new MappedFile(path, nullptr, 0));
  void* p = ::mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (p == MAP_FAILED) fail(path.string(), ": cannot map ", size, " bytes: ", std::strerror(errno));
  return std::shared_ptr<MappedFile>(
      new MappedFile(path, static_cast<const uint8_t*>(p), static_cast<size_t>(size)));
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

}  // namespace sparrow
