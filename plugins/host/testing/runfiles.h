// kube::plugins::testing::RunfilePath — where a `data` dependency of a test is at run time.
//
// Bazel runs tests with TEST_SRCDIR (the runfiles root) and TEST_WORKSPACE ("kubecpp") set;
// a file listed in `data` as //plugins/examples:libpods_by_node.so is at
// $TEST_SRCDIR/kubecpp/plugins/examples/libpods_by_node.so.
#ifndef KUBECPP_PLUGINS_HOST_TESTING_RUNFILES_H_
#define KUBECPP_PLUGINS_HOST_TESTING_RUNFILES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kube::plugins::testing {

// RunfilePath is the absolute path of `workspace_relative` (e.g.
// "plugins/examples/libpods_by_node.so"). Aborts when not run by `bazel test`.
std::string RunfilePath(absl::string_view workspace_relative);

// TempDir is a fresh directory under TEST_TMPDIR (or /tmp), unique per call.
std::string TempDir();

}  // namespace kube::plugins::testing

#endif  // KUBECPP_PLUGINS_HOST_TESTING_RUNFILES_H_
