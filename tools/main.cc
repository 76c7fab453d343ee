#include <cstdio>
#include <exception>

#include "commands.h"
#include "sparrow/core.h"
#include "sparrow/error.h"

int main(int argc, char** argv) {
  CLI::App app{"sparrow: sparse int8 transformer encoders on CPUs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("sparrow ") + sparrow::version());
  sparrow::tools::add_info_command(app);
  sparrow::tools::add_run_command(app);
  sparrow::tools::add_synth_command(app);
  sparrow::tools::add_tokenize_command(app);
  sparrow::tools::add_classify_command(app);
  sparrow::tools::add_eval_command(app);
  sparrow::tools::add_bench_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const sparrow::Error& e) {
    std::fflush(stdout);  // what was printed before the error comes first, also through a pipe
    std::fprintf(stderr, "sparrow: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "sparrow: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
