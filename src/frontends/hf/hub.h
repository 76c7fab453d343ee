// Hugging Face hub client: resolves `org/name[@revision]` to a snapshot folder in the cache layout that
// huggingface_hub uses, downloading what is missing. See docs/hub.md for the environment, the cache layout,
// the verification rules and the error messages.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sparrow::hf {

enum class ProgressBar { kAuto, kOn, kOff };  // kAuto: a bar when stderr is a terminal

// The files of a model repository sparrow needs (root level; each is fetched when the repository has it).
std::vector<std::string> model_files();

struct DownloadOptions {
  std::string revision;  // overrides "@revision" in the id; empty: the id's, else "main"
  std::string endpoint = "https://huggingface.co";
  std::string token;                // sent as "Authorization: Bearer" to the endpoint only
  std::filesystem::path cache_dir;  // the hub cache (HF_HUB_CACHE); empty: default_hub_cache()
  bool offline = false;             // no network: the cache or an error
  std::vector<std::string> files = model_files();
  ProgressBar progress = ProgressBar::kAuto;
  long connect_timeout_s = 10;
  long metadata_timeout_s = 10;  // whole API and HEAD requests
  long stall_timeout_s = 10;    // a file transfer receiving nothing for this long is broken off (and resumed)
  int max_attempts = 5;         // per file, for interrupted transfers and 5xx/429 answers
  int retry_backoff_ms = 1000;  // doubled after each failed attempt, at most 8 s
  // Notes about retries and cache fallbacks; empty: printed on stderr.
  std::function<void(const std::string&)> log;
};

// Options from the environment as huggingface_hub reads it: HF_ENDPOINT, HF_TOKEN (else HF_TOKEN_PATH or
// $HF_HOME/token), HF_HUB_CACHE (else $HF_HOME/hub), HF_HUB_OFFLINE, HF_HUB_ETAG_TIMEOUT,
// HF_HUB_DOWNLOAD_TIMEOUT, HF_HUB_DISABLE_PROGRESS_BARS.
DownloadOptions options_from_environment();

// $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub.
std::filesystem::path default_hub_cache();

struct HubId {
  std::string repo;      // "org/name"
  std::string revision;  // after '@'; empty when absent
};

// `org/name[@revision]` with huggingface_hub's rules for names (letters, digits, '-', '_', '.'; no "--" or
// ".."; at most 96 characters). nullopt when `text` is not such an id.
std::optional<HubId> parse_hub_id(const std::string& text);

// Returns <cache>/models--org--name/snapshots/<commit>, holding every file of options.files that the
// repository has at that revision (relative symlinks into ../../blobs). Throws sparrow::Error saying what
// happened and what to do.
std::filesystem::path download_model(const std::string& repo_id, const DownloadOptions& options);

// One paragraph on what the cache holds for `repo` (refs, snapshots and their files, partial downloads), for
// error messages and `sparrow` diagnostics.
std::string describe_cache(const std::filesystem::path& cache_dir, const std::string& repo);

}  // namespace sparrow::hf
