#include "frontends/hf/hub_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "frontends/hf/hub.h"
#include "sparrow/error.h"

namespace sparrow::hf {
namespace cache {
namespace {

namespace fs = std::filesystem;

bool is_hex(const std::string& s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

bool safe_components(const std::string& s) {
  if (s.empty() || s.size() > 512 || s.front() == '/' || s.find('\\') != std::string::npos) return false;
  for (const std::string& part : split(s, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

std::string tmp_suffix() {
  return ".tmp." + std::to_string(::getpid());
}

}  // namespace

std::string repo_folder_name(const std::string& repo) {
  std::string name = "models--";
  for (char c : repo) {
    if (c == '/') {
      name += "--";
    } else {
      name += c;
    }
  }
  return name;
}

bool is_commit_hash(const std::string& s) {
  return is_hex(s, 40);
}
bool is_sha256(const std::string& s) {
  return is_hex(s, 64);
}
bool is_safe_revision(const std::string& s) {
  return s.size() <= 256 && safe_components(s);
}
bool is_safe_filename(const std::string& s) {
  return safe_components(s);
}

bool is_safe_etag(const std::string& s) {
  return !s.empty() && s.size() <= 256 && s.front() != '.' && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::optional<std::string> read_ref(const fs::path& storage, const std::string& revision) {
  if (!is_safe_revision(revision)) return std::nullopt;
  std::ifstream in(storage / "refs" / revision);
  std::string commit;
  if (!in || !(in >> commit) || !is_commit_hash(commit)) return std::nullopt;
  return commit;
}

void write_file_atomically(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  SPARROW_CHECK(!ec, path.parent_path().string(), ": cannot create the folder: ", ec.message());
  fs::path tmp = path.string() + tmp_suffix();
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    SPARROW_CHECK(out, tmp.string(), ": cannot write");
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp);
  SPARROW_CHECK(!ec, path.string(), ": cannot write: ", ec.message());
}

void write_ref(const fs::path& storage, const std::string& revision, const std::string& commit) {
  write_file_atomically(storage / "refs" / revision, commit);
}

void link_snapshot_file(const fs::path& storage, const std::string& commit, const std::string& file,
                        const std::string& etag) {
  fs::path link = storage / "snapshots" / commit / file;
  std::error_code ec;
  fs::create_directories(link.parent_path(), ec);
  SPARROW_CHECK(!ec, link.parent_path().string(), ": cannot create the folder: ", ec.message());
  std::string target = "../../blobs/" + etag;
  for (size_t depth = std::count(file.begin(), file.end(), '/'); depth > 0; --depth) target = "../" + target;
  fs::path tmp = link.string() + tmp_suffix();
  fs::remove(tmp, ec);
  fs::create_symlink(target, tmp, ec);
  if (ec) fs::copy_file(storage / "blobs" / etag, tmp, ec);
  SPARROW_CHECK(!ec, link.string(), ": cannot link to the downloaded blob: ", ec.message());
  fs::rename(tmp, link, ec);
  if (ec) fs::remove(tmp);
  SPARROW_CHECK(!ec, link.string(), ": cannot link to the downloaded blob: ", ec.message());
}

void mark_missing(const fs::path& storage, const std::string& commit, const std::string& file) {
  write_file_atomically(storage / ".no_exist" / commit / file, "");
}

bool known_missing(const fs::path& storage, const std::string& commit, const std::string& file) {
  std::error_code ec;
  return fs::exists(storage / ".no_exist" / commit / file, ec);
}

std::optional<fs::path> usable_snapshot(const fs::path& storage, const std::string& commit,
                                        const std::vector<std::string>& files, bool all_files) {
  fs::path dir = storage / "snapshots" / commit;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::nullopt;
  bool has_ir = false;
  for (const std::string& f : files) {
    bool present = fs::exists(dir / f, ec);  // follows the symlink: a dangling link is absent
    if (all_files && !present && !known_missing(storage, commit, f)) return std::nullopt;
    if (present && fs::path(f).extension() == ".xml" &&
        fs::exists(fs::path(dir / f).replace_extension(".bin"), ec))
      has_ir = true;
  }
  if (!has_ir) return std::nullopt;
  return dir;
}

FileLock::FileLock(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  SPARROW_CHECK(fd_ >= 0, path.string(), ": cannot create the lock file: ", std::strerror(errno));
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd_);
    fail(path.string(), ": cannot lock: ", std::strerror(err));
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace cache

namespace {

std::string unique_string(std::vector<std::string> v, size_t max) {
  std::sort(v.begin(), v.end());
  std::string out;
  for (size_t i = 0; i < v.size() && i < max; ++i) out += (i ? ", " : "") + v[i];
  if (v.size() > max) out += ", ... (" + std::to_string(v.size()) + " in all)";
  return out;
}

}  // namespace

std::string describe_cache(const std::filesystem::path& cache_dir, const std::string& repo) {
  namespace fs = std::filesystem;
  fs::path storage = cache_dir / cache::repo_folder_name(repo);
  std::error_code ec;
  if (!fs::is_directory(storage, ec)) return "nothing is cached for " + repo + " in " + cache_dir.string();
  std::ostringstream out;
  out << "cached for " + repo + " in " + storage.string() + ":";
  std::vector<std::string> refs;
  if (fs::is_directory(storage / "refs", ec)) {
    for (auto it = fs::recursive_directory_iterator(storage / "refs", ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string rev = it->path().lexically_relative(storage / "refs").generic_string();
      auto commit = cache::read_ref(storage, rev);
      refs.push_back(rev + " -> " + (commit ? *commit : std::string("(unreadable)")));
    }
  }
  out << " refs: " << (refs.empty() ? std::string("none") : unique_string(refs, 20)) << ";";
  size_t snapshots = 0;
  if (fs::is_directory(storage / "snapshots", ec)) {
    for (const auto& snap : fs::directory_iterator(storage / "snapshots", ec)) {
      std::vector<std::string> files;
      for (auto it = fs::recursive_directory_iterator(snap.path(), ec); !ec && it != fs::end(it);
           it.increment(ec))
        if (!it->is_directory(ec) && fs::exists(it->path(), ec))
          files.push_back(it->path().lexically_relative(snap.path()).generic_string());
      out << " snapshot " << snap.path().filename().string() << " ("
          << (files.empty() ? std::string("no files") : unique_string(files, 12)) << ");";
      ++snapshots;
    }
  }
  if (snapshots == 0) out << " no snapshots;";
  size_t partial = 0;
  if (fs::is_directory(storage / "blobs", ec))
    for (const auto& blob : fs::directory_iterator(storage / "blobs", ec))
      partial += blob.path().extension() == ".incomplete";
  if (partial)
    out << " " << partial << " partial download(s) (blobs/*.incomplete, resumed by the next download);";
  std::string s = out.str();
  s.pop_back();
  return s;
}

}  // namespace sparrow::hf
