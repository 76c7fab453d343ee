#include <system_error>

#include "commands.h"
#include "sparrow/error.h"

namespace sparrow::tools {

std::filesystem::path resolve_model(const std::string& arg) {
  namespace fs = std::filesystem;
  fs::path p(arg);
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    fs::path xml = p / "openvino_model.xml";
    if (fs::exists(xml, ec)) return xml;
    fs::path found;
    for (const auto& entry : fs::directory_iterator(p, ec)) {
      if (entry.path().extension() != ".xml") continue;
      SPARROW_CHECK(found.empty(), arg, ": the folder has several .xml files and no openvino_model.xml; name one");
      found = entry.path();
    }
    SPARROW_CHECK(!found.empty(), arg, ": the folder has no openvino_model.xml");
    return found;
  }
  SPARROW_CHECK(fs::exists(p, ec), arg, ": no such file or folder");
  SPARROW_CHECK(p.extension() == ".xml", arg, ": expected an OpenVINO IR .xml file or a model folder");
  return p;
}

}  // namespace sparrow::tools
