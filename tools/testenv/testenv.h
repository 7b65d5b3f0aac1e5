// kube::testenv — where the running testenv control plane is, for tests that need the real
// kube-apiserver.
//
// `tools/testenv/testenv up` writes DIR/env; `./dev test` passes DIR to Bazel tests as
// KUBECPP_TESTENV_DIR (.bazelrc forwards the variable). Tests call `Load()` and fail with its
// message when the control plane is absent, so a test needing the apiserver never passes
// silently without one.
#ifndef KUBECPP_TOOLS_TESTENV_TESTENV_H_
#define KUBECPP_TOOLS_TESTENV_TESTENV_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::testenv {

// Environment describes one running control plane. Plain data; copy freely.
struct Environment {
  std::string dir;           // the testenv directory (holds logs and kubeconfigs)
  std::string kube_version;  // e.g. "v1.37.2"
  std::string server;        // "https://127.0.0.1:PORT"
  std::string host;          // "127.0.0.1"
  uint16_t port = 0;
  std::string ca_file;          // PEM CA that signed the serving certificate
  std::string admin_token;      // bearer token of a system:masters user
  std::string limited_token;    // bearer token of a user with no RBAC grants
  std::string admin_cert_file;  // client certificate of a system:masters user
  std::string admin_key_file;
  std::string kubeconfig;          // DIR/kubeconfig (admin)
  std::string limited_kubeconfig;  // DIR/kubeconfig-limited
  // Optional (absent from env files of older testenvs): etcd's client URL and the binaries that
  // run this control plane, which private_control_plane.h uses to start a private one.
  std::string etcd_url;
  std::string ctl_binary;  // testenvctl
  std::string etcd_binary;
  std::string apiserver_binary;
};

// Parses the KEY=VALUE lines of DIR/env.
absl::StatusOr<Environment> ParseEnvFile(absl::string_view dir, absl::string_view contents);

// Loads the environment whose env file is in `dir`.
absl::StatusOr<Environment> LoadDir(absl::string_view dir);

// Loads the environment named by KUBECPP_TESTENV_DIR. FailedPrecondition, with instructions,
// when the variable is unset or the directory holds no running control plane's env file.
absl::StatusOr<Environment> Load();

}  // namespace kube::testenv

#endif  // KUBECPP_TOOLS_TESTENV_TESTENV_H_
