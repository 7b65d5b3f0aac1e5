#include "client/transport/auth.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "base/testing/fake_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::transport {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/", name);
}

void WriteFile(const std::string& path, const std::string& contents, bool executable = false) {
  {
    std::ofstream out(path, std::ios::trunc);
    out << contents;
  }
  if (executable) ::chmod(path.c_str(), 0755);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// GetNow waits for one Get of `source` (which may answer on another thread).
absl::StatusOr<Credentials> GetNow(CredentialSource& source) {
  absl::Mutex mu;
  bool done = false;
  absl::StatusOr<Credentials> result = absl::UnknownError("no answer");
  source.Get([&](absl::StatusOr<Credentials> credentials) {
    MutexLock lock(&mu);
    result = std::move(credentials);
    done = true;
  });
  MutexLock lock(&mu);
  AwaitCondition(mu, absl::Condition(&done));
  return result;
}

std::vector<std::string> Render(const Headers& headers) {
  std::vector<std::string> lines;
  for (const Header& header : headers)
    lines.push_back(absl::StrCat(header.name, ": ", header.value));
  return lines;
}

TEST(EscapeHeaderKeyTest, EscapesNonTokenBytesAndPercent) {
  EXPECT_EQ(EscapeHeaderKey("scopes"), "scopes");
  EXPECT_EQ(EscapeHeaderKey("example.com/scope"), "example.com%2Fscope");
  EXPECT_EQ(EscapeHeaderKey("a%b c"), "a%25b%20c");
  EXPECT_EQ(EscapeHeaderKey("caf\xc3\xa9"), "caf%C3%A9");
}

TEST(ImpersonationHeadersTest, RendersEveryFieldAndRepeatsGroupsAndExtras) {
  config::Impersonation impersonate;
  impersonate.user = "jane";
  impersonate.uid = "1234";
  impersonate.groups = {"devs", "ops"};
  impersonate.extra = {{"example.com/scopes", {"view", "edit"}}};
  absl::StatusOr<Headers> headers = ImpersonationHeaders(impersonate);
  ASSERT_TRUE(headers.ok()) << headers.status();
  EXPECT_THAT(Render(*headers), ElementsAre("Impersonate-User: jane", "Impersonate-Uid: 1234",
                                            "Impersonate-Group: devs", "Impersonate-Group: ops",
                                            "Impersonate-Extra-example.com%2Fscopes: view",
                                            "Impersonate-Extra-example.com%2Fscopes: edit"));
  EXPECT_THAT(ImpersonationHeaders({}).value(), IsEmpty());
  impersonate.user = "bad\r\nX-Injected: 1";
  EXPECT_EQ(ImpersonationHeaders(impersonate).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AddRequestHeadersTest, AddsWhatIsMissing) {
  Headers headers = {{"Accept", "application/json"}};
  AddRequestHeaders({.authorization = "Bearer t"}, {{"Impersonate-User", "jane"}},
                    kDefaultUserAgent, headers);
  EXPECT_THAT(Render(headers),
              ElementsAre("Accept: application/json", "User-Agent: kubecpp/0.1 (linux/amd64)",
                          "Authorization: Bearer t", "Impersonate-User: jane"));
}

TEST(AddRequestHeadersTest, NeverOverwritesWhatTheCallerSet) {
  Headers headers = {{"authorization", "Bearer mine"},
                     {"user-agent", "my-tool/1"},
                     {"Impersonate-User", "someone"}};
  AddRequestHeaders({.authorization = "Bearer config"}, {{"Impersonate-User", "jane"}},
                    kDefaultUserAgent, headers);
  EXPECT_THAT(Render(headers), ElementsAre("authorization: Bearer mine", "user-agent: my-tool/1",
                                           "Impersonate-User: someone"));
}

TEST(NewCredentialSourceTest, NoCredentialsIsNull) {
  absl::StatusOr<std::shared_ptr<CredentialSource>> source = NewCredentialSource({}, {});
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(*source, nullptr);
}

TEST(NewCredentialSourceTest, StaticTokenAndBasicAuth) {
  config::RestConfig config;
  config.bearer_token = "abc";
  EXPECT_EQ(GetNow(*NewCredentialSource(config, {}).value()).value().authorization, "Bearer abc");

  config = {};
  config.username = "admin";
  config.password = "secret";
  EXPECT_EQ(GetNow(*NewCredentialSource(config, {}).value()).value().authorization,
            "Basic YWRtaW46c2VjcmV0");
  EXPECT_EQ(BasicAuthorization("admin", "secret"), "Basic YWRtaW46c2VjcmV0");

  config.bearer_token = "abc";
  EXPECT_EQ(NewCredentialSource(config, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(NewCredentialSourceTest, TokenFileRotatesOnTheClock) {
  kube::testing::FakeClock clock;
  const std::string path = TempPath("auth-token");
  WriteFile(path, "one\n");
  config::RestConfig config;
  config.bearer_token_file = path;
  auto source = NewCredentialSource(config, {.clock = &clock}).value();
  EXPECT_EQ(GetNow(*source).value().authorization, "Bearer one");
  WriteFile(path, "two\n");
  EXPECT_EQ(GetNow(*source).value().authorization, "Bearer one");
  clock.Advance(absl::Minutes(1));
  EXPECT_EQ(GetNow(*source).value().authorization, "Bearer two");
}

TEST(NewCredentialSourceTest, UnreadableTokenFileFallsBackToTheTokenOrFails) {
  config::RestConfig config;
  config.bearer_token_file = TempPath("missing-auth-token");
  EXPECT_EQ(NewCredentialSource(config, {}).status().code(), absl::StatusCode::kNotFound);
  config.bearer_token = "fallback";
  auto source = NewCredentialSource(config, {}).value();
  EXPECT_EQ(GetNow(*source).value().authorization, "Bearer fallback");
}

config::RestConfig CountingExecConfig(const std::string& counter) {
  const std::string plugin = TempPath("auth-exec-plugin");
  WriteFile(plugin,
            absl::StrCat("#!/bin/sh\n", "n=$(cat ", counter, " 2>/dev/null || echo 0)\n",
                         "n=$((n + 1)); echo $n > ", counter, "\n",
                         "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",",
                         "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"run-%s\"}}' $n\n"),
            /*executable=*/true);
  config::RestConfig config;
  config.exec = config::ExecConfig{.command = plugin,
                                   .api_version = "client.authentication.k8s.io/v1",
                                   .interactive_mode = "Never"};
  return config;
}

TEST(NewCredentialSourceTest, ExecPluginIsCachedAndRerunAfterUnauthorized) {
  const std::string counter = TempPath("auth-exec-count");
  std::remove(counter.c_str());
  auto source = NewCredentialSource(CountingExecConfig(counter), {}).value();
  ASSERT_NE(source, nullptr);
  Credentials first = GetNow(*source).value();
  EXPECT_EQ(first.authorization, "Bearer run-1");
  EXPECT_EQ(GetNow(*source).value().authorization, "Bearer run-1");
  EXPECT_EQ(ReadFile(counter), "1\n");

  source->Unauthorized(first);
  EXPECT_EQ(GetNow(*source).value().authorization, "Bearer run-2");
  source->Unauthorized(first);  // already replaced: no new run
  EXPECT_EQ(GetNow(*source).value().authorization, "Bearer run-2");
  EXPECT_EQ(ReadFile(counter), "2\n");
}

TEST(NewCredentialSourceTest, StaticCredentialsWinOverExec) {
  const std::string counter = TempPath("auth-exec-unused-count");
  std::remove(counter.c_str());
  config::RestConfig config = CountingExecConfig(counter);
  config.bearer_token = "static";
  EXPECT_EQ(GetNow(*NewCredentialSource(config, {}).value()).value().authorization,
            "Bearer static");
  config.bearer_token.clear();
  config.tls.cert_file = "/some/cert.pem";
  EXPECT_EQ(NewCredentialSource(config, {}).value(), nullptr);
  EXPECT_EQ(ReadFile(counter), "") << "the plugin must not run";
}

TEST(NewCredentialSourceTest, ExecFailureIsUnauthenticated) {
  config::RestConfig config;
  config.exec = config::ExecConfig{.command = TempPath("auth-no-such-plugin"),
                                   .api_version = "client.authentication.k8s.io/v1beta1"};
  auto source = NewCredentialSource(config, {}).value();
  absl::StatusOr<Credentials> credentials = GetNow(*source);
  EXPECT_EQ(credentials.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(credentials.status().message(), HasSubstr("auth-no-such-plugin"));
}

}  // namespace
}  // namespace kube::transport
