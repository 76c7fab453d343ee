// The huggingface_hub cache layout, internal to the hub client:
//   <cache>/models--org--name/blobs/<etag>                 file contents, named by ETag (sha256 for LFS
//   files) <cache>/models--org--name/blobs/<etag>.incomplete      a download in progress (resumed with HTTP
//   Range) <cache>/models--org--name/snapshots/<commit>/<file>    relative symlink to ../../blobs/<etag>
//   <cache>/models--org--name/refs/<revision>              the commit hash the revision pointed to
//   <cache>/models--org--name/.no_exist/<commit>/<file>    empty: the file does not exist at that commit
//   <cache>/.locks/models--org--name/<etag>.lock           held while a blob is downloaded
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sparrow::hf::cache {

std::string repo_folder_name(const std::string& repo);  // "models--org--name"

bool is_commit_hash(const std::string& s);  // 40 lowercase hex digits
bool is_sha256(const std::string& s);       // 64 lowercase hex digits

// A revision may name a branch, tag, "refs/pr/N" or a commit; it becomes a path under refs/, so no empty or
// ".." components, no leading '/', and printable ASCII only.
bool is_safe_revision(const std::string& s);
// An ETag names a blob: [A-Za-z0-9._-], not starting with '.', at most 256 characters.
bool is_safe_etag(const std::string& s);
// A repository file name: relative, '/'-separated, no empty/"."/".." components or backslashes.
bool is_safe_filename(const std::string& s);

// The commit refs/<revision> records, or nullopt when absent or not a commit hash.
std::optional<std::string> read_ref(const std::filesystem::path& storage, const std::string& revision);
void write_ref(const std::filesystem::path& storage, const std::string& revision, const std::string& commit);

// Writes `content` to `path` through a temporary file and a rename.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

// snapshots/<commit>/<file> -> ../../blobs/<etag>, replacing what is there atomically (a copy where the file
// system refuses symlinks).
void link_snapshot_file(const std::filesystem::path& storage, const std::string& commit,
                        const std::string& file, const std::string& etag);
void mark_missing(const std::filesystem::path& storage, const std::string& commit, const std::string& file);
bool known_missing(const std::filesystem::path& storage, const std::string& commit, const std::string& file);

// The snapshot when it holds an IR (an .xml of `files` with its .bin) and, if `all_files`, every one of
// `files` either present or marked missing.
std::optional<std::filesystem::path> usable_snapshot(const std::filesystem::path& storage,
                                                     const std::string& commit,
                                                     const std::vector<std::string>& files, bool all_files);

// An exclusive advisory lock (flock) on a file, released on destruction.
class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace sparrow::hf::cache
