#include "tools/testenv/testenv.h"

#include "gtest/gtest.h"

namespace kube::testenv {
namespace {

constexpr char kEnv[] =
    "KUBECPP_TESTENV_DIR=/tmp/x\n"
    "KUBECPP_TESTENV_KUBE_VERSION=v1.37.2\n"
    "KUBECPP_TESTENV_SERVER=https://127.0.0.1:6443\n"
    "KUBECPP_TESTENV_CA_FILE=/tmp/x/ca.crt\n"
    "KUBECPP_TESTENV_ADMIN_TOKEN=abc=def\n"
    "KUBECPP_TESTENV_LIMITED_TOKEN=ghi\n"
    "KUBECPP_TESTENV_ADMIN_CERT=/tmp/x/admin.crt\n"
    "KUBECPP_TESTENV_ADMIN_KEY=/tmp/x/admin.key\n";

TEST(ParseEnvFile, ReadsEveryField) {
  absl::StatusOr<Environment> env = ParseEnvFile("/tmp/x", kEnv);
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->host, "127.0.0.1");
  EXPECT_EQ(env->port, 6443);
  EXPECT_EQ(env->kube_version, "v1.37.2");
  EXPECT_EQ(env->admin_token, "abc=def");  // only the first '=' separates key and value
  EXPECT_EQ(env->kubeconfig, "/tmp/x/kubeconfig");
  EXPECT_EQ(env->limited_kubeconfig, "/tmp/x/kubeconfig-limited");
}

TEST(ParseEnvFile, BinariesAreOptional) {
  absl::StatusOr<Environment> env = ParseEnvFile("/tmp/x", kEnv);
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->ctl_binary, "");
  env = ParseEnvFile("/tmp/x", std::string(kEnv) +
                                   "KUBECPP_TESTENV_CTL=/c/testenvctl\n"
                                   "KUBECPP_TESTENV_ETCD_BINARY=/c/etcd\n"
                                   "KUBECPP_TESTENV_APISERVER_BINARY=/c/kube-apiserver\n"
                                   "KUBECPP_TESTENV_ETCD_URL=http://127.0.0.1:2379\n");
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->ctl_binary, "/c/testenvctl");
  EXPECT_EQ(env->etcd_binary, "/c/etcd");
  EXPECT_EQ(env->apiserver_binary, "/c/kube-apiserver");
  EXPECT_EQ(env->etcd_url, "http://127.0.0.1:2379");
}

TEST(ParseEnvFile, MissingFieldIsAnError) {
  absl::StatusOr<Environment> env = ParseEnvFile("/tmp/x", "KUBECPP_TESTENV_SERVER=https://a:1\n");
  EXPECT_EQ(env.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ParseEnvFile, ServerWithoutPortIsAnError) {
  std::string bad = kEnv;
  bad.replace(bad.find("127.0.0.1:6443"), 14, "127.0.0.1");
  EXPECT_FALSE(ParseEnvFile("/tmp/x", bad).ok());
}

TEST(Load, WithoutTheVariableSaysHowToStartTheControlPlane) {
  unsetenv("KUBECPP_TESTENV_DIR");
  absl::StatusOr<Environment> env = Load();
  ASSERT_EQ(env.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(env.status().message().find("./dev test"), std::string::npos);
}

}  // namespace
}  // namespace kube::testenv
