// `bucketfire export sam`: the pipeline file as an AWS SAM template.
#include <cstdio>
#include <fstream>

#include "emulator/cli/commands.h"
#include "emulator/cli/flags.h"
#include "emulator/pipeline/pipeline_config.h"
#include "emulator/pipeline/sam_export.h"

namespace bf::cli {

namespace {

struct ExportOptions {
  std::string config_file;
  std::string out_file;  // "" for standard output
  std::string packages_dir = "build/packages";
};

int export_sam(const ExportOptions& options, const HandlerSet& handlers) {
  auto loaded = load_pipeline_file(options.config_file, handlers.names(), "us-east-1");
  if (auto* err = std::get_if<std::string>(&loaded)) {
    std::fprintf(stderr, "bucketfire: %s\n", err->c_str());
    return 2;
  }
  const std::string text =
      to_text(sam_template(std::get<PipelineConfig>(loaded), SamOptions{options.packages_dir, handlers.package_for}), 2) + "\n";
  if (options.out_file.empty()) {
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  std::ofstream out(options.out_file);
  out << text;
  if (!out) {
    std::fprintf(stderr, "bucketfire: cannot write %s\n", options.out_file.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int export_command(int argc, char** argv, const HandlerSet& handlers) {
  if (argc < 3 || std::string_view(argv[2]) != "sam") return usage_error("export supports: sam");
  ExportOptions options;
  int rc = parse_flags(argc, argv, 3, [&](std::string_view flag, const std::string& value) {
    if (flag == "--config") options.config_file = value;
    else if (flag == "--out") options.out_file = value;
    else if (flag == "--packages") options.packages_dir = value;
    else return false;
    return true;
  });
  if (rc >= 0) return rc;
  if (options.config_file.empty()) return usage_error("export sam needs --config FILE");
  return export_sam(options, handlers);
}

}  // namespace bf::cli
