// The Hugging Face hub client against a loopback hub (tests/hub_server/hub_server.py) that serves the SST-2
// model folder with the hub's endpoints and headers, and injects faults per request.
#include "frontends/hf/hub.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "frontends/hf/sha256.h"
#include "sparrow/error.h"
#include "support/cli.h"
#include "support/paths.h"

extern char** environ;

namespace sparrow::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kRepo = "org/tiny";

fs::path model_dir() {
  return shared_dir() / "data/models/sst2-tiny-sparse-int8";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& path, const std::string& text) {
  fs::path tmp = path.string() + ".tmp";
  std::ofstream(tmp, std::ios::binary) << text;
  fs::rename(tmp, path);
}

// The loopback hub, one per test; it exits by itself after `lifetime` seconds whatever happens.
class HubServer {
 public:
  HubServer(const fs::path& work, std::vector<std::string> revisions, std::string token = "")
      : work_(work), revisions_(std::move(revisions)), token_(std::move(token)) {}
  ~HubServer() { stop(); }

  void start() {
    fs::path port_file = work_ / "server.port";
    fs::remove(port_file);
    std::vector<std::string> args = {"/usr/bin/python3",
                                     (source_dir() / "tests/hub_server/hub_server.py").string(),
                                     "--repo",
                                     kRepo,
                                     "--port-file",
                                     port_file.string(),
                                     "--faults",
                                     faults_file().string(),
                                     "--log",
                                     log_file().string(),
                                     "--lifetime",
                                     "90"};
    for (const std::string& r : revisions_) args.insert(args.end(), {"--revision", r});
    if (!token_.empty()) args.insert(args.end(), {"--token", token_});
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!fs::exists(port_file)) {
      int status = 0;
      ASSERT_EQ(waitpid(pid_, &status, WNOHANG), 0) << "the hub server exited early";
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the hub server did not report its port";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    port_ = std::stoi(read_file(port_file));
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 250 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void set_faults(const json& rules) { write_file(faults_file(), rules.dump()); }
  void clear_log() { fs::remove(log_file()); }
  std::vector<json> log() const {
    std::vector<json> entries;
    std::ifstream in(log_file());
    for (std::string line; std::getline(in, line);) entries.push_back(json::parse(line));
    return entries;
  }
  // Requests whose path contains `part` (and, if given, with this method).
  std::vector<json> requests(const std::string& part, const std::string& method = "") const {
    std::vector<json> out;
    for (const json& e : log())
      if (e["path"].get<std::string>().find(part) != std::string::npos &&
          (method.empty() || e["method"] == method))
        out.push_back(e);
    return out;
  }

 private:
  fs::path faults_file() const { return work_ / "faults.json"; }
  fs::path log_file() const { return work_ / "requests.log"; }
  fs::path work_;
  std::vector<std::string> revisions_;
  std::string token_;
  pid_t pid_ = -1;
  int port_ = 0;
};

class Hub : public ::testing::Test {
 protected:
  void SetUp() override { start_server(""); }

  void start_server(const std::string& token) {
    work_ = build_dir() / "hub_test" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(work_);
    fs::create_directories(work_ / "v1");
    // Revision v1: the same IR (so its blobs are shared), other labels, and no vocab.txt.
    for (const char* f :
         {"openvino_model.xml", "openvino_model.bin", "tokenizer.json", "tokenizer_config.json"})
      fs::copy_file(model_dir() / f, work_ / "v1" / f);
    write_file(work_ / "v1/config.json", R"({"model_type": "bert", "id2label": {"0": "NEG", "1": "POS"}})");
    server_ = std::make_unique<HubServer>(
        work_, std::vector<std::string>{"main=" + model_dir().string(), "v1=" + (work_ / "v1").string()},
        token);
    server_->start();
  }

  hf::DownloadOptions options() {
    hf::DownloadOptions o;
    o.endpoint = server_->endpoint();
    o.cache_dir = cache();
    o.progress = hf::ProgressBar::kOff;
    o.connect_timeout_s = 5;
    o.metadata_timeout_s = 10;
    o.stall_timeout_s = 5;
    o.max_attempts = 1;
    o.retry_backoff_ms = 0;
    o.log = [this](const std::string& note) { notes_.push_back(note); };
    return o;
  }

  fs::path cache() const { return work_ / "hf_home/hub"; }
  fs::path storage() const { return cache() / "models--org--tiny"; }
  static std::string sha256(const fs::path& p) { return hf::sha256_hex(read_file(p)); }

  // The message of the sparrow::Error that downloading throws ("" when it succeeds).
  std::string download_error(const std::string& id, const hf::DownloadOptions& o) {
    try {
      hf::download_model(id, o);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  // Files in blobs/ (name -> size).
  std::map<std::string, uintmax_t> blobs() const {
    std::map<std::string, uintmax_t> out;
    if (fs::exists(storage() / "blobs"))
      for (const auto& e : fs::directory_iterator(storage() / "blobs"))
        out[e.path().filename()] = e.file_size();
    return out;
  }

  // Every complete-looking blob (no .incomplete suffix) has the content its name promises, and every snapshot
  // file resolves to a blob with the original's bytes.
  void expect_no_partial_file_looks_complete() {
    std::string bin_sha = sha256(model_dir() / "openvino_model.bin");
    for (const auto& [name, size] : blobs()) {
      if (name.ends_with(".incomplete")) continue;
      if (name.size() == 64) {
        EXPECT_EQ(sha256(storage() / "blobs" / name), name)
            << "blob " << name << " is not what its name says";
      }
      EXPECT_NE(name, bin_sha + ".tmp");
    }
    if (!fs::exists(storage() / "snapshots")) return;
    for (const auto& snap : fs::directory_iterator(storage() / "snapshots"))
      for (const auto& f : fs::directory_iterator(snap.path())) {
        ASSERT_TRUE(fs::exists(f.path())) << f.path() << " is a dangling link";
        EXPECT_EQ(read_file(f.path()), read_file(model_dir() / f.path().filename())) << f.path();
      }
  }

  fs::path work_;
  std::unique_ptr<HubServer> server_;
  std::vector<std::string> notes_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(Hub, FreshDownloadMatchesTheOriginalsInHuggingFaceCacheLayout) {
  fs::path snapshot = hf::download_model(kRepo, options());
  std::string commit = read_file(storage() / "refs/main");
  ASSERT_TRUE(hf::parse_hub_id("a/b@" + commit)) << commit;
  ASSERT_EQ(commit.size(), 40u);
  EXPECT_EQ(snapshot, storage() / "snapshots" / commit);

  const std::set<std::string> lfs = {"openvino_model.xml", "openvino_model.bin", "tokenizer.json",
                                     "vocab.txt"};
  for (const std::string& f : hf::model_files()) {
    fs::path link = snapshot / f;
    ASSERT_TRUE(fs::is_symlink(link)) << f;
    std::string target = fs::read_symlink(link).string();
    ASSERT_TRUE(target.starts_with("../../blobs/")) << target;
    std::string etag = target.substr(12);
    if (lfs.count(f)) {
      EXPECT_EQ(etag, sha256(model_dir() / f)) << f << ": LFS files are named by their sha256";
    } else {
      EXPECT_EQ(etag.size(), 40u) << f << ": small files by their git blob id";
    }
    EXPECT_EQ(read_file(link), read_file(model_dir() / f)) << f << " differs from the original";
  }
  // Only what a model needs: not the ONNX files, the PyTorch weights or the README.
  for (const char* f : {"model.onnx", "pytorch_model.bin", "README.md", "golden.json"}) {
    EXPECT_FALSE(fs::exists(snapshot / f)) << f;
    EXPECT_TRUE(server_->requests(f).empty()) << f << " was requested";
  }
  EXPECT_EQ(blobs().size(), hf::model_files().size()) << "no .incomplete left behind";
  EXPECT_FALSE(fs::exists(storage() / ".no_exist")) << "every wanted file exists at main";
  // The API call resolves main; the file URLs use the commit.
  ASSERT_EQ(server_->requests("/api/models/org/tiny/revision/main").size(), 1u);
  EXPECT_EQ(server_->requests("/resolve/" + commit + "/openvino_model.bin", "HEAD").size(), 1u);

  // Again online: only the revision is asked for; cached files are not fetched again.
  server_->clear_log();
  EXPECT_EQ(hf::download_model(kRepo, options()), snapshot);
  EXPECT_EQ(server_->log().size(), 1u) << server_->log().back().dump();
}

TEST_F(Hub, CacheHitOfflineWithTheServerStopped) {
  fs::path snapshot = hf::download_model(kRepo, options());
  server_->stop();
  hf::DownloadOptions offline = options();
  offline.offline = true;
  EXPECT_EQ(hf::download_model(kRepo, offline), snapshot);
  EXPECT_EQ(hf::download_model(std::string(kRepo) + "@main", offline), snapshot);

  // Online but no server: huggingface_hub's fallback to the cached snapshot, with a note saying so.
  EXPECT_EQ(hf::download_model(kRepo, options()), snapshot);
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_TRUE(contains(notes_[0], "could not connect")) << notes_[0];
  EXPECT_TRUE(contains(notes_[0], "using the cached snapshot")) << notes_[0];

  // What is not cached fails, saying what is.
  std::string msg = download_error(std::string(kRepo) + "@v1", offline);
  EXPECT_TRUE(contains(msg, "HF_HUB_OFFLINE is set and org/tiny@v1 is not in the cache")) << msg;
  EXPECT_TRUE(contains(msg, "refs: main -> " + snapshot.filename().string())) << msg;
  EXPECT_TRUE(contains(msg, "openvino_model.bin")) << msg;
  msg = download_error("org/other", offline);
  EXPECT_TRUE(contains(msg, "nothing is cached for org/other")) << msg;
  msg = download_error(std::string(kRepo) + "@v1", options());
  EXPECT_TRUE(contains(msg, "could not connect to " + options().endpoint)) << msg;
  EXPECT_TRUE(contains(msg, "set HF_HUB_OFFLINE=1")) << msg;
  EXPECT_TRUE(contains(msg, "refs: main -> ")) << msg;
}

TEST_F(Hub, ResumesADroppedDownloadWithRange) {
  server_->set_faults(json::array({{{"id", "drop"},
                                    {"match", "/openvino_model.bin"},
                                    {"method", "GET"},
                                    {"mode", "drop"},
                                    {"after", 3000000},
                                    {"times", 1}}}));
  std::string msg = download_error(kRepo, options());
  EXPECT_TRUE(
      contains(msg, "openvino_model.bin: download interrupted at 3000000 bytes (3.0 MB) of 8365268 bytes"))
      << msg;
  EXPECT_TRUE(contains(msg, "the next download resumes from it")) << msg;
  std::string bin_sha = sha256(model_dir() / "openvino_model.bin");
  EXPECT_EQ(blobs()[bin_sha + ".incomplete"], 3000000u);
  EXPECT_EQ(blobs().count(bin_sha), 0u) << "an interrupted download never gets the final name";
  EXPECT_FALSE(fs::exists(storage() / "refs/main"));
  expect_no_partial_file_looks_complete();

  server_->clear_log();
  fs::path snapshot = hf::download_model(kRepo, options());
  auto gets = server_->requests("/_lfs/" + bin_sha, "GET");
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0]["range"], "bytes=3000000-");
  EXPECT_EQ(read_file(snapshot / "openvino_model.bin"), read_file(model_dir() / "openvino_model.bin"));
  EXPECT_EQ(blobs().count(bin_sha + ".incomplete"), 0u);
  expect_no_partial_file_looks_complete();
}

TEST_F(Hub, ResumesWithinOneCallWhenAttemptsRemain) {
  server_->set_faults(json::array({{{"id", "drop"},
                                    {"match", "/openvino_model.bin"},
                                    {"method", "GET"},
                                    {"mode", "drop"},
                                    {"after", 1000000},
                                    {"times", 2}}}));
  hf::DownloadOptions o = options();
  o.max_attempts = 3;
  fs::path snapshot = hf::download_model(kRepo, o);
  EXPECT_EQ(read_file(snapshot / "openvino_model.bin"), read_file(model_dir() / "openvino_model.bin"));
  ASSERT_EQ(notes_.size(), 2u);
  EXPECT_TRUE(contains(notes_[0], "download interrupted at 1000000 bytes")) << notes_[0];
  EXPECT_TRUE(contains(notes_[0], "resuming (attempt 2 of 3)")) << notes_[0];
  auto gets = server_->requests("/_lfs/", "GET");
  std::vector<std::string> ranges;
  for (const json& g : gets) ranges.push_back(g["range"].is_null() ? "" : g["range"].get<std::string>());
  EXPECT_NE(std::find(ranges.begin(), ranges.end(), "bytes=2000000-"), ranges.end());
}

TEST_F(Hub, AStalledTransferIsBrokenOffAndResumed) {
  server_->set_faults(json::array({{{"id", "stall"},
                                    {"match", "/openvino_model.bin"},
                                    {"method", "GET"},
                                    {"mode", "stall"},
                                    {"after", 500000},
                                    {"seconds", 20},
                                    {"times", 1}}}));
  hf::DownloadOptions o = options();
  o.stall_timeout_s = 1;
  o.max_attempts = 2;
  auto start = std::chrono::steady_clock::now();
  fs::path snapshot = hf::download_model(kRepo, o);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(6)) << "the stall limit is 1 s";
  EXPECT_EQ(read_file(snapshot / "openvino_model.bin"), read_file(model_dir() / "openvino_model.bin"));
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_TRUE(contains(notes_[0], "(no data for 1 s); resuming")) << notes_[0];
}

TEST_F(Hub, ARestartedTransferWhenTheServerIgnoresRange) {
  server_->set_faults(json::array({{{"id", "drop"},
                                    {"match", "/openvino_model.bin"},
                                    {"method", "GET"},
                                    {"mode", "drop"},
                                    {"after", 2000000},
                                    {"times", 1}},
                                   {{"id", "full"},
                                    {"match", "/openvino_model.bin"},
                                    {"method", "GET"},
                                    {"mode", "ignore_range"},
                                    {"times", -1}}}));
  hf::DownloadOptions o = options();
  o.max_attempts = 2;
  fs::path snapshot = hf::download_model(kRepo, o);
  EXPECT_EQ(read_file(snapshot / "openvino_model.bin"), read_file(model_dir() / "openvino_model.bin"));
  expect_no_partial_file_looks_complete();
}

TEST_F(Hub, NotFoundMessages) {
  std::string msg = download_error("org/missing", options());
  EXPECT_TRUE(contains(msg, "no model org/missing on " + options().endpoint + ": check the id")) << msg;
  EXPECT_TRUE(contains(msg, "HTTP 404, RepoNotFound")) << msg;
  msg = download_error(std::string(kRepo) + "@nope", options());
  EXPECT_TRUE(contains(msg, "model org/tiny has no revision 'nope'")) << msg;
  server_->set_faults(json::array({{{"id", "404"},
                                    {"match", "/config.json"},
                                    {"mode", "status"},
                                    {"status", 404},
                                    {"error_code", "EntryNotFound"},
                                    {"times", -1}}}));
  msg = download_error(kRepo, options());
  EXPECT_TRUE(contains(msg, "org/tiny@main has no file config.json")) << msg;
  EXPECT_FALSE(fs::exists(storage() / "refs/main"));
}

TEST_F(Hub, AuthenticationMessagesAndTheTokenIsSent) {
  server_->stop();
  start_server("s3cret");
  std::string msg = download_error(kRepo, options());
  EXPECT_TRUE(contains(msg, "org/tiny needs authentication (private or gated model): set HF_TOKEN")) << msg;
  EXPECT_TRUE(contains(msg, "HTTP 401")) << msg;
  hf::DownloadOptions o = options();
  o.token = "wrong";
  msg = download_error(kRepo, o);
  EXPECT_TRUE(contains(msg, "HF_TOKEN was rejected for org/tiny")) << msg;
  o.token = "s3cret";
  fs::path snapshot = hf::download_model(kRepo, o);
  EXPECT_EQ(read_file(snapshot / "config.json"), read_file(model_dir() / "config.json"));
  for (const json& e : server_->requests("/resolve/")) EXPECT_EQ(e["authorization"], "Bearer s3cret");

  server_->set_faults(json::array({{{"id", "gated"},
                                    {"match", "/api/"},
                                    {"mode", "status"},
                                    {"status", 403},
                                    {"error_code", "GatedRepo"},
                                    {"times", -1}}}));
  msg = download_error(std::string(kRepo) + "@v1", o);
  EXPECT_TRUE(contains(msg, "org/tiny is a gated model: accept its conditions")) << msg;
  server_->set_faults(
      json::array({{{"id", "403"}, {"match", "/api/"}, {"mode", "status"}, {"status", 403}, {"times", -1}}}));
  msg = download_error(std::string(kRepo) + "@v1", o);
  EXPECT_TRUE(contains(msg, "access to org/tiny was denied: the token in HF_TOKEN lacks permission")) << msg;
}

TEST_F(Hub, ServerErrorsAreRetriedThenReported) {
  server_->set_faults(
      json::array({{{"id", "500"}, {"match", "/api/"}, {"mode", "status"}, {"status", 500}, {"times", -1}}}));
  hf::DownloadOptions o = options();
  o.max_attempts = 2;
  std::string msg = download_error(kRepo, o);
  EXPECT_TRUE(contains(msg, "the hub had a server error; try again later (HTTP 500")) << msg;
  EXPECT_EQ(server_->requests("/api/").size(), 2u);

  server_->set_faults(json::array({{{"id", "once"},
                                    {"match", "/openvino_model.bin"},
                                    {"mode", "status"},
                                    {"status", 503},
                                    {"times", 1}}}));
  fs::path snapshot = hf::download_model(kRepo, o);
  EXPECT_EQ(read_file(snapshot / "openvino_model.bin"), read_file(model_dir() / "openvino_model.bin"));
}

TEST_F(Hub, GarbageAndTruncatedMetadataAreRejected) {
  server_->set_faults(json::array({{{"id", "g"}, {"match", "/api/"}, {"mode", "garbage"}, {"times", 1}}}));
  std::string msg = download_error(kRepo, options());
  EXPECT_TRUE(contains(msg, "the hub's answer for org/tiny@main")) << msg;
  EXPECT_TRUE(contains(msg, "is not valid JSON")) << msg;
  EXPECT_TRUE(contains(msg, "begins with \"<html><body>502 Bad Gateway")) << msg;
  server_->set_faults(json::array({{{"id", "t"}, {"match", "/api/"}, {"mode", "truncate"}, {"times", 1}}}));
  msg = download_error(kRepo, options());
  EXPECT_TRUE(contains(msg, "is not valid JSON")) << msg;
  server_->set_faults(
      json::array({{{"id", "e"}, {"match", "/config.json"}, {"mode", "no_etag"}, {"times", 1}}}));
  msg = download_error(kRepo, options());
  EXPECT_TRUE(contains(msg, "has no ETag, so the file cannot be cached")) << msg;
  EXPECT_FALSE(fs::exists(storage() / "refs/main"));
  EXPECT_EQ(blobs().size(), 2u) << "the IR files before config.json, nothing else";
}

TEST_F(Hub, CorruptContentIsRejectedAndDiscarded) {
  server_->set_faults(json::array({{{"id", "g"},
                                    {"match", "/openvino_model.bin"},
                                    {"method", "GET"},
                                    {"mode", "garbage"},
                                    {"times", 1}}}));
  std::string msg = download_error(kRepo, options());
  std::string bin_sha = sha256(model_dir() / "openvino_model.bin");
  EXPECT_TRUE(contains(msg, "the content's sha256 is ")) << msg;
  EXPECT_TRUE(contains(msg, "but its ETag says " + bin_sha)) << msg;
  EXPECT_TRUE(contains(msg, "the corrupt download was discarded")) << msg;
  EXPECT_EQ(blobs().count(bin_sha), 0u);
  EXPECT_EQ(blobs().count(bin_sha + ".incomplete"), 0u) << "a corrupt part is not resumed";
  expect_no_partial_file_looks_complete();
  fs::path snapshot = hf::download_model(kRepo, options());
  EXPECT_EQ(read_file(snapshot / "openvino_model.bin"), read_file(model_dir() / "openvino_model.bin"));
}

TEST_F(Hub, TruncatedOrMissizedFilesAreRejected) {
  // A complete HTTP answer that is shorter than the size the hub announced (a small, non-LFS file).
  server_->set_faults(json::array(
      {{{"id", "t"}, {"match", "/config.json"}, {"method", "GET"}, {"mode", "truncate"}, {"times", 1}}}));
  std::string msg = download_error(kRepo, options());
  EXPECT_TRUE(contains(msg, "org/tiny@main config.json: received 342 bytes but the hub announced 684 bytes"))
      << msg;
  EXPECT_TRUE(contains(msg, "the download was discarded")) << msg;
  expect_no_partial_file_looks_complete();
  for (const auto& [name, size] : blobs()) EXPECT_FALSE(name.ends_with(".incomplete")) << name;

  // The hub announces a size the content does not have.
  fs::remove_all(cache());
  server_->set_faults(json::array({{{"id", "l"},
                                    {"match", "/openvino_model.bin"},
                                    {"method", "HEAD"},
                                    {"mode", "length_lie"},
                                    {"times", 1}}}));
  msg = download_error(kRepo, options());
  EXPECT_TRUE(contains(msg, "received 8365268 bytes (8.4 MB) but the hub announced 8365278 bytes")) << msg;
  expect_no_partial_file_looks_complete();

  // A connection that keeps dropping leaves only an .incomplete part, never a complete-looking file.
  fs::remove_all(cache());
  server_->set_faults(json::array({{{"id", "d"},
                                    {"match", "/openvino_model.bin"},
                                    {"method", "GET"},
                                    {"mode", "drop"},
                                    {"after", 100},
                                    {"times", -1}}}));
  hf::DownloadOptions o = options();
  o.max_attempts = 3;
  msg = download_error(kRepo, o);
  EXPECT_TRUE(contains(msg, "after 3 attempt(s)")) << msg;
  expect_no_partial_file_looks_complete();
  EXPECT_FALSE(fs::exists(storage() / "refs/main"));
}

TEST_F(Hub, RevisionPinning) {
  fs::path main_snapshot = hf::download_model(kRepo, options());
  server_->clear_log();
  fs::path v1 = hf::download_model(std::string(kRepo) + "@v1", options());
  EXPECT_NE(v1, main_snapshot);
  std::string v1_commit = v1.filename().string();
  EXPECT_EQ(read_file(storage() / "refs/v1"), v1_commit);
  EXPECT_EQ(read_file(v1 / "config.json"), read_file(work_ / "v1/config.json"));
  EXPECT_EQ(read_file(main_snapshot / "config.json"), read_file(model_dir() / "config.json"));
  EXPECT_TRUE(server_->requests("/_lfs/", "GET").empty()) << "v1's IR blobs are main's: not fetched again";
  EXPECT_EQ(fs::read_symlink(v1 / "openvino_model.bin"),
            fs::read_symlink(main_snapshot / "openvino_model.bin"));
  // v1 has no vocab.txt: recorded the way huggingface_hub does, so that the snapshot counts as complete.
  EXPECT_FALSE(fs::exists(v1 / "vocab.txt"));
  EXPECT_TRUE(fs::exists(storage() / ".no_exist" / v1_commit / "vocab.txt"));

  // Pinned by commit hash: served from the cache without a request; the options' revision wins over "@".
  server_->clear_log();
  EXPECT_EQ(hf::download_model(std::string(kRepo) + "@" + v1_commit, options()), v1);
  EXPECT_TRUE(server_->log().empty());
  hf::DownloadOptions o = options();
  o.revision = "v1";
  EXPECT_EQ(hf::download_model(std::string(kRepo) + "@main", o), v1);
}

TEST(HubIds, ParseHubId) {
  auto id = hf::parse_hub_id("OpenVINO/bert-base-uncased-sst2-int8-unstructured80");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->repo, "OpenVINO/bert-base-uncased-sst2-int8-unstructured80");
  EXPECT_EQ(id->revision, "");
  id = hf::parse_hub_id("org/name@refs/pr/1");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->revision, "refs/pr/1");
  for (const char* bad :
       {"name", "/abs/path", "org/", "/name", "a/b/c", "org/na me", "org/-name", "org/name.", "org/na--me",
        "org/na..me", "org/name@", "org/name@../x", "org/name@a//b", "./org/name", "models/x.xml/"}) {
    EXPECT_FALSE(hf::parse_hub_id(bad)) << bad;
  }
}

TEST(HubIds, OptionsFromEnvironment) {
  const char* names[] = {"HF_HOME",
                         "HF_HUB_CACHE",
                         "HF_ENDPOINT",
                         "HF_TOKEN",
                         "HF_HUB_OFFLINE",
                         "HF_HUB_DOWNLOAD_TIMEOUT",
                         "HF_HUB_DISABLE_PROGRESS_BARS",
                         "HUGGINGFACE_HUB_CACHE",
                         "HUGGING_FACE_HUB_TOKEN",
                         "HF_TOKEN_PATH"};
  std::map<std::string, std::optional<std::string>> saved;
  for (const char* n : names) {
    const char* v = std::getenv(n);
    saved[n] = v ? std::optional<std::string>(v) : std::nullopt;
    unsetenv(n);
  }
  fs::path home = build_dir() / "hub_test/env_home";
  fs::create_directories(home);
  write_file(home / "token", "from-file\n");
  setenv("HF_HOME", home.c_str(), 1);
  setenv("HF_ENDPOINT", "http://127.0.0.1:9", 1);
  setenv("HF_HUB_OFFLINE", "true", 1);
  setenv("HF_HUB_DOWNLOAD_TIMEOUT", "3", 1);
  setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1", 1);
  hf::DownloadOptions o = hf::options_from_environment();
  EXPECT_EQ(o.cache_dir, home / "hub");
  EXPECT_EQ(o.endpoint, "http://127.0.0.1:9");
  EXPECT_EQ(o.token, "from-file");
  EXPECT_TRUE(o.offline);
  EXPECT_EQ(o.stall_timeout_s, 3);
  EXPECT_EQ(o.progress, hf::ProgressBar::kOff);
  setenv("HF_TOKEN", "from-env", 1);
  setenv("HF_HUB_CACHE", "/elsewhere", 1);
  setenv("HF_HUB_OFFLINE", "0", 1);
  o = hf::options_from_environment();
  EXPECT_EQ(o.token, "from-env");
  EXPECT_EQ(o.cache_dir, "/elsewhere");
  EXPECT_FALSE(o.offline);
  setenv("HF_HUB_DOWNLOAD_TIMEOUT", "soon", 1);
  EXPECT_THROW(hf::options_from_environment(), Error);
  for (const auto& [n, v] : saved) {
    if (v) {
      setenv(n.c_str(), v->c_str(), 1);
    } else {
      unsetenv(n.c_str());
    }
  }
}

TEST_F(Hub, CliInfoTakesAHubId) {
  std::string env = "-u HF_HUB_CACHE -u HF_TOKEN -u HF_HUB_OFFLINE HF_HOME=" + (work_ / "hf_home").string() +
                    " HF_ENDPOINT=" + server_->endpoint() +
                    " HF_HUB_ETAG_TIMEOUT=10 HF_HUB_DOWNLOAD_TIMEOUT=10";
  CliResult r = run_cli("info -m org/tiny", env);
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_TRUE(contains(r.output(), "FakeQuantize             8")) << r.output();
  EXPECT_TRUE(contains(r.output(), "models--org--tiny/snapshots/")) << r.output();
  EXPECT_TRUE(fs::exists(storage() / "refs/main"));

  r = run_cli("info -m org/missing", env);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.output(),
                       "org/missing: not a local file or folder, so it was taken as a Hugging Face model "
                       "id: no model org/missing"))
      << r.output();

  server_->stop();
  r = run_cli("info -m org/tiny@main", env + " HF_HUB_OFFLINE=1");
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_TRUE(contains(r.output(), "FakeQuantize             8")) << r.output();
  r = run_cli("info -m org/tiny@v1", env + " HF_HUB_OFFLINE=1");
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.output(), "HF_HUB_OFFLINE is set and org/tiny@v1 is not in the cache"))
      << r.output();
  r = run_cli("info -m no/such/path", env);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.output(), "no such file or folder (and not a Hugging Face model id")) << r.output();
}

}  // namespace
}  // namespace sparrow::testing
