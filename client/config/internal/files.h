// Path and small-file helpers shared by client/config's implementation. Internal.
#ifndef KUBECPP_CLIENT_CONFIG_INTERNAL_FILES_H_
#define KUBECPP_CLIENT_CONFIG_INTERNAL_FILES_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::config::internal {

// CleanPath is Go's filepath.Clean for '/' paths: drops "." and empty elements, folds "..",
// never leaves a trailing '/', and returns "." for an empty result.
std::string CleanPath(absl::string_view path);

// JoinPath is Go's filepath.Join of two elements: CleanPath(base + "/" + path).
std::string JoinPath(absl::string_view base, absl::string_view path);

// AbsoluteDirOf is filepath.Abs(filepath.Dir(path)): the directory holding `path`, made absolute
// against the current directory without resolving symlinks.
absl::StatusOr<std::string> AbsoluteDirOf(absl::string_view path);

// ReadSmallFile reads a whole file of at most `max_bytes`. `what` names the file's role in
// messages ("kubeconfig", "token file"). Missing: NotFound; unreadable: the errno's code;
// a directory or a larger file: InvalidArgument.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes,
                                          absl::string_view what);

// CheckReadable opens and closes `path`, reporting why it cannot be read (client-go checks the
// files a config names when the config is built, not at the first request).
absl::Status CheckReadable(const std::string& path, absl::string_view what);

// IsRegularFile is true when `path` exists and is not a directory.
bool IsRegularFile(const std::string& path);

}  // namespace kube::config::internal

#endif  // KUBECPP_CLIENT_CONFIG_INTERNAL_FILES_H_
