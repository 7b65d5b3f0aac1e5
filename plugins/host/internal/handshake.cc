#include "plugins/host/internal/handshake.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace kube::plugins::internal {
namespace {

// kPluginApiSize[m]: the size of kube_plugin_api at ABI 1.m; appended to with every minor.
constexpr size_t kPluginApiSize[] = {KUBE_PLUGIN_API_SIZE_1_0};
static_assert(sizeof(kPluginApiSize) / sizeof(kPluginApiSize[0]) == KUBE_PLUGIN_ABI_MINOR + 1,
              "add the new minor's kube_plugin_api size");

// Bytes needed to read the version fields, identical in every major.
constexpr size_t kVersionFieldsSize = KUBE_PLUGIN_END_OF(kube_plugin_api, abi_minor);

constexpr size_t kMaxName = 63;
constexpr size_t kMaxVersion = 255;
constexpr size_t kMaxDescription = 1024;

bool Has(const kube_plugin_api& api, size_t end_of_field) {
  return api.struct_size >= end_of_field;
}
#define HAS(field) Has(api, KUBE_PLUGIN_END_OF(kube_plugin_api, field))

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// ReadString reads a NUL-terminated string of at most `max` bytes; false when longer.
bool ReadString(const char* s, size_t max, std::string* out) {
  const size_t n = strnlen(s, max + 1);
  if (n > max) return false;
  out->assign(s, n);
  return true;
}

std::string Version(uint32_t major, uint32_t minor) { return absl::StrCat(major, ".", minor); }

}  // namespace

absl::StatusOr<PluginInfo> CheckHandshake(const kube_plugin_api& api, std::string source) {
  const std::string host_version = Version(KUBE_PLUGIN_ABI_MAJOR, KUBE_PLUGIN_ABI_MINOR);
  if (api.struct_size < kVersionFieldsSize) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "handshake failed: struct_size: %d is too small to hold even the ABI version (%d bytes); "
        "not a kubecpp plugin function table",
        api.struct_size, kVersionFieldsSize));
  }
  if (api.abi_major != KUBE_PLUGIN_ABI_MAJOR) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "handshake failed: abi_major: plugin built against ABI %s, this host speaks ABI %s "
        "(majors must be equal; rebuild the plugin against this kubecpp's kube_plugin.h)",
        Version(api.abi_major, api.abi_minor), host_version));
  }

  std::vector<std::string> problems;
  if (api.abi_minor > KUBE_PLUGIN_ABI_MINOR) {
    problems.push_back(absl::StrFormat(
        "abi_minor: plugin built against ABI %s, newer than this host's %s (upgrade kubecpp, or "
        "rebuild the plugin against ABI %s)",
        Version(api.abi_major, api.abi_minor), host_version, host_version));
  }
  // The size the declared minor requires (for a newer minor: at least all this host knows).
  const uint32_t known_minor = std::min<uint32_t>(api.abi_minor, KUBE_PLUGIN_ABI_MINOR);
  const size_t required_size = kPluginApiSize[known_minor];
  if (api.struct_size < required_size) {
    problems.push_back(absl::StrFormat("struct_size: %d, but ABI %s needs at least %d",
                                       api.struct_size, Version(1, known_minor), required_size));
  }

  PluginInfo info;
  info.abi_major = api.abi_major;
  info.abi_minor = api.abi_minor;
  info.source = std::move(source);

  if (HAS(name)) {
    if (api.name == nullptr) {
      problems.push_back("name: NULL (required)");
    } else if (!ReadString(api.name, kMaxName, &info.name)) {
      problems.push_back(absl::StrFormat("name: longer than %d characters", kMaxName));
    } else {
      bool valid =
          !info.name.empty() && IsNameChar(info.name.front()) && IsNameChar(info.name.back());
      for (char c : info.name) valid = valid && (IsNameChar(c) || c == '-' || c == '.');
      if (!valid) {
        problems.push_back(absl::StrFormat(
            "name: \"%s\" is not 1-63 characters of [a-z0-9.-] starting and ending with [a-z0-9]",
            absl::CHexEscape(info.name)));
      }
    }
  }
  if (HAS(version)) {
    if (api.version == nullptr) {
      problems.push_back("version: NULL (required)");
    } else if (!ReadString(api.version, kMaxVersion, &info.version)) {
      problems.push_back(absl::StrFormat("version: longer than %d characters", kMaxVersion));
    }
  }
  if (HAS(description) && api.description != nullptr &&
      !ReadString(api.description, kMaxDescription, &info.description)) {
    problems.push_back(absl::StrFormat("description: longer than %d characters", kMaxDescription));
  }
  if (HAS(kind)) {
    if (api.kind == KUBE_PLUGIN_KIND_INDEX || api.kind == KUBE_PLUGIN_KIND_TRANSFORM) {
      info.kind = static_cast<PluginKind>(api.kind);
    } else {
      problems.push_back(absl::StrFormat("kind: %d is unknown (%d = index, %d = transform)",
                                         api.kind, KUBE_PLUGIN_KIND_INDEX,
                                         KUBE_PLUGIN_KIND_TRANSFORM));
    }
  }
  if (HAS(flags)) {
    constexpr uint32_t kKnownFlags = KUBE_PLUGIN_FLAG_CONCURRENT_CALLS;
    if ((api.flags & ~kKnownFlags) != 0) {
      problems.push_back(absl::StrFormat("flags: unknown bits 0x%x", api.flags & ~kKnownFlags));
    }
    info.concurrent_calls = (api.flags & KUBE_PLUGIN_FLAG_CONCURRENT_CALLS) != 0;
  }
  info.has_init = HAS(init) && api.init != nullptr;
  info.has_shutdown = HAS(shutdown) && api.shutdown != nullptr;
  if (HAS(create) && api.create == nullptr) problems.push_back("create: NULL (required)");
  if (HAS(destroy) && api.destroy == nullptr) problems.push_back("destroy: NULL (required)");
  if (HAS(index) && api.kind == KUBE_PLUGIN_KIND_INDEX && api.index == nullptr) {
    problems.push_back("index: NULL (required for an index plugin)");
  }
  if (HAS(transform) && api.kind == KUBE_PLUGIN_KIND_TRANSFORM && api.transform == nullptr) {
    problems.push_back("transform: NULL (required for a transform plugin)");
  }

  if (!problems.empty()) {
    std::string who =
        info.name.empty() ? std::string("plugin") : absl::StrCat("plugin \"", info.name, "\"");
    return absl::FailedPreconditionError(
        absl::StrCat("handshake failed for ", who, ": ", absl::StrJoin(problems, "; ")));
  }
  return info;
}

#undef HAS

}  // namespace kube::plugins::internal
