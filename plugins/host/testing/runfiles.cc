#include "plugins/host/testing/runfiles.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"

namespace kube::plugins::testing {

std::string RunfilePath(absl::string_view workspace_relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr || workspace == nullptr) {
    std::fprintf(stderr, "RunfilePath: TEST_SRCDIR/TEST_WORKSPACE unset; run with bazel test\n");
    std::abort();
  }
  return absl::StrCat(srcdir, "/", workspace, "/", workspace_relative);
}

std::string TempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/plugins.XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  return pattern;
}

}  // namespace kube::plugins::testing
