// Helpers shared by the benchmark programs (sqlcore_bench, trinity_bench).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

namespace bench {

// Console colours as Google Benchmark decides them for its own reporter (--benchmark_color).
inline benchmark::ConsoleReporter::OutputOptions console_options(int argc, char** argv) {
  std::string color = "auto";
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.starts_with("--benchmark_color=")) color = a.substr(std::strlen("--benchmark_color="));
  }
  bool use_color =
      color == "true" || color == "yes" || color == "1" ||
      (color == "auto" && isatty(STDOUT_FILENO) != 0 && std::getenv("TERM") != nullptr &&
       std::string_view(std::getenv("TERM")) != "dumb");
  return use_color ? benchmark::ConsoleReporter::OO_ColorTabular
                   : benchmark::ConsoleReporter::OO_Tabular;
}

// Whether SQLCORE_TEST_BACKENDS (unset: all) asks for `backend` ("sqlite" or "postgresql").
inline bool wanted(const char* backend) {
  const char* env = std::getenv("SQLCORE_TEST_BACKENDS");
  if (env == nullptr || *env == '\0') return true;
  std::string_view list = env;
  if (std::string_view(backend) == "sqlite")
    return list.find("sqlite") != std::string_view::npos;  // sqlite, sqlite-file, sqlite-memory
  return list.find(backend) != std::string_view::npos;
}

/// The command line handed to Google Benchmark: defaults a flag can override (repetitions,
/// randomly interleaved, aggregates only) before the user's own arguments.
struct Args {
  std::vector<std::string> defaults;
  std::vector<char*> argv;
  int argc = 0;
};

/// Initialises Google Benchmark with `repetitions` unless the command line says otherwise.
/// Returns false (exit 2) on an unrecognised argument.
inline bool initialize(Args& out, int argc, char** argv, int repetitions) {
  auto add_default = [&](std::string_view flag, std::string_view value) {
    for (int i = 1; i < argc; ++i)
      if (std::string_view(argv[i]).starts_with(flag)) return;
    out.defaults.push_back(std::string(flag) + "=" + std::string(value));
  };
  add_default("--benchmark_repetitions", std::to_string(repetitions));
  add_default("--benchmark_enable_random_interleaving", "true");
  add_default("--benchmark_report_aggregates_only", "true");
  out.argv.reserve(static_cast<std::size_t>(argc) + out.defaults.size() + 1);
  out.argv.push_back(argv[0]);
  for (std::string& d : out.defaults) out.argv.push_back(d.data());
  for (int i = 1; i < argc; ++i) out.argv.push_back(argv[i]);
  out.argc = static_cast<int>(out.argv.size());
  out.argv.push_back(nullptr);
  benchmark::Initialize(&out.argc, out.argv.data());
  return !benchmark::ReportUnrecognizedArguments(out.argc, out.argv.data());
}

}  // namespace bench
