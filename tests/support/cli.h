// Running the `sparrow` command from tests, the way a user's shell does.
#pragma once

#include <string>

namespace sparrow::testing {

struct CliResult {
  int status = -1;  // exit code; -1 if the command did not exit normally
  std::string out;  // stdout
  std::string err;  // stderr
  std::string output() const { return out + err; }
};

// Runs `env ENV sparrow ARGS` through /bin/sh. ARGS and ENV are shell text: quote with shell_quote().
CliResult run_cli(const std::string& args, const std::string& env = "");

// Single-quotes `s` for /bin/sh.
std::string shell_quote(const std::string& s);

}  // namespace sparrow::testing
