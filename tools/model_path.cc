#include <system_error>

#include "commands.h"
#include "frontends/hf/hub.h"
#include "frontends/hf/model_folder.h"
#include "sparrow/error.h"

namespace sparrow::tools {
namespace {

namespace fs = std::filesystem;

// A local path wins; an argument is a hub id only when no such path exists and it reads org/name[@revision].
fs::path download_or_fail(const std::string& arg) {
  std::optional<hf::HubId> id = hf::parse_hub_id(arg);
  SPARROW_CHECK(id, arg,
                ": no such file or folder (and not a Hugging Face model id of the form org/name[@revision])");
  try {
    return hf::download_model(arg, hf::options_from_environment());
  } catch (const Error& e) {
    fail(arg, ": not a local file or folder, so it was taken as a Hugging Face model id: ", e.what());
  }
}

}  // namespace

fs::path resolve_model_folder(const std::string& arg) {
  fs::path p(arg);
  std::error_code ec;
  if (fs::is_directory(p, ec)) return p;
  if (fs::exists(p, ec)) {
    SPARROW_CHECK(p.extension() == ".xml", arg, ": expected an OpenVINO IR .xml file or a model folder");
    return p.has_parent_path() ? p.parent_path() : fs::path(".");
  }
  return download_or_fail(arg);
}

fs::path resolve_model(const std::string& arg) {
  fs::path p(arg);
  std::error_code ec;
  if (fs::exists(p, ec) && !fs::is_directory(p, ec)) {
    SPARROW_CHECK(p.extension() == ".xml", arg, ": expected an OpenVINO IR .xml file or a model folder");
    return p;
  }
  fs::path dir = fs::is_directory(p, ec) ? p : download_or_fail(arg);
  try {
    return hf::open_model_folder(dir).xml;
  } catch (const Error& e) {
    fail(arg, ": ", e.what());
  }
}

}  // namespace sparrow::tools
