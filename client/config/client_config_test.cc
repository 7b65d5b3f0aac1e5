#include "client/config/client_config.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/config/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::config {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class ClientConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = dir_.Write("ca.crt", "-----BEGIN CERTIFICATE-----\n");
    cert_ = dir_.Write("u.crt", "cert");
    key_ = dir_.Write("u.key", "key");
    token_file_ = dir_.Write("token", "file-token");

    KubeconfigCluster dev{.server = "https://dev:6443", .certificate_authority = ca_};
    config_.clusters["dev"] = dev;
    config_.clusters["prod"] = {.server = "https://prod:6443",
                                .tls_server_name = "api.prod",
                                .certificate_authority_data = "PEM"};
    config_.clusters["lab"] = {.server = "https://lab", .insecure_skip_tls_verify = true};
    config_.users["alice"] = {.client_certificate = cert_, .client_key = key_};
    config_.users["robot"] = {.token = "robot-token"};
    config_.users["plugin"] = {.exec = ExecConfig{.command = "/bin/get-token",
                                                  .api_version = "client.authentication.k8s.io/v1",
                                                  .interactive_mode = "Never"}};
    config_.contexts["dev"] = {.cluster = "dev", .user = "alice", .namespace_ = "team-a"};
    config_.contexts["prod"] = {.cluster = "prod", .user = "robot"};
    config_.contexts["lab"] = {.cluster = "lab", .user = "plugin"};
    config_.current_context = "dev";
  }

  absl::StatusOr<RestConfig> Build(const ConfigOverrides& overrides = {}) {
    return BuildRestConfig(config_, overrides, &selected_);
  }

  // BuildFor builds a config whose current context uses exactly this cluster and user.
  absl::StatusOr<RestConfig> BuildFor(const KubeconfigCluster& cluster, const KubeconfigUser& user,
                                      const ConfigOverrides& overrides = {}) {
    config_.clusters["t"] = cluster;
    config_.users["t"] = user;
    config_.contexts["t"] = {.cluster = "t", .user = "t"};
    config_.current_context = "t";
    return Build(overrides);
  }

  void ExpectInvalid(const absl::StatusOr<RestConfig>& built, absl::string_view message) {
    ASSERT_FALSE(built.ok()) << "expected an error containing: " << message;
    EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument) << built.status();
    EXPECT_THAT(built.status().message(), HasSubstr(message));
  }

  testing::TempDir dir_;
  std::string ca_, cert_, key_, token_file_;
  Kubeconfig config_;
  SelectedContext selected_;
};

TEST_F(ClientConfigTest, CurrentContextSelectsClusterUserAndNamespace) {
  absl::StatusOr<RestConfig> built = Build();
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->host, "https://dev:6443");
  EXPECT_EQ(built->tls.ca_file, ca_);
  EXPECT_EQ(built->tls.cert_file, cert_);
  EXPECT_EQ(built->tls.key_file, key_);
  EXPECT_FALSE(built->tls.insecure_skip_verify);
  EXPECT_EQ(built->bearer_token, "");
  EXPECT_FALSE(built->exec.has_value());
  EXPECT_EQ(built->namespace_, "team-a");
  EXPECT_EQ(built->timeout, absl::ZeroDuration());
  EXPECT_EQ(selected_.context, "dev");
  EXPECT_EQ(selected_.cluster, "dev");
  EXPECT_EQ(selected_.user, "alice");
}

TEST_F(ClientConfigTest, NamespaceDefaultsToDefault) {
  absl::StatusOr<RestConfig> built = Build({.context = "prod"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->namespace_, "default");
}

TEST_F(ClientConfigTest, InlineDataIsPassedThrough) {
  absl::StatusOr<RestConfig> built =
      BuildFor({.server = "https://x", .certificate_authority_data = "CA-PEM"},
               {.client_certificate_data = "CERT-PEM", .client_key_data = "KEY-PEM"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->tls.ca_data, "CA-PEM");
  EXPECT_EQ(built->tls.ca_file, "");
  EXPECT_EQ(built->tls.cert_data, "CERT-PEM");
  EXPECT_EQ(built->tls.key_data, "KEY-PEM");
}

TEST_F(ClientConfigTest, ClusterFieldsAreCarried) {
  absl::StatusOr<RestConfig> built = BuildFor({.server = "https://x/prefix",
                                               .tls_server_name = "api.x",
                                               .proxy_url = "http://proxy:3128",
                                               .disable_compression = true},
                                              {.token = "t"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->host, "https://x/prefix");
  EXPECT_EQ(built->tls.server_name, "api.x");
  EXPECT_EQ(built->proxy_url, "http://proxy:3128");
  EXPECT_TRUE(built->disable_compression);
  EXPECT_EQ(built->bearer_token, "t");
}

TEST_F(ClientConfigTest, ServerWithoutSchemeIsHttps) {
  absl::StatusOr<RestConfig> built = BuildFor({.server = "10.0.0.1:6443"}, {.token = "t"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->host, "https://10.0.0.1:6443");
}

TEST_F(ClientConfigTest, TokenAndTokenFileAreKeptTogether) {
  absl::StatusOr<RestConfig> built =
      BuildFor({.server = "https://x"}, {.token = "t", .token_file = token_file_});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->bearer_token, "t");
  EXPECT_EQ(built->bearer_token_file, token_file_);
}

TEST_F(ClientConfigTest, ImpersonationIsCarried) {
  absl::StatusOr<RestConfig> built =
      BuildFor({.server = "https://x"}, {.token = "t",
                                         .impersonate = "bob",
                                         .impersonate_uid = "42",
                                         .impersonate_groups = {"g1", "g2"},
                                         .impersonate_user_extra = {{"scopes", {"a", "b"}}}});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->impersonate.user, "bob");
  EXPECT_EQ(built->impersonate.uid, "42");
  EXPECT_THAT(built->impersonate.groups, ElementsAre("g1", "g2"));
  EXPECT_THAT(built->impersonate.extra, ElementsAre(Pair("scopes", ElementsAre("a", "b"))));
}

TEST_F(ClientConfigTest, ExecIsUsedWhenItIsTheOnlyCredential) {
  absl::StatusOr<RestConfig> built = Build({.context = "lab"});
  ASSERT_TRUE(built.ok()) << built.status();
  ASSERT_TRUE(built->exec.has_value());
  EXPECT_EQ(built->exec->command, "/bin/get-token");
  EXPECT_TRUE(built->tls.insecure_skip_verify);
}

TEST_F(ClientConfigTest, ExecStepsAsideForATokenOverride) {
  absl::StatusOr<RestConfig> built = Build({.context = "lab", .token = "flag-token"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_FALSE(built->exec.has_value());
  EXPECT_EQ(built->bearer_token, "flag-token");
}

TEST_F(ClientConfigTest, ExecInteractiveModeDefaultsForV1beta1Only) {
  KubeconfigUser user{
      .exec = ExecConfig{.command = "p", .api_version = "client.authentication.k8s.io/v1beta1"}};
  absl::StatusOr<RestConfig> built = BuildFor({.server = "https://x"}, user);
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->exec->interactive_mode, "IfAvailable");

  user.exec->api_version = "client.authentication.k8s.io/v1";
  ExpectInvalid(BuildFor({.server = "https://x"}, user),
                "exec.interactiveMode must be specified for user \"t\"");
}

// --- Overrides -----------------------------------------------------------------------------

TEST_F(ClientConfigTest, ContextOverrideWinsOverCurrentContext) {
  absl::StatusOr<RestConfig> built = Build({.context = "prod"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->host, "https://prod:6443");
  EXPECT_EQ(built->bearer_token, "robot-token");
  EXPECT_EQ(selected_.context, "prod");
}

TEST_F(ClientConfigTest, ClusterAndUserOverridesReplaceTheContexts) {
  absl::StatusOr<RestConfig> built = Build({.cluster = "prod", .user = "robot"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->host, "https://prod:6443");
  EXPECT_EQ(built->tls.ca_data, "PEM");
  EXPECT_EQ(built->bearer_token, "robot-token");
  EXPECT_EQ(built->tls.cert_file, "");
  EXPECT_EQ(built->namespace_, "team-a");  // still the dev context's namespace
  EXPECT_EQ(selected_.cluster, "prod");
  EXPECT_EQ(selected_.user, "robot");
}

TEST_F(ClientConfigTest, NamespaceOverride) {
  absl::StatusOr<RestConfig> built = Build({.namespace_ = "kube-system"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->namespace_, "kube-system");
}

TEST_F(ClientConfigTest, ServerOverrideClearsTheKubeconfigTlsServerName) {
  absl::StatusOr<RestConfig> built = Build({.context = "prod", .server = "https://elsewhere"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->host, "https://elsewhere");
  EXPECT_EQ(built->tls.server_name, "");

  built = Build({.context = "prod", .server = "https://elsewhere", .tls_server_name = "sni"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->tls.server_name, "sni");

  built = Build({.context = "prod", .tls_server_name = "other"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->host, "https://prod:6443");
  EXPECT_EQ(built->tls.server_name, "other");
}

TEST_F(ClientConfigTest, InsecureOverrideClearsTheKubeconfigCa) {
  absl::StatusOr<RestConfig> built = Build({.insecure_skip_tls_verify = true});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_TRUE(built->tls.insecure_skip_verify);
  EXPECT_EQ(built->tls.ca_file, "");
  built = Build({.context = "prod", .insecure_skip_tls_verify = true});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->tls.ca_data, "");
}

TEST_F(ClientConfigTest, CaOverrideClearsInsecureAndInlineCa) {
  absl::StatusOr<RestConfig> built = Build({.context = "lab", .certificate_authority = ca_});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_FALSE(built->tls.insecure_skip_verify);
  EXPECT_EQ(built->tls.ca_file, ca_);
  built = Build({.context = "prod", .certificate_authority = ca_});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->tls.ca_data, "");
  EXPECT_EQ(built->tls.ca_file, ca_);
}

TEST_F(ClientConfigTest, TokenOverrideReplacesTokenAndTokenFile) {
  absl::StatusOr<RestConfig> built = BuildFor(
      {.server = "https://x"}, {.token = "old", .token_file = token_file_}, {.token = "new"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->bearer_token, "new");
  EXPECT_EQ(built->bearer_token_file, "");
}

TEST_F(ClientConfigTest, ImpersonationOverrides) {
  absl::StatusOr<RestConfig> built = BuildFor(
      {.server = "https://x"},
      {.token = "t", .impersonate = "file-user", .impersonate_groups = {"file-group"}},
      {.impersonate = "flag-user", .impersonate_uid = "7", .impersonate_groups = {"g1", "g2"}});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->impersonate.user, "flag-user");
  EXPECT_EQ(built->impersonate.uid, "7");
  EXPECT_THAT(built->impersonate.groups, ElementsAre("g1", "g2"));
}

TEST_F(ClientConfigTest, RequestTimeoutOverride) {
  absl::StatusOr<RestConfig> built = Build({.request_timeout = absl::Seconds(30)});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->timeout, absl::Seconds(30));
}

TEST_F(ClientConfigTest, OverridesAloneNeedNoKubeconfig) {
  absl::StatusOr<RestConfig> built =
      BuildRestConfig(Kubeconfig{}, {.server = "https://only-flags", .token = "t"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->host, "https://only-flags");
  EXPECT_EQ(built->bearer_token, "t");
  EXPECT_EQ(built->namespace_, "default");
}

// --- Unknown names ---------------------------------------------------------------------------

TEST_F(ClientConfigTest, UnknownContextOverrideIsNotFoundNamingIt) {
  absl::StatusOr<RestConfig> built = Build({.context = "staging"});
  EXPECT_EQ(built.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(built.status().message(),
              AllOf(HasSubstr("context \"staging\""), HasSubstr("\"dev\", \"lab\", \"prod\"")));
}

TEST_F(ClientConfigTest, OverrideNamesAreShownInFullEvenWithSpaces) {
  absl::StatusOr<RestConfig> built = Build({.context = "my typo"});
  EXPECT_EQ(built.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(built.status().message(), HasSubstr("context \"my typo\""));
}

TEST_F(ClientConfigTest, UnknownCurrentContextIsNotFoundNamingIt) {
  config_.current_context = "gone";
  absl::StatusOr<RestConfig> built = Build();
  EXPECT_EQ(built.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(built.status().message(), HasSubstr("context \"gone\" (the current-context)"));
}

TEST_F(ClientConfigTest, UnknownClusterIsNotFoundNamingIt) {
  absl::StatusOr<RestConfig> built = Build({.cluster = "nowhere"});
  EXPECT_EQ(built.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(built.status().message(),
              HasSubstr("cluster \"nowhere\" (named by the override) not found"));

  config_.contexts["broken"] = {.cluster = "missing-cluster", .user = "robot"};
  built = Build({.context = "broken"});
  EXPECT_EQ(built.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(built.status().message(),
              HasSubstr("cluster \"missing-cluster\" (named by context \"broken\") not found"));
}

TEST_F(ClientConfigTest, UnknownUserIsNotFoundNamingIt) {
  absl::StatusOr<RestConfig> built = Build({.user = "mallory"});
  EXPECT_EQ(built.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(built.status().message(), HasSubstr("user \"mallory\" (named by the override)"));

  config_.contexts["broken"] = {.cluster = "dev", .user = "missing-user"};
  built = Build({.context = "broken"});
  EXPECT_EQ(built.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(built.status().message(),
              HasSubstr("user \"missing-user\" (named by context \"broken\") not found"));
}

TEST_F(ClientConfigTest, NothingConfiguredIsTheEmptyConfigError) {
  absl::StatusOr<RestConfig> built = BuildRestConfig(Kubeconfig{}, {});
  EXPECT_TRUE(IsEmptyConfig(built.status())) << built.status();
  Kubeconfig only_users;
  only_users.users["u"].token = "t";
  EXPECT_TRUE(IsEmptyConfig(BuildRestConfig(only_users, {}).status()));
  // Something selected but unusable is a real error, not "empty".
  config_.clusters["dev"].server = "";
  absl::StatusOr<RestConfig> no_server = Build();
  EXPECT_FALSE(IsEmptyConfig(no_server.status()));
  ExpectInvalid(no_server, "no server found for cluster \"dev\"");
  EXPECT_FALSE(IsEmptyConfig(absl::NotFoundError("other")));
}

// --- Validation --------------------------------------------------------------------------------

TEST_F(ClientConfigTest, CaTogetherWithInsecureIsAnError) {
  ExpectInvalid(
      BuildFor(
          {.server = "https://x", .insecure_skip_tls_verify = true, .certificate_authority = ca_},
          {.token = "t"}),
      "insecure-skip-tls-verify cannot be combined with a certificate authority");
  ExpectInvalid(BuildFor({.server = "https://x",
                          .insecure_skip_tls_verify = true,
                          .certificate_authority_data = "PEM"},
                         {.token = "t"}),
                "for cluster \"t\"");
}

TEST_F(ClientConfigTest, CaFileAndDataTogetherIsAnError) {
  ExpectInvalid(BuildFor({.server = "https://x",
                          .certificate_authority = ca_,
                          .certificate_authority_data = "PEM"},
                         {.token = "t"}),
                "certificate-authority and certificate-authority-data are both specified for "
                "cluster \"t\"");
}

TEST_F(ClientConfigTest, UnreadableCaFileIsAnError) {
  ExpectInvalid(BuildFor({.server = "https://x", .certificate_authority = dir_.Path("no-ca")},
                         {.token = "t"}),
                absl::StrCat("unable to read certificate-authority ", dir_.Path("no-ca")));
}

TEST_F(ClientConfigTest, TokenTogetherWithBasicAuthIsAnError) {
  ExpectInvalid(BuildFor({.server = "https://x"}, {.token = "t", .username = "u", .password = "p"}),
                "more than one authentication method found for user \"t\" (token and basic auth)");
  ExpectInvalid(BuildFor({.server = "https://x"}, {.token_file = token_file_, .username = "u"}),
                "more than one authentication method");
  ExpectInvalid(
      BuildFor({.server = "https://x"}, {.username = "u", .password = "p"}, {.token = "flag"}),
      "more than one authentication method");
}

TEST_F(ClientConfigTest, BasicAuthAloneIsFine) {
  absl::StatusOr<RestConfig> built =
      BuildFor({.server = "https://x"}, {.username = "u", .password = "p"});
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->username, "u");
  EXPECT_EQ(built->password, "p");
}

TEST_F(ClientConfigTest, UnreadableTokenFileIsAnError) {
  ExpectInvalid(BuildFor({.server = "https://x"}, {.token_file = dir_.Path("no-token")}),
                absl::StrCat("unable to read tokenFile ", dir_.Path("no-token")));
}

TEST_F(ClientConfigTest, ClientCertificateAndKeyMustPair) {
  ExpectInvalid(BuildFor({.server = "https://x"}, {.client_certificate = cert_}),
                "client-key or client-key-data must be specified for user \"t\"");
  ExpectInvalid(BuildFor({.server = "https://x"}, {.client_key_data = "KEY"}),
                "client-certificate or client-certificate-data must be specified for user \"t\"");
  ExpectInvalid(
      BuildFor({.server = "https://x"},
               {.client_certificate = cert_, .client_certificate_data = "C", .client_key = key_}),
      "client-certificate and client-certificate-data are both specified");
  ExpectInvalid(BuildFor({.server = "https://x"},
                         {.client_certificate = cert_, .client_key = key_, .client_key_data = "K"}),
                "client-key and client-key-data are both specified");
}

TEST_F(ClientConfigTest, UnreadableClientCertificateOrKeyIsAnError) {
  ExpectInvalid(BuildFor({.server = "https://x"},
                         {.client_certificate = dir_.Path("no.crt"), .client_key = key_}),
                absl::StrCat("unable to read client-certificate ", dir_.Path("no.crt")));
  ExpectInvalid(BuildFor({.server = "https://x"},
                         {.client_certificate = cert_, .client_key = dir_.Path("no.key")}),
                absl::StrCat("unable to read client-key ", dir_.Path("no.key")));
}

TEST_F(ClientConfigTest, ExecValidation) {
  const KubeconfigCluster cluster{.server = "https://x"};
  ExpectInvalid(
      BuildFor(cluster, {.exec = ExecConfig{.api_version = "v1", .interactive_mode = "Never"}}),
      "exec.command must be specified for user \"t\"");
  ExpectInvalid(
      BuildFor(cluster, {.exec = ExecConfig{.command = "p", .interactive_mode = "Never"}}),
      "exec.apiVersion must be specified for user \"t\"");
  ExpectInvalid(BuildFor(cluster, {.exec = ExecConfig{.command = "p",
                                                      .env = {{"", "v"}},
                                                      .api_version = "v1",
                                                      .interactive_mode = "Never"}}),
                "exec.env has an entry without a name");
  ExpectInvalid(BuildFor(cluster, {.exec = ExecConfig{.command = "p",
                                                      .api_version = "v1",
                                                      .interactive_mode = "Sometimes"}}),
                "invalid exec.interactiveMode \"Sometimes\"");
  ExpectInvalid(
      BuildFor(
          cluster,
          {.exec = ExecConfig{.command = "p", .api_version = "v1", .interactive_mode = "Never"},
           .auth_provider = AuthProviderConfig{.name = "oidc"}}),
      "auth-provider cannot be combined with exec");
}

TEST_F(ClientConfigTest, ImpersonationDetailsWithoutAUserAreAnError) {
  ExpectInvalid(
      BuildFor({.server = "https://x"}, {.token = "t", .impersonate_groups = {"g"}}),
      "as-uid, as-groups or as-user-extra requested for user \"t\" without impersonating");
  ExpectInvalid(BuildFor({.server = "https://x"}, {.token = "t"}, {.impersonate_uid = "1"}),
                "without impersonating a user");
}

TEST_F(ClientConfigTest, SchemesAreChecked) {
  ExpectInvalid(BuildFor({.server = "ftp://x"}, {.token = "t"}),
                "server \"ftp://x\" of cluster \"t\" has unsupported scheme \"ftp\"");
  ExpectInvalid(BuildFor({.server = "https://x", .proxy_url = "ftp://proxy"}, {.token = "t"}),
                "invalid proxy-url \"ftp://proxy\" for cluster \"t\"");
  ExpectInvalid(BuildFor({.server = "https://x", .proxy_url = "proxy:3128"}, {.token = "t"}),
                "invalid proxy-url");
}

TEST_F(ClientConfigTest, EveryProblemIsReportedAtOnce) {
  absl::StatusOr<RestConfig> built =
      BuildFor({.insecure_skip_tls_verify = true, .certificate_authority_data = "PEM"},
               {.token = "t", .username = "u"});
  ExpectInvalid(built, "no server found for cluster \"t\"");
  EXPECT_THAT(built.status().message(),
              AllOf(HasSubstr("insecure-skip-tls-verify cannot be combined"),
                    HasSubstr("more than one authentication method")));
}

TEST_F(ClientConfigTest, AuthProviderIsUnimplementedWithAClearMessage) {
  absl::StatusOr<RestConfig> built = BuildFor(
      {.server = "https://x"},
      {.auth_provider = AuthProviderConfig{.name = "oidc", .config = {{"client-id", "k"}}}});
  EXPECT_EQ(built.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(built.status().message(),
              AllOf(HasSubstr("user \"t\""), HasSubstr("auth-provider \"oidc\""),
                    HasSubstr("exec credential plugin")));

  built = BuildFor({.server = "https://x"}, {.auth_provider = AuthProviderConfig{.name = "gcp"}});
  EXPECT_EQ(built.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(built.status().message(), HasSubstr("removed"));

  // A --token makes the provider irrelevant.
  built = BuildFor({.server = "https://x"}, {.auth_provider = AuthProviderConfig{.name = "oidc"}},
                   {.token = "t"});
  EXPECT_TRUE(built.ok()) << built.status();
}

TEST(ParseRequestTimeout, AcceptsWhatKubectlAccepts) {
  EXPECT_EQ(*ParseRequestTimeout("0"), absl::ZeroDuration());
  EXPECT_EQ(*ParseRequestTimeout("15"), absl::Seconds(15));
  EXPECT_EQ(*ParseRequestTimeout("1m"), absl::Minutes(1));
  EXPECT_EQ(*ParseRequestTimeout("1h30m"), absl::Minutes(90));
  EXPECT_EQ(*ParseRequestTimeout("250ms"), absl::Milliseconds(250));
  for (const char* bad : {"", "-1", "-1s", "soon", "1 minute", "inf"}) {
    absl::StatusOr<absl::Duration> parsed = ParseRequestTimeout(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ApplyOverridesToInCluster, AppliesTheFlagsThatMakeSense) {
  RestConfig config;
  config.host = "https://10.0.0.1:443";
  config.bearer_token_file = "/sa/token";
  config.tls.ca_file = "/sa/ca.crt";
  config.namespace_ = "pod-ns";
  ApplyOverridesToInCluster({.namespace_ = "other",
                             .server = "https://override",
                             .token = "t",
                             .impersonate = "bob",
                             .request_timeout = absl::Seconds(5)},
                            config);
  EXPECT_EQ(config.host, "https://override");
  EXPECT_EQ(config.bearer_token, "t");
  EXPECT_EQ(config.bearer_token_file, "");
  EXPECT_EQ(config.tls.ca_file, "/sa/ca.crt");
  EXPECT_EQ(config.namespace_, "other");
  EXPECT_EQ(config.impersonate.user, "bob");
  EXPECT_EQ(config.timeout, absl::Seconds(5));
  ApplyOverridesToInCluster({.insecure_skip_tls_verify = true}, config);
  EXPECT_TRUE(config.tls.insecure_skip_verify);
  EXPECT_EQ(config.tls.ca_file, "");
}

}  // namespace
}  // namespace kube::config
