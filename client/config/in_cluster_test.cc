#include "client/config/in_cluster.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/config/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

class InClusterTest : public ::testing::Test {
 protected:
  InClusterOptions Options(std::map<std::string, std::string> env) {
    return InClusterOptions{.env = FixedEnvironment(std::move(env)),
                            .service_account_dir = dir_.path()};
  }
  std::map<std::string, std::string> ServiceEnv() {
    return {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}};
  }

  testing::TempDir dir_;
};

TEST_F(InClusterTest, NotInAClusterWithoutTheServiceVariables) {
  dir_.Write("token", "t");
  for (const auto& env : std::vector<std::map<std::string, std::string>>{
           {},
           {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}},
           {{"KUBERNETES_SERVICE_PORT", "443"}},
           {{"KUBERNETES_SERVICE_HOST", ""}, {"KUBERNETES_SERVICE_PORT", "443"}}}) {
    absl::StatusOr<RestConfig> config = InClusterConfig(Options(env));
    EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
    EXPECT_TRUE(IsNotInCluster(config.status())) << config.status();
    EXPECT_THAT(config.status().message(), HasSubstr("not running in a cluster"));
    EXPECT_FALSE(InClusterPossible(Options(env)));
  }
  EXPECT_FALSE(IsNotInCluster(absl::NotFoundError("not running in a cluster")));
}

TEST_F(InClusterTest, BuildsTheServiceAccountConfig) {
  const std::string token = dir_.Write("token", "sa-token");
  const std::string ca = dir_.Write("ca.crt", kPem);
  dir_.Write("namespace", "  kube-system\n");
  std::vector<std::string> warnings;
  absl::StatusOr<RestConfig> config = InClusterConfig(Options(ServiceEnv()), &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->host, "https://10.96.0.1:443");
  // The file, not its contents: the transport re-reads it as the token rotates.
  EXPECT_EQ(config->bearer_token_file, token);
  EXPECT_EQ(config->bearer_token, "");
  EXPECT_EQ(config->tls.ca_file, ca);
  EXPECT_FALSE(config->tls.insecure_skip_verify);
  EXPECT_EQ(config->namespace_, "kube-system");
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_TRUE(InClusterPossible(Options(ServiceEnv())));
}

TEST_F(InClusterTest, Ipv6HostIsBracketed) {
  dir_.Write("token", "t");
  absl::StatusOr<RestConfig> config = InClusterConfig(
      Options({{"KUBERNETES_SERVICE_HOST", "fd00:10:96::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->host, "https://[fd00:10:96::1]:6443");
}

TEST_F(InClusterTest, NamespacePrecedence) {
  dir_.Write("token", "t");
  auto env = ServiceEnv();
  EXPECT_EQ(InClusterConfig(Options(env))->namespace_, "default");
  dir_.Write("namespace", "from-file\n");
  EXPECT_EQ(InClusterConfig(Options(env))->namespace_, "from-file");
  env["POD_NAMESPACE"] = "from-env";
  EXPECT_EQ(InClusterConfig(Options(env))->namespace_, "from-env");
  dir_.Write("namespace", " \n");
  env.erase("POD_NAMESPACE");
  EXPECT_EQ(InClusterConfig(Options(env))->namespace_, "default");
}

TEST_F(InClusterTest, MissingCaIsAWarningNotAnError) {
  dir_.Write("token", "t");
  std::vector<std::string> warnings;
  absl::StatusOr<RestConfig> config = InClusterConfig(Options(ServiceEnv()), &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->tls.ca_file, "");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr(dir_.Path("ca.crt")));

  dir_.Write("ca.crt", "not a certificate");
  warnings.clear();
  config = InClusterConfig(Options(ServiceEnv()), &warnings);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->tls.ca_file, "");
  EXPECT_THAT(warnings, ElementsAre(HasSubstr("no PEM certificate")));
}

TEST_F(InClusterTest, MissingTokenIsAnErrorNamingTheFile) {
  absl::StatusOr<RestConfig> config = InClusterConfig(Options(ServiceEnv()));
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(IsNotInCluster(config.status()));
  EXPECT_THAT(config.status().message(), HasSubstr(dir_.Path("token")));
  EXPECT_FALSE(InClusterPossible(Options(ServiceEnv())));
}

}  // namespace
}  // namespace kube::config
