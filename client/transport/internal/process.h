// kube::transport::internal::RunProcess — run a command to completion with a time bound.
//
// Used by exec credential plugins. The child gets /dev/null as stdin, its own process group
// (so a timeout kills the plugin and anything it started), default signal dispositions, and
// exactly the environment given. Output is captured up to a limit. Spawned with posix_spawn,
// which is safe in a multi-threaded process.
//
// Thread-safety: RunProcess may be called from several threads at once.
#ifndef KUBECPP_CLIENT_TRANSPORT_INTERNAL_PROCESS_H_
#define KUBECPP_CLIENT_TRANSPORT_INTERNAL_PROCESS_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kube::transport::internal {

struct ProcessSpec {
  // Searched on the caller's PATH when it holds no '/'.
  std::string command;
  std::vector<std::string> args;  // without argv[0]
  // The child's complete environment, "KEY=VALUE" each.
  std::vector<std::string> env;
  absl::Duration timeout = absl::Minutes(1);
  // Upper bound on stdout and on stderr, each; more is ResourceExhausted.
  size_t max_output_bytes = 4u << 20;
  // When set and it becomes true, the child is killed and RunProcess returns Cancelled soon
  // (checked at least every 100ms).
  const std::atomic<bool>* cancelled = nullptr;
};

struct ProcessResult {
  int exit_code = 0;    // valid when term_signal == 0
  int term_signal = 0;  // the signal that ended the child, or 0
  std::string stdout_data;
  std::string stderr_data;
};

// RunProcess runs `spec` and returns how it ended. Errors: NotFound when the command does not
// exist (or is not executable: PermissionDenied), DeadlineExceeded after the timeout (the
// process group is killed), Cancelled, ResourceExhausted for too much output, Internal for
// failing system calls. A nonzero exit is a result, not an error.
absl::StatusOr<ProcessResult> RunProcess(const ProcessSpec& spec);

// CurrentEnvironment returns this process's environment as "KEY=VALUE" strings.
std::vector<std::string> CurrentEnvironment();

// MergeEnvironment returns `base` with each "KEY=VALUE" of `overrides` replacing the entry of
// the same KEY (or appended), keeping the first occurrence's position.
std::vector<std::string> MergeEnvironment(std::vector<std::string> base,
                                          const std::vector<std::string>& overrides);

}  // namespace kube::transport::internal

#endif  // KUBECPP_CLIENT_TRANSPORT_INTERNAL_PROCESS_H_
