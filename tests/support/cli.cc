#include "support/cli.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/paths.h"

namespace sparrow::testing {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

CliResult run_cli(const std::string& args, const std::string& env) {
  char err_path[] = "/tmp/sparrow-cli-stderr-XXXXXX";
  int fd = mkstemp(err_path);
  if (fd < 0) return {};
  close(fd);
  std::string cmd = "env " + env + " " + shell_quote(cli_path().string()) + " " + args + " 2>" + err_path;
  CliResult r;
  if (FILE* pipe = popen(cmd.c_str(), "r")) {
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
    int status = pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::ifstream f(err_path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  r.err = s.str();
  std::remove(err_path);
  return r;
}

}  // namespace sparrow::testing
