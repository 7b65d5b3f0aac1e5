// kube::testenv::PrivateControlPlane — a control plane of the test's own, for fault tests that
// restart kube-apiserver or stop etcd, which must not disturb the shared testenv other tests run
// against.
//
// Start() runs `testenvctl serve` (tools/testenv/testenvctl/serve.go) with the binaries named in
// the shared testenv's env file, in a fresh directory under TEST_TMPDIR. Ownership is strict:
// testenvctl is a child of this process that dies with it (PR_SET_PDEATHSIG), and etcd and
// kube-apiserver are children of testenvctl that die with it. So the processes go away however
// the test ends: the destructor (end of stdin -> graceful stop), a failed assertion, a crash or
// Bazel's timeout SIGKILL. Nothing is found or signalled by name.
//
// Start, the destructor and the commands must be called from one thread, and that thread must
// live as long as the control plane (PDEATHSIG is tied to the thread that forked: in a gtest,
// the test's main thread).
#ifndef KUBECPP_TOOLS_TESTENV_PRIVATE_CONTROL_PLANE_H_
#define KUBECPP_TOOLS_TESTENV_PRIVATE_CONTROL_PLANE_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/testenv/testenv.h"

namespace kube::testenv {

class PrivateControlPlane {
 public:
  // Start launches a private control plane and waits until its apiserver is ready.
  // FailedPrecondition when `shared` (the shared testenv) does not name the binaries (a testenv
  // started by an older testenvctl: restart it).
  static absl::StatusOr<std::unique_ptr<PrivateControlPlane>> Start(
      const Environment& shared, absl::Duration timeout = absl::Seconds(120));

  // Stops both processes (gracefully, then SIGKILL) and waits for testenvctl to exit.
  ~PrivateControlPlane();
  PrivateControlPlane(const PrivateControlPlane&) = delete;
  PrivateControlPlane& operator=(const PrivateControlPlane&) = delete;

  // The private control plane's environment (server, credentials, kubeconfig).
  const Environment& env() const { return env_; }

  // StopApiserver: SIGTERM (the apiserver closes its watches), SIGKILL after 15 s.
  absl::Status StopApiserver() { return Command("stop kube-apiserver").status(); }
  // StartApiserver: same ports, certificates and etcd; returns once /readyz answers.
  absl::Status StartApiserver() { return Command("start kube-apiserver").status(); }
  absl::Status StopEtcd() { return Command("stop etcd").status(); }
  // StartEtcd: same port and data directory; returns once the process runs.
  absl::Status StartEtcd() { return Command("start etcd").status(); }
  // WaitReady waits for the apiserver's /readyz.
  absl::Status WaitReady() { return Command("ready").status(); }
  // EtcdDelete deletes one key in etcd directly (e.g. "/registry/pods/NS/NAME"): a change the
  // apiserver's watchers never get an event for. Returns the number of keys deleted.
  absl::StatusOr<int64_t> EtcdDelete(absl::string_view key);
  // CompactEtcd compacts etcd's history at its current revision and returns that revision.
  absl::StatusOr<int64_t> CompactEtcd();

 private:
  PrivateControlPlane(pid_t pid, int to_child, int from_child, std::string dir)
      : pid_(pid), to_child_(to_child), from_child_(from_child), dir_(std::move(dir)) {}

  // Command sends one line and returns the text after "ok" (Internal with the reply on "error:").
  absl::StatusOr<std::string> Command(absl::string_view line,
                                      absl::Duration timeout = absl::Seconds(150));
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);
  absl::StatusOr<int64_t> IntCommand(absl::string_view line);

  pid_t pid_;
  int to_child_;
  int from_child_;
  std::string dir_;
  std::string buffered_;  // read from the child but not yet returned
  Environment env_;
};

}  // namespace kube::testenv

#endif  // KUBECPP_TOOLS_TESTENV_PRIVATE_CONTROL_PLANE_H_
