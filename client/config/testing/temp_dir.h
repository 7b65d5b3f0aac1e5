// kube::config::testing::TempDir — a scratch directory for kubeconfig tests. Test-only.
#ifndef KUBECPP_CLIENT_CONFIG_TESTING_TEMP_DIR_H_
#define KUBECPP_CLIENT_CONFIG_TESTING_TEMP_DIR_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kube::config::testing {

// TempDir creates a fresh directory under $TEST_TMPDIR (else /tmp) and removes it, with
// everything in it, when destroyed. Not thread-safe.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The absolute path of the directory.
  const std::string& path() const { return path_; }
  // Path returns path()/relative without touching the file system.
  std::string Path(absl::string_view relative) const;
  // Write creates `relative` (and its parent directories) holding `contents`; returns its path.
  std::string Write(absl::string_view relative, absl::string_view contents) const;

 private:
  std::string path_;
};

}  // namespace kube::config::testing

#endif  // KUBECPP_CLIENT_CONFIG_TESTING_TEMP_DIR_H_
