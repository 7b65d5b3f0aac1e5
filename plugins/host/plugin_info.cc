#include "plugins/host/plugin_info.h"

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kube::plugins {
namespace {

absl::string_view SeverityName(PluginLogSeverity severity) {
  switch (severity) {
    case PluginLogSeverity::kInfo:
      return "INFO";
    case PluginLogSeverity::kWarning:
      return "WARNING";
    case PluginLogSeverity::kError:
      return "ERROR";
  }
  return "?";
}

}  // namespace

PluginLogSink StderrPluginLogSink() {
  return [](PluginLogSeverity severity, absl::string_view source, absl::string_view message) {
    // One write per line, so concurrent plugins do not interleave within a line.
    const std::string line =
        absl::StrCat("plugin ", source, ": ", SeverityName(severity), ": ", message, "\n");
    std::fwrite(line.data(), 1, line.size(), stderr);
  };
}

}  // namespace kube::plugins
