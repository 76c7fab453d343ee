#include "frontends/hf/hub.h"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "frontends/hf/http.h"
#include "frontends/hf/hub_cache.h"
#include "frontends/hf/progress.h"
#include "frontends/hf/sha256.h"
#include "sparrow/error.h"

namespace sparrow::hf {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Raised when no connection to the endpoint could be made, so that the caller can fall back to the cache.
class ConnectError : public Error {
 public:
  using Error::Error;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

bool env_true(const char* name) {
  std::string v = env(name);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::toupper(c); });
  return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

long env_seconds(const char* name, long fallback) {
  std::string v = env(name);
  if (v.empty()) return fallback;
  char* end = nullptr;
  double s = std::strtod(v.c_str(), &end);
  SPARROW_CHECK(end && *end == '\0' && s > 0 && s < 1e6, name, "=", v,
                ": expected a positive number of seconds");
  return std::max(1L, static_cast<long>(s + 0.5));
}

fs::path home_dir() {
  std::string home = env("HOME");
  if (!home.empty()) return home;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return fs::current_path();
}

fs::path hf_home() {
  if (std::string v = env("HF_HOME"); !v.empty()) return v;
  if (std::string v = env("XDG_CACHE_HOME"); !v.empty()) return fs::path(v) / "huggingface";
  return home_dir() / ".cache" / "huggingface";
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Server-provided text in a message: printable ASCII, at most `max` characters.
std::string printable(const std::string& s, size_t max = 160) {
  std::string out;
  for (unsigned char c : s.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  if (s.size() > max) out += "...";
  return out;
}

std::string format_bytes(uint64_t n) {
  char buf[64];
  if (n < 10000) {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
  } else {
    std::snprintf(buf, sizeof buf, "%llu bytes (%.1f MB)", static_cast<unsigned long long>(n), n / 1e6);
  }
  return buf;
}

std::optional<uint64_t> parse_size(const std::string& s) {
  if (s.empty() || s.size() > 18 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoull(s);
}

// ETag header value -> blob name: drop a weak marker and the quotes.
std::string normalize_etag(std::string etag) {
  if (etag.rfind("W/", 0) == 0) etag = etag.substr(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return etag;
}

class Hub {
 public:
  Hub(const DownloadOptions& options, std::string repo, fs::path cache)
      : opt_(options),
        repo_(std::move(repo)),
        cache_(std::move(cache)),
        storage_(cache_ / cache::repo_folder_name(repo_)) {
    endpoint_ = opt_.endpoint;
    while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
    SPARROW_CHECK(url_origin(endpoint_).rfind("http", 0) == 0, "HF_ENDPOINT=", opt_.endpoint,
                  ": expected an http:// or https:// URL");
  }

  fs::path download(const std::string& revision);

 private:
  struct FileMeta {
    std::string etag;
    std::optional<uint64_t> size;
    std::string url;  // where the content is (after the hub's redirect to its CDN)
  };

  void note(const std::string& message) const {
    if (opt_.log) {
      opt_.log(message);
    } else {
      std::fprintf(stderr, "sparrow: %s\n", message.c_str());
    }
  }
  std::vector<std::string> headers_for(const std::string& url) const {
    std::vector<std::string> h = {"Accept-Encoding: identity"};
    if (!opt_.token.empty() && url_origin(url) == url_origin(endpoint_))
      h.push_back("Authorization: Bearer " + opt_.token);
    return h;
  }
  HttpLimits metadata_limits() const {
    HttpLimits l;
    l.connect_timeout_s = opt_.connect_timeout_s;
    l.total_timeout_s = opt_.metadata_timeout_s;
    l.stall_timeout_s = opt_.metadata_timeout_s;
    return l;
  }
  std::string offline_hint() const {
    return "If this machine has no network, set HF_HUB_OFFLINE=1 to use the local cache; " +
           describe_cache(cache_, repo_) + ".";
  }
  [[noreturn]] void fail_transport(const HttpResponse& r, const std::string& url) const;
  [[noreturn]] void fail_status(const HttpResponse& r, const std::string& url, const std::string& what) const;

  std::string resolve_revision(const std::string& revision, std::set<std::string>* files);
  FileMeta head_file(const std::string& commit, const std::string& file);
  void fetch_blob(const std::string& file, const FileMeta& meta);
  void sleep_before_retry(int attempt) const;
  // One metadata request, retried with back-off on dropped connections, 5xx and 429.
  HttpResponse perform_with_retries(const HttpRequest& req) const;

  const DownloadOptions& opt_;
  std::string repo_;
  std::string revision_;
  fs::path cache_;
  fs::path storage_;
  std::string endpoint_;
};

void Hub::fail_transport(const HttpResponse& r, const std::string& url) const {
  if (r.failure == HttpFailure::kConnect)
    throw ConnectError("could not connect to " + endpoint_ + " (" + r.error + ", for " + url + "). " +
                       offline_hint());
  if (r.failure == HttpFailure::kTooLarge)
    fail("the answer from ", url, " is larger than expected for hub metadata; is HF_ENDPOINT (", endpoint_,
         ") a Hugging Face hub?");
  fail("the connection to ", endpoint_, " broke off (", r.error, ", for ", url, "); try again. ",
       offline_hint());
}

void Hub::fail_status(const HttpResponse& r, const std::string& url, const std::string& what) const {
  std::string code = r.header("x-error-code");
  std::string server = r.header("x-error-message");
  std::string detail = " (HTTP " + std::to_string(r.status) + (code.empty() ? "" : ", " + printable(code)) +
                       (server.empty() ? "" : ": " + printable(server)) + ", " + url + ")";
  std::string at = repo_ + "@" + revision_;
  bool token = !opt_.token.empty();
  if (code == "GatedRepo")
    fail(repo_, " is a gated model: accept its conditions on ", endpoint_, "/", repo_,
         " and set HF_TOKEN to an access token of that account", detail);
  if (code == "RepoNotFound" || (r.status == 404 && what.empty() && code.empty()))
    fail("no model ", repo_, " on ", endpoint_, ": check the id (org/name)",
         token ? "; if it is private, check that HF_TOKEN can read it" : "; if it is private, set HF_TOKEN",
         detail);
  if (code == "RevisionNotFound")
    fail("model ", repo_, " has no revision '", revision_, "': check the branch, tag or commit after '@'",
         detail);
  if (r.status == 404 || code == "EntryNotFound")
    fail(at, " has no file ", what.empty() ? std::string("at that address") : what, detail);
  if (r.status == 401)
    fail(token
             ? "HF_TOKEN was rejected for " + repo_ + ": check that the token is valid and may read the model"
             : repo_ +
                   " needs authentication (private or gated model): set HF_TOKEN to a Hugging Face access "
                   "token (" +
                   endpoint_ + "/settings/tokens)",
         detail);
  if (r.status == 403)
    fail("access to ", repo_, " was denied: ",
         token
             ? "the token in HF_TOKEN lacks permission, or the model is gated (accept its conditions on the "
               "model page)"
             : "set HF_TOKEN to a token that may read it (gated models also need their conditions accepted)",
         detail);
  if (r.status == 429) fail("the hub is rate-limiting requests; wait a minute and try again", detail);
  if (r.status >= 500)
    fail("the hub had a server error", what.empty() ? "" : " for " + what, "; try again later", detail);
  fail("unexpected answer from the hub", what.empty() ? "" : " for " + what, detail);
}

void Hub::sleep_before_retry(int attempt) const {
  long ms = std::min<long>(8000, static_cast<long>(opt_.retry_backoff_ms) << std::min(attempt - 1, 4));
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

HttpResponse Hub::perform_with_retries(const HttpRequest& req) const {
  HttpResponse r;
  for (int attempt = 1;; ++attempt) {
    r = http_perform(req);
    bool retry = r.failure == HttpFailure::kInterrupted ||
                 (r.failure == HttpFailure::kNone && (r.status >= 500 || r.status == 429));
    if (!retry || attempt >= opt_.max_attempts) return r;
    sleep_before_retry(attempt);
  }
}

// GET {endpoint}/api/models/{repo}/revision/{revision}: the commit and the repository's file list.
std::string Hub::resolve_revision(const std::string& revision, std::set<std::string>* files) {
  HttpRequest req;
  req.url = endpoint_ + "/api/models/" + repo_ + "/revision/" + url_encode(revision, false);
  req.headers = headers_for(req.url);
  req.limits = metadata_limits();
  req.max_body = 16u << 20;
  HttpResponse r = perform_with_retries(req);
  if (r.failure != HttpFailure::kNone) fail_transport(r, req.url);
  if (r.status != 200) fail_status(r, req.url, "");

  std::string bad = "the hub's answer for " + repo_ + "@" + revision + " (" + req.url + ") ";
  json j;
  try {
    j = json::parse(r.body);
  } catch (const json::exception& e) {
    fail(bad, "is not valid JSON (", e.what(), "); it begins with \"", printable(r.body, 60),
         "\". Is HF_ENDPOINT (", endpoint_, ") a Hugging Face hub, or did a proxy answer?");
  }
  SPARROW_CHECK(j.is_object() && j.contains("sha") && j["sha"].is_string(), bad,
                "has no commit hash (\"sha\"); is HF_ENDPOINT (", endpoint_, ") a Hugging Face hub?");
  std::string commit = j["sha"].get<std::string>();
  SPARROW_CHECK(cache::is_commit_hash(commit), bad, "gives \"", printable(commit, 80),
                "\" as commit (\"sha\"), not 40 hex digits");
  SPARROW_CHECK(j.contains("siblings") && j["siblings"].is_array(), bad, "has no file list (\"siblings\")");
  for (const json& s : j["siblings"]) {
    SPARROW_CHECK(s.is_object() && s.contains("rfilename") && s["rfilename"].is_string(), bad,
                  "has a \"siblings\" entry without \"rfilename\"");
    files->insert(s["rfilename"].get<std::string>());
  }
  return commit;
}

// HEAD {endpoint}/{repo}/resolve/{commit}/{file}: ETag, size and where to download from. Like
// huggingface_hub, it does not follow the redirect to the CDN (the redirect carries X-Linked-Etag and
// X-Linked-Size) but does follow relative redirects (a renamed repository).
Hub::FileMeta Hub::head_file(const std::string& commit, const std::string& file) {
  std::string url = endpoint_ + "/" + repo_ + "/resolve/" + commit + "/" + url_encode(file, true);
  for (int hop = 0; hop < 5; ++hop) {
    HttpRequest req;
    req.method = "HEAD";
    req.url = url;
    req.headers = headers_for(url);
    req.follow_redirects = false;
    req.limits = metadata_limits();
    HttpResponse r = perform_with_retries(req);
    if (r.failure != HttpFailure::kNone) fail_transport(r, url);
    bool redirect = r.status >= 300 && r.status < 400;
    if (!redirect && (r.status < 200 || r.status >= 300)) fail_status(r, url, file);
    std::string location = r.header("location");
    std::string linked = r.header("x-linked-etag"), plain = r.header("etag");
    if (redirect) {
      SPARROW_CHECK(!location.empty(), "the hub redirected ", url, " (HTTP ", r.status,
                    ") without a Location");
      if (location.rfind("http://", 0) != 0 && location.rfind("https://", 0) != 0)
        location = location.front() == '/' ? url_origin(url) + location
                                           : url.substr(0, url.rfind('/') + 1) + location;
      if (linked.empty() && plain.empty()) {
        url = location;  // a renamed repository: ask again there
        continue;
      }
    }
    std::string bad = "the hub's metadata for " + repo_ + "@" + revision_ + " " + file + " (" + url + ") ";
    std::string repo_commit = r.header("x-repo-commit");
    SPARROW_CHECK(repo_commit.empty() || repo_commit == commit, bad, "names commit ",
                  printable(repo_commit, 80), " where ", commit, " was asked for");
    FileMeta meta;
    meta.etag = normalize_etag(linked.empty() ? plain : linked);
    SPARROW_CHECK(!meta.etag.empty(), bad, "has no ETag, so the file cannot be cached; is HF_ENDPOINT (",
                  endpoint_, ") a Hugging Face hub?");
    SPARROW_CHECK(cache::is_safe_etag(meta.etag), bad, "has an unusable ETag \"", printable(meta.etag, 80),
                  "\"");
    std::string size = r.header("x-linked-size");
    if (size.empty() && !redirect) size = r.header("content-length");
    if (!size.empty()) {
      meta.size = parse_size(size);
      SPARROW_CHECK(meta.size, bad, "gives the size \"", printable(size, 40), "\", not a number of bytes");
    }
    meta.url = redirect ? location : url;
    return meta;
  }
  fail("the hub redirected ", endpoint_, "/", repo_, "/resolve/", commit, "/", file, " more than 5 times");
}

// Downloads a blob into blobs/<etag>.incomplete, resuming what an earlier attempt left there, verifies it and
// renames it to blobs/<etag>. Only a verified file ever gets the final name.
void Hub::fetch_blob(const std::string& file, const FileMeta& meta) {
  fs::path blob = storage_ / "blobs" / meta.etag;
  fs::path partial = blob.string() + ".incomplete";
  std::error_code ec;
  fs::create_directories(blob.parent_path(), ec);
  SPARROW_CHECK(!ec, blob.parent_path().string(), ": cannot create the folder: ", ec.message());
  const std::string where = repo_ + "@" + revision_ + " " + file;
  bool terminal = ::isatty(STDERR_FILENO) == 1;
  bool show = opt_.progress == ProgressBar::kOn || (opt_.progress == ProgressBar::kAuto && terminal);

  for (int attempt = 1;; ++attempt) {
    uint64_t offset = fs::exists(partial, ec) ? fs::file_size(partial, ec) : 0;
    if (meta.size && offset > *meta.size) {
      fs::remove(partial, ec);
      offset = 0;
    }
    if (meta.size && offset == *meta.size && offset > 0) break;  // complete already: verify below

    int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    SPARROW_CHECK(fd >= 0, partial.string(), ": cannot write: ", std::strerror(errno));
    if (::lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0 ||
        ::ftruncate(fd, static_cast<off_t>(offset)) != 0) {
      int err = errno;
      ::close(fd);
      fail(partial.string(), ": cannot write: ", std::strerror(err));
    }
    uint64_t written = offset;
    std::string refused;  // why the sink stopped the transfer
    int write_errno = 0;
    Progress bar(file, meta.size.value_or(0), show);
    bar.update(written);

    HttpRequest req;
    req.url = meta.url;
    req.headers = headers_for(meta.url);
    if (offset > 0) req.headers.push_back("Range: bytes=" + std::to_string(offset) + "-");
    req.limits.connect_timeout_s = opt_.connect_timeout_s;
    req.limits.stall_timeout_s = opt_.stall_timeout_s;
    req.on_start = [&](long status, const std::map<std::string, std::string>& headers) {
      if (status == 206) {
        auto it = headers.find("content-range");
        std::string range = it == headers.end() ? std::string() : it->second;
        std::string expect = "bytes " + std::to_string(offset) + "-";
        if (range.rfind(expect, 0) != 0) {
          refused = "the server answered the resume request (Range: bytes=" + std::to_string(offset) +
                    "-) with Content-Range \"" + printable(range, 60) + "\"";
          return false;
        }
        return true;
      }
      if (offset > 0) {  // the server ignored Range: start over
        written = 0;
        if (::lseek(fd, 0, SEEK_SET) < 0 || ::ftruncate(fd, 0) != 0) {
          write_errno = errno;
          return false;
        }
      }
      return true;
    };
    req.sink = [&](const char* data, size_t n) {
      if (meta.size && written + n > *meta.size) {
        refused = "the server sent more than the " + format_bytes(*meta.size) + " it announced";
        return false;
      }
      while (n > 0) {
        ssize_t w = ::write(fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          write_errno = errno;
          return false;
        }
        data += w, n -= static_cast<size_t>(w), written += static_cast<uint64_t>(w);
      }
      bar.update(written);
      return true;
    };
    HttpResponse r = http_perform(req);
    if (::close(fd) != 0 && write_errno == 0) write_errno = errno;
    bar.finish();

    if (write_errno != 0)
      fail(partial.string(), ": cannot write the download: ", std::strerror(write_errno),
           " (is the disk full? set HF_HUB_CACHE to another folder)");
    if (!refused.empty()) {
      fs::remove(partial, ec);
      fail(where, ": ", refused,
           "; the partial download was discarded. Try again; if it persists, the server (",
           url_origin(meta.url), ") or a proxy is misbehaving");
    }
    bool transport = r.failure == HttpFailure::kInterrupted || r.failure == HttpFailure::kConnect;
    bool server_busy = r.failure == HttpFailure::kNone && (r.status >= 500 || r.status == 429);
    if (r.failure == HttpFailure::kNone && r.status == 416 && offset > 0) {
      // The range starts at or past the end: what we have is either the whole file or garbage.
      if (meta.size && offset == *meta.size) break;
      fs::remove(partial, ec);
      if (attempt < opt_.max_attempts) continue;
    }
    if (transport || server_busy) {
      uint64_t have = fs::exists(partial, ec) ? fs::file_size(partial, ec) : 0;
      std::string progress =
          format_bytes(have) + (meta.size ? " of " + format_bytes(*meta.size) : std::string());
      std::string why = transport ? r.error : "HTTP " + std::to_string(r.status);
      if (attempt < opt_.max_attempts) {
        note(where + ": download interrupted at " + progress + " (" + why + "); resuming (attempt " +
             std::to_string(attempt + 1) + " of " + std::to_string(opt_.max_attempts) + ")");
        sleep_before_retry(attempt);
        continue;
      }
      if (server_busy) fail_status(r, meta.url, file);
      fail(where, ": download interrupted at ", progress, " after ", attempt, " attempt(s) (", why, ", ",
           meta.url, "). The part received is kept in ", partial.string(),
           " and the next download resumes from it. ", offline_hint());
    }
    if (r.failure != HttpFailure::kNone)
      fail("downloading ", where, " from ", meta.url, " failed: ", r.error);
    if (r.status < 200 || r.status >= 300) {
      if (fs::file_size(partial, ec) == 0)
        fs::remove(partial, ec);  // keep resumable bytes, not an empty file
      fail_status(r, meta.url, file);
    }
    break;
  }

  uint64_t got = fs::file_size(partial, ec);
  SPARROW_CHECK(!ec, partial.string(), ": ", ec.message());
  if (meta.size && got != *meta.size) {
    fs::remove(partial, ec);
    fail(where, ": received ", format_bytes(got), " but the hub announced ", format_bytes(*meta.size),
         " (Content-Length/X-Linked-Size); the download was discarded. Try again; if it persists, the server "
         "(",
         url_origin(meta.url), ") or a proxy truncates or pads files");
  }
  if (cache::is_sha256(meta.etag)) {
    std::string digest = sha256_file(partial);
    if (digest != meta.etag) {
      fs::remove(partial, ec);
      fail(where, ": the content's sha256 is ", digest, " but its ETag says ", meta.etag,
           "; the corrupt download was discarded. Try again; if it persists, the server (",
           url_origin(meta.url), ") or a proxy alters the file");
    }
  }
  fs::rename(partial, blob, ec);
  SPARROW_CHECK(!ec, blob.string(), ": cannot move the verified download into place: ", ec.message());
}

fs::path Hub::download(const std::string& revision) {
  revision_ = revision;
  std::set<std::string> repo_files;
  std::string commit;
  try {
    commit = resolve_revision(revision, &repo_files);
  } catch (const ConnectError& e) {
    // huggingface_hub's snapshot_download does the same: without a connection, a cached snapshot serves.
    std::optional<std::string> cached =
        cache::is_commit_hash(revision) ? revision : cache::read_ref(storage_, revision);
    if (cached)
      if (auto dir = cache::usable_snapshot(storage_, *cached, opt_.files, false)) {
        note(std::string(e.what()).substr(0, std::string(e.what()).find(". ")) +
             "; using the cached snapshot " + *cached + " of " + repo_ + "@" + revision);
        return *dir;
      }
    throw;
  }

  std::vector<std::string> wanted;
  for (const std::string& f : opt_.files) {
    SPARROW_CHECK(cache::is_safe_filename(f), "not a repository file name: ", f);
    if (repo_files.count(f)) wanted.push_back(f);
  }
  bool has_ir = std::any_of(wanted.begin(), wanted.end(), [&](const std::string& f) {
    return fs::path(f).extension() == ".xml" &&
           repo_files.count(fs::path(f).replace_extension(".bin").string());
  });
  if (!has_ir) {
    std::string listing;
    size_t n = 0;
    for (const std::string& f : repo_files)
      if (n++ < 20) listing += (listing.empty() ? "" : ", ") + f;
    if (repo_files.size() > 20) listing += ", ...";
    fail(repo_, "@", revision, " (commit ", commit,
         ") has no OpenVINO IR (openvino_model.xml with its .bin) at its top "
         "level; its files: ",
         listing.empty() ? std::string("none") : listing,
         ". Export one with optimum-cli export openvino, or pick a repository that has one");
  }

  for (const std::string& f : wanted) {
    std::error_code ec;
    if (fs::exists(storage_ / "snapshots" / commit / f, ec)) continue;  // files at a commit never change
    FileMeta meta = head_file(commit, f);
    fs::path blob = storage_ / "blobs" / meta.etag;
    if (!fs::exists(blob, ec)) {
      cache::FileLock lock(cache_ / ".locks" / cache::repo_folder_name(repo_) / (meta.etag + ".lock"));
      if (!fs::exists(blob, ec)) fetch_blob(f, meta);  // another process may have fetched it meanwhile
    }
    cache::link_snapshot_file(storage_, commit, f, meta.etag);
  }
  for (const std::string& f : opt_.files)
    if (!repo_files.count(f)) cache::mark_missing(storage_, commit, f);
  if (revision != commit) cache::write_ref(storage_, revision, commit);
  return storage_ / "snapshots" / commit;
}

}  // namespace

std::vector<std::string> model_files() {
  return {"openvino_model.xml",    "openvino_model.bin",      "config.json", "tokenizer.json",
          "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"};
}

fs::path default_hub_cache() {
  if (std::string v = env("HF_HUB_CACHE"); !v.empty()) return v;
  if (std::string v = env("HUGGINGFACE_HUB_CACHE"); !v.empty()) return v;
  return hf_home() / "hub";
}

DownloadOptions options_from_environment() {
  DownloadOptions o;
  if (std::string v = env("HF_ENDPOINT"); !v.empty()) o.endpoint = v;
  o.token = env("HF_TOKEN");
  if (o.token.empty()) o.token = env("HUGGING_FACE_HUB_TOKEN");
  if (o.token.empty()) {
    std::string path = env("HF_TOKEN_PATH");
    std::ifstream in(path.empty() ? hf_home() / "token" : fs::path(path));
    std::string line;
    if (in && std::getline(in, line)) o.token = trim(line);
  }
  o.cache_dir = default_hub_cache();
  o.offline = env_true("HF_HUB_OFFLINE");
  if (env_true("HF_HUB_DISABLE_PROGRESS_BARS")) o.progress = ProgressBar::kOff;
  o.metadata_timeout_s = env_seconds("HF_HUB_ETAG_TIMEOUT", o.metadata_timeout_s);
  o.stall_timeout_s = env_seconds("HF_HUB_DOWNLOAD_TIMEOUT", o.stall_timeout_s);
  return o;
}

std::optional<HubId> parse_hub_id(const std::string& text) {
  static const std::regex part(R"([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)");
  size_t at = text.find('@');
  HubId id{text.substr(0, at), at == std::string::npos ? std::string() : text.substr(at + 1)};
  size_t slash = id.repo.find('/');
  if (slash == std::string::npos || id.repo.size() > 96) return std::nullopt;
  std::string org = id.repo.substr(0, slash), name = id.repo.substr(slash + 1);
  if (!std::regex_match(org, part) || !std::regex_match(name, part)) return std::nullopt;
  if (id.repo.find("--") != std::string::npos || id.repo.find("..") != std::string::npos) return std::nullopt;
  if (at != std::string::npos && !cache::is_safe_revision(id.revision)) return std::nullopt;
  return id;
}

fs::path download_model(const std::string& repo_id, const DownloadOptions& options) {
  std::optional<HubId> id = parse_hub_id(repo_id);
  SPARROW_CHECK(id, "\"", printable(repo_id, 120), "\" is not a Hugging Face model id (org/name[@revision])");
  std::string revision = !options.revision.empty() ? options.revision
                         : !id->revision.empty()   ? id->revision
                                                   : std::string("main");
  SPARROW_CHECK(cache::is_safe_revision(revision), "\"", printable(revision, 120),
                "\" is not a usable revision");
  fs::path cache = options.cache_dir.empty() ? default_hub_cache() : options.cache_dir;
  fs::path storage = cache / cache::repo_folder_name(id->repo);

  if (options.offline) {
    std::optional<std::string> commit =
        cache::is_commit_hash(revision) ? revision : cache::read_ref(storage, revision);
    if (commit)
      if (auto dir = cache::usable_snapshot(storage, *commit, options.files, false)) return *dir;
    fail("HF_HUB_OFFLINE is set and ", id->repo, "@", revision, " is not in the cache",
         commit ? " with an OpenVINO IR (snapshot " + *commit + " lacks openvino_model.xml/.bin)"
                : std::string(),
         "; ", describe_cache(cache, id->repo), ". Unset HF_HUB_OFFLINE to download it");
  }
  // A commit whose files are all cached needs no network (files at a commit never change).
  if (cache::is_commit_hash(revision))
    if (auto dir = cache::usable_snapshot(storage, revision, options.files, true)) return *dir;
  return Hub(options, id->repo, cache).download(revision);
}

}  // namespace sparrow::hf
