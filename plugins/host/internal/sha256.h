// Sha256Hex: the SHA-256 of a file, for plugin digest pinning. Internal to //plugins/host.
#ifndef KUBECPP_PLUGINS_HOST_INTERNAL_SHA256_H_
#define KUBECPP_PLUGINS_HOST_INTERNAL_SHA256_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::plugins::internal {

// Sha256HexOfFile reads the open file `fd` from offset 0 to its end (with pread, so the file
// offset is untouched) and returns its SHA-256 as 64 lowercase hex digits.
absl::StatusOr<std::string> Sha256HexOfFile(int fd);

// NormalizeSha256Hex lowercases a 64-hex-digit digest; InvalidArgument for anything else.
absl::StatusOr<std::string> NormalizeSha256Hex(absl::string_view digest);

}  // namespace kube::plugins::internal

#endif  // KUBECPP_PLUGINS_HOST_INTERNAL_SHA256_H_
