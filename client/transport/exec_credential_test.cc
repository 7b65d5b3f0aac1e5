#include "client/transport/exec_credential.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/testing/fake_clock.h"
#include "boost/json.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::transport {
namespace {

using ::testing::HasSubstr;

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// WriteScript writes an executable shell script and returns its path.
std::string WriteScript(const std::string& name, const std::string& body) {
  const std::string path = absl::StrCat(TempDir(), "/", name);
  {
    std::ofstream out(path, std::ios::trunc);
    out << "#!/bin/sh\n" << body;
  }
  ::chmod(path.c_str(), 0755);
  return path;
}

// A plugin that counts its runs in `counter` and prints a token credential.
std::string CountingPlugin(const std::string& name, const std::string& counter,
                           const std::string& credential_json) {
  return WriteScript(
      name, absl::StrCat("n=$(cat ", counter, " 2>/dev/null || echo 0)\n", "echo $((n + 1)) > ",
                         counter, "\n", "cat <<'EOF'\n", credential_json, "\nEOF\n"));
}

std::string TokenCredential(absl::string_view token, absl::string_view version = kExecCredentialV1,
                            absl::string_view expiry = "") {
  std::string status = absl::StrCat("\"token\":\"", token, "\"");
  if (!expiry.empty()) absl::StrAppend(&status, ",\"expirationTimestamp\":\"", expiry, "\"");
  return absl::StrCat("{\"apiVersion\":\"", version, "\",\"kind\":\"ExecCredential\",\"status\":{",
                      status, "}}");
}

config::RestConfig ExecConfig(const std::string& command) {
  config::RestConfig config;
  config.host = "https://127.0.0.1:6443";
  config.exec = config::ExecConfig{.command = command,
                                   .api_version = std::string(kExecCredentialV1),
                                   .install_hint = "install it with: apt install my-plugin",
                                   .interactive_mode = "Never"};
  return config;
}

TEST(ParseExecCredentialTest, TokenWithExpiry) {
  absl::StatusOr<ExecCredential> credential = ParseExecCredential(
      TokenCredential("abc", kExecCredentialV1, "2030-01-02T03:04:05Z"), kExecCredentialV1);
  ASSERT_TRUE(credential.ok()) << credential.status();
  EXPECT_EQ(credential->token, "abc");
  ASSERT_TRUE(credential->expiration.has_value());
  EXPECT_EQ(*credential->expiration, absl::FromUnixSeconds(1893553445));
}

TEST(ParseExecCredentialTest, CertificateAndKey) {
  absl::StatusOr<ExecCredential> credential = ParseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",
          "status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}})",
      kExecCredentialV1beta1);
  ASSERT_TRUE(credential.ok()) << credential.status();
  EXPECT_EQ(credential->client_certificate_pem, "CERT");
  EXPECT_EQ(credential->client_key_pem, "KEY");
  EXPECT_FALSE(credential->expiration.has_value());
}

TEST(ParseExecCredentialTest, RejectsBadOutputWithAClearReason) {
  struct Case {
    std::string json;
    std::string reason;
  };
  const Case cases[] = {
      {"not json", "not valid JSON"},
      {"[1]", "not a JSON object"},
      {TokenCredential("t", kExecCredentialV1beta1), "returned version"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Pod","status":{"token":"t"}})",
       "kind"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})",
       "didn't return a status"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})",
       "neither status.token"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
           "status":{"clientCertificateData":"C"}})",
       "only one of"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
           "status":{"token":5}})",
       "status.token is not a string"},
      {TokenCredential("t", kExecCredentialV1, "tomorrow"), "RFC 3339"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ExecCredential> credential = ParseExecCredential(c.json, kExecCredentialV1);
    EXPECT_EQ(credential.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(credential.status().message(), HasSubstr(c.reason)) << c.json;
  }
}

TEST(ExecInfoJsonTest, DescribesTheClusterOnlyWhenAsked) {
  config::RestConfig config = ExecConfig("plugin");
  config.tls.ca_data = "PEM";
  config.tls.server_name = "kubernetes";
  boost::json::value plain = boost::json::parse(ExecInfoJson(config).value());
  EXPECT_EQ(plain.at("kind").as_string(), "ExecCredential");
  EXPECT_EQ(plain.at("apiVersion").as_string(), std::string(kExecCredentialV1));
  EXPECT_EQ(plain.at("spec").at("interactive").as_bool(), false);
  EXPECT_EQ(plain.at("spec").as_object().if_contains("cluster"), nullptr);

  config.exec->provide_cluster_info = true;
  boost::json::value with = boost::json::parse(ExecInfoJson(config).value());
  const boost::json::value& cluster = with.at("spec").at("cluster");
  EXPECT_EQ(cluster.at("server").as_string(), "https://127.0.0.1:6443");
  EXPECT_EQ(cluster.at("tls-server-name").as_string(), "kubernetes");
  EXPECT_EQ(cluster.at("certificate-authority-data").as_string(), absl::Base64Escape("PEM"));
}

class ExecCredentialProviderTest : public ::testing::Test {
 protected:
  std::unique_ptr<ExecCredentialProvider> Provider(const config::RestConfig& config,
                                                   absl::Duration timeout = absl::Seconds(20)) {
    absl::StatusOr<std::unique_ptr<ExecCredentialProvider>> provider =
        ExecCredentialProvider::Create(config, {.clock = &clock_, .timeout = timeout});
    EXPECT_TRUE(provider.ok()) << provider.status();
    return provider.ok() ? *std::move(provider) : nullptr;
  }

  kube::testing::FakeClock clock_;
};

TEST_F(ExecCredentialProviderTest, CachesUntilExpiry) {
  const std::string counter = TempDir() + "/expiry-count";
  std::remove(counter.c_str());
  // Expires one minute after the fake clock's start.
  const std::string expiry =
      absl::FormatTime(absl::RFC3339_sec, clock_.Now() + absl::Minutes(1), absl::UTCTimeZone());
  auto provider = Provider(ExecConfig(CountingPlugin(
      "expiring-plugin", counter, TokenCredential("t1", kExecCredentialV1, expiry))));
  ASSERT_NE(provider, nullptr);

  ASSERT_EQ(provider->Get().value()->token, "t1");
  ASSERT_EQ(provider->Get().value()->token, "t1");
  EXPECT_EQ(ReadFile(counter), "1\n");
  EXPECT_NE(provider->Cached(), nullptr);

  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(provider->Cached(), nullptr) << "an expired credential is not handed out";
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(ReadFile(counter), "2\n");
  EXPECT_EQ(provider->runs(), 2);
}

TEST_F(ExecCredentialProviderTest, InvalidateForgetsOnlyTheCurrentCredential) {
  const std::string counter = TempDir() + "/invalidate-count";
  std::remove(counter.c_str());
  auto provider =
      Provider(ExecConfig(CountingPlugin("forever-plugin", counter, TokenCredential("t"))));
  ASSERT_NE(provider, nullptr);
  std::shared_ptr<const ExecCredential> first = provider->Get().value();
  provider->Invalidate(first.get());
  std::shared_ptr<const ExecCredential> second = provider->Get().value();
  EXPECT_EQ(ReadFile(counter), "2\n");
  provider->Invalidate(first.get());  // stale: the current one stays
  EXPECT_EQ(provider->Get().value(), second);
  EXPECT_EQ(ReadFile(counter), "2\n");
}

TEST_F(ExecCredentialProviderTest, PassesArgsEnvAndExecInfo) {
  const std::string out = TempDir() + "/seen-by-plugin";
  const std::string plugin = WriteScript(
      "echo-plugin", absl::StrCat("printf '%s|%s|%s' \"$1\" \"$PLUGIN_MODE\" "
                                  "\"$KUBERNETES_EXEC_INFO\" > ",
                                  out, "\ncat <<'EOF'\n", TokenCredential("t"), "\nEOF\n"));
  config::RestConfig config = ExecConfig(plugin);
  config.exec->args = {"--flag"};
  config.exec->env = {{"PLUGIN_MODE", "test"}};
  auto provider = Provider(config);
  ASSERT_NE(provider, nullptr);
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(ReadFile(out), absl::StrCat("--flag|test|", ExecInfoJson(config).value()));
}

TEST_F(ExecCredentialProviderTest, NonzeroExitReportsStderrAndInstallHint) {
  auto provider =
      Provider(ExecConfig(WriteScript("failing-plugin", "echo 'login expired' >&2\nexit 7\n")));
  ASSERT_NE(provider, nullptr);
  absl::StatusOr<std::shared_ptr<const ExecCredential>> result = provider->Get();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(result.status().message(), HasSubstr("exited with code 7"));
  EXPECT_THAT(result.status().message(), HasSubstr("login expired"));
  EXPECT_THAT(result.status().message(), HasSubstr("apt install my-plugin"));
}

TEST_F(ExecCredentialProviderTest, MissingPluginReportsInstallHint) {
  auto provider = Provider(ExecConfig(TempDir() + "/no-such-plugin"));
  ASSERT_NE(provider, nullptr);
  absl::StatusOr<std::shared_ptr<const ExecCredential>> result = provider->Get();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(result.status().message(), HasSubstr("not found"));
  EXPECT_THAT(result.status().message(), HasSubstr("apt install my-plugin"));
}

TEST_F(ExecCredentialProviderTest, BadOutputNamesThePlugin) {
  auto provider = Provider(ExecConfig(WriteScript("garbage-plugin", "echo '{oops'\n")));
  ASSERT_NE(provider, nullptr);
  absl::StatusOr<std::shared_ptr<const ExecCredential>> result = provider->Get();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(result.status().message(), HasSubstr("garbage-plugin"));
  EXPECT_THAT(result.status().message(), HasSubstr("not valid JSON"));
  EXPECT_EQ(provider->Cached(), nullptr);
}

TEST_F(ExecCredentialProviderTest, RunIsBounded) {
  auto provider =
      Provider(ExecConfig(WriteScript("slow-plugin", "sleep 30\n")), absl::Milliseconds(300));
  ASSERT_NE(provider, nullptr);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::shared_ptr<const ExecCredential>> result = provider->Get();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(result.status().message(), HasSubstr("did not finish"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST_F(ExecCredentialProviderTest, CreateRejectsBadConfigs) {
  config::RestConfig config = ExecConfig("plugin");
  config.exec->api_version = "client.authentication.k8s.io/v1alpha1";
  EXPECT_EQ(ExecCredentialProvider::Create(config, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  config = ExecConfig("plugin");
  config.exec->interactive_mode = "Always";
  EXPECT_EQ(ExecCredentialProvider::Create(config, {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  config = ExecConfig("");
  EXPECT_EQ(ExecCredentialProvider::Create(config, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kube::transport
