#include "client/config/kubeconfig.h"

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
using ::testing::Not;
using ::testing::Pair;

constexpr char kFull[] = R"yaml(
apiVersion: v1
kind: Config
preferences: {colors: true}
current-context: dev
clusters:
- name: prod
  cluster:
    server: https://prod.example.com:6443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    tls-server-name: api.prod
    proxy-url: socks5://proxy:1080
    disable-compression: true
    extensions:
    - name: whatever
      extension: {a: b}
- name: dev
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: ca.crt
    insecure-skip-tls-verify: false
- name: lab
  cluster:
    server: https://10.0.0.1
    insecure-skip-tls-verify: true
users:
- name: alice
  user:
    client-certificate: certs/alice.crt
    client-key: certs/alice.key
    as: bob
    as-uid: "1234"
    as-groups: [devs, ops]
    as-user-extra:
      scopes: [read, write]
      team: [blue]
- name: robot
  user:
    token: s3cr3t
    tokenFile: /var/run/token
- name: basic
  user:
    username: admin
    password: hunter2
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
- name: plugin
  user:
    exec:
      command: ./bin/get-token
      args: [--cluster, prod]
      env:
      - name: AWS_PROFILE
        value: prod
      - name: EMPTY
      apiVersion: client.authentication.k8s.io/v1
      installHint: install get-token
      provideClusterInfo: true
      interactiveMode: Never
- name: oidc
  user:
    auth-provider:
      name: oidc
      config:
        client-id: kubectl
        idp-issuer-url: https://issuer
contexts:
- name: dev
  context:
    cluster: dev
    user: alice
    namespace: team-a
- name: prod
  context: {cluster: prod, user: robot}
)yaml";

TEST(ParseKubeconfig, ReadsEveryField) {
  absl::StatusOr<Kubeconfig> parsed = ParseKubeconfig(kFull, "/cfg/full");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const Kubeconfig& c = *parsed;
  EXPECT_EQ(c.current_context, "dev");
  ASSERT_EQ(c.clusters.size(), 3u);

  const KubeconfigCluster& prod = c.clusters.at("prod");
  EXPECT_EQ(prod.server, "https://prod.example.com:6443");
  EXPECT_EQ(prod.certificate_authority_data, "-----BEGIN CERTIFICATE-----\n");
  EXPECT_EQ(prod.tls_server_name, "api.prod");
  EXPECT_EQ(prod.proxy_url, "socks5://proxy:1080");
  EXPECT_TRUE(prod.disable_compression);
  EXPECT_FALSE(prod.insecure_skip_tls_verify);
  EXPECT_EQ(prod.origin, "/cfg/full");
  EXPECT_EQ(c.clusters.at("dev").certificate_authority, "ca.crt");  // not resolved by Parse
  EXPECT_TRUE(c.clusters.at("lab").insecure_skip_tls_verify);

  const KubeconfigUser& alice = c.users.at("alice");
  EXPECT_EQ(alice.client_certificate, "certs/alice.crt");
  EXPECT_EQ(alice.client_key, "certs/alice.key");
  EXPECT_EQ(alice.impersonate, "bob");
  EXPECT_EQ(alice.impersonate_uid, "1234");
  EXPECT_THAT(alice.impersonate_groups, ElementsAre("devs", "ops"));
  EXPECT_THAT(
      alice.impersonate_user_extra,
      ElementsAre(Pair("scopes", ElementsAre("read", "write")), Pair("team", ElementsAre("blue"))));

  EXPECT_EQ(c.users.at("robot").token, "s3cr3t");
  EXPECT_EQ(c.users.at("robot").token_file, "/var/run/token");
  const KubeconfigUser& basic = c.users.at("basic");
  EXPECT_EQ(basic.username, "admin");
  EXPECT_EQ(basic.password, "hunter2");
  EXPECT_EQ(basic.client_certificate_data, "cert");
  EXPECT_EQ(basic.client_key_data, "key");

  const KubeconfigUser& plugin = c.users.at("plugin");
  ASSERT_TRUE(plugin.exec.has_value());
  EXPECT_EQ(plugin.exec->command, "./bin/get-token");
  EXPECT_THAT(plugin.exec->args, ElementsAre("--cluster", "prod"));
  EXPECT_THAT(plugin.exec->env, ElementsAre(Pair("AWS_PROFILE", "prod"), Pair("EMPTY", "")));
  EXPECT_EQ(plugin.exec->api_version, "client.authentication.k8s.io/v1");
  EXPECT_EQ(plugin.exec->install_hint, "install get-token");
  EXPECT_TRUE(plugin.exec->provide_cluster_info);
  EXPECT_EQ(plugin.exec->interactive_mode, "Never");
  EXPECT_FALSE(plugin.auth_provider.has_value());

  const KubeconfigUser& oidc = c.users.at("oidc");
  ASSERT_TRUE(oidc.auth_provider.has_value());
  EXPECT_EQ(oidc.auth_provider->name, "oidc");
  EXPECT_THAT(oidc.auth_provider->config,
              ElementsAre(Pair("client-id", "kubectl"), Pair("idp-issuer-url", "https://issuer")));

  EXPECT_EQ(c.contexts.at("dev").cluster, "dev");
  EXPECT_EQ(c.contexts.at("dev").user, "alice");
  EXPECT_EQ(c.contexts.at("dev").namespace_, "team-a");
  EXPECT_EQ(c.contexts.at("prod").user, "robot");
  EXPECT_EQ(c.contexts.at("prod").namespace_, "");
}

TEST(ParseKubeconfig, EmptyDocumentsAreEmptyConfigs) {
  for (const char* text : {"", "   \n", "# only a comment\n", "null", "~", "---\n"}) {
    absl::StatusOr<Kubeconfig> parsed = ParseKubeconfig(text, "empty");
    ASSERT_TRUE(parsed.ok()) << "'" << text << "': " << parsed.status();
    EXPECT_TRUE(parsed->empty()) << text;
  }
}

TEST(ParseKubeconfig, NullSectionsAreEmpty) {
  absl::StatusOr<Kubeconfig> parsed =
      ParseKubeconfig("clusters:\nusers: null\ncontexts: []\ncurrent-context:\n", "f");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->empty());
}

TEST(ParseKubeconfig, ScalarsOfAnyKindAreTakenAsText) {
  absl::StatusOr<Kubeconfig> parsed = ParseKubeconfig(
      "contexts:\n- name: 42\n  context: {cluster: 7, user: true, namespace: 123}\n", "f");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const KubeconfigContext& context = parsed->contexts.at("42");
  EXPECT_EQ(context.cluster, "7");
  EXPECT_EQ(context.user, "true");
  EXPECT_EQ(context.namespace_, "123");
}

// Each malformed input must give InvalidArgument naming the file and the field path.
struct Malformed {
  const char* name;
  const char* yaml;
  const char* path_and_problem;  // expected substring
};

class MalformedTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedTest, IsAClearError) {
  const Malformed& m = GetParam();
  absl::StatusOr<Kubeconfig> parsed = ParseKubeconfig(m.yaml, "/home/u/.kube/config");
  ASSERT_FALSE(parsed.ok()) << m.name;
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << parsed.status();
  EXPECT_THAT(parsed.status().message(),
              AllOf(HasSubstr("kubeconfig /home/u/.kube/config: "), HasSubstr(m.path_and_problem)));
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, MalformedTest,
    ::testing::Values(
        Malformed{"NotYaml", "clusters: [\n- name: a\n", "not valid YAML"},
        Malformed{"MapValueInPlainScalar", "current-context: a: b\n", "not valid YAML"},
        Malformed{"UnclosedFlowMap", "users: {a: b\n", "not valid YAML"},
        Malformed{"TopLevelList", "- a\n- b\n", "expected a map at the top level, found a list"},
        Malformed{"TopLevelScalar", "hello", "expected a map at the top level, found a string"},
        Malformed{"ClustersIsAMap", "clusters:\n  a: {server: x}\n",
                  "clusters: expected a list, found a map"},
        Malformed{"UsersIsAString", "users: alice\n", "users: expected a list, found a string"},
        Malformed{"EntryIsAString", "clusters:\n- a\n",
                  "clusters[0]: expected a map, found a string"},
        Malformed{"EntryIsNull", "contexts:\n- \n", "contexts[0]: expected a map, found null"},
        Malformed{"MissingName", "clusters:\n- name: a\n- cluster: {server: x}\n",
                  "clusters[1].name: missing name"},
        Malformed{"EmptyName", "users:\n- name: ''\n  user: {token: x}\n",
                  "users[0].name: missing name"},
        Malformed{"NameIsAList", "users:\n- name: [a]\n",
                  "users[0].name: expected a string, found a list"},
        Malformed{"DuplicateCluster", "clusters:\n- name: a\n- name: b\n- name: a\n",
                  "clusters[2].name: duplicate name \"a\" (first defined at clusters[0])"},
        Malformed{"DuplicateUser", "users:\n- name: u\n- name: u\n",
                  "users[1].name: duplicate name \"u\""},
        Malformed{"DuplicateContext", "contexts:\n- name: c\n- name: c\n",
                  "contexts[1].name: duplicate name \"c\""},
        Malformed{"BodyIsAList", "clusters:\n- name: a\n  cluster: [1, 2]\n",
                  "clusters[0].cluster: expected a map, found a list"},
        Malformed{"ServerIsAMap", "clusters:\n- name: a\n  cluster:\n    server: {x: y}\n",
                  "clusters[0].cluster.server: expected a string, found a map"},
        Malformed{"InsecureNotBool",
                  "clusters:\n- name: a\n  cluster:\n    insecure-skip-tls-verify: maybe\n",
                  "clusters[0].cluster.insecure-skip-tls-verify: expected true or false"},
        Malformed{"CompressionIsAList",
                  "clusters:\n- name: a\n  cluster:\n    disable-compression: [true]\n",
                  "clusters[0].cluster.disable-compression: expected true or false, found a list"},
        Malformed{
            "BadCaData",
            "clusters:\n- name: a\n  cluster:\n    certificate-authority-data: '%%%notbase64'\n",
            "clusters[0].cluster.certificate-authority-data: invalid base64"},
        Malformed{"BadKeyData", "users:\n- name: a\n  user:\n    client-key-data: 'a*b'\n",
                  "users[0].user.client-key-data: invalid base64"},
        Malformed{"BadCertData", "users:\n- name: a\n  user:\n    client-certificate-data: '!!'\n",
                  "users[0].user.client-certificate-data: invalid base64"},
        Malformed{"GroupsIsAString", "users:\n- name: a\n  user:\n    as-groups: devs\n",
                  "users[0].user.as-groups: expected a list, found a string"},
        Malformed{"GroupIsAMap", "users:\n- name: a\n  user:\n    as-groups: [ok, {a: b}]\n",
                  "users[0].user.as-groups[1]: expected a string, found a map"},
        Malformed{"ExtraIsAList", "users:\n- name: a\n  user:\n    as-user-extra: [a]\n",
                  "users[0].user.as-user-extra: expected a map, found a list"},
        Malformed{"ExtraValueIsAString", "users:\n- name: a\n  user:\n    as-user-extra: {k: v}\n",
                  "users[0].user.as-user-extra.k: expected a list, found a string"},
        Malformed{"ExecIsAString", "users:\n- name: a\n  user:\n    exec: aws\n",
                  "users[0].user.exec: expected a map, found a string"},
        Malformed{"ExecArgIsAList",
                  "users:\n- name: a\n  user:\n    exec:\n      args: [ok, [nested]]\n",
                  "users[0].user.exec.args[1]: expected a string, found a list"},
        Malformed{"ExecEnvIsAMap", "users:\n- name: a\n  user:\n    exec:\n      env: {A: b}\n",
                  "users[0].user.exec.env: expected a list, found a map"},
        Malformed{"ExecEnvEntryIsAString",
                  "users:\n- name: a\n  user:\n    exec:\n      env: [A=b]\n",
                  "users[0].user.exec.env[0]: expected a map, found a string"},
        Malformed{"ProvideClusterInfoNotBool",
                  "users:\n- name: a\n  user:\n    exec:\n      provideClusterInfo: sometimes\n",
                  "users[0].user.exec.provideClusterInfo: expected true or false"},
        Malformed{"AuthProviderConfigIsAList",
                  "users:\n- name: a\n  user:\n    auth-provider: {name: oidc, config: [x]}\n",
                  "users[0].user.auth-provider.config: expected a map, found a list"},
        Malformed{"NamespaceIsAList", "contexts:\n- name: a\n  context:\n    namespace: [x]\n",
                  "contexts[0].context.namespace: expected a string, found a list"},
        Malformed{"CurrentContextIsAMap", "current-context: {a: b}\n",
                  "current-context: expected a string, found a map"},
        Malformed{"DuplicateKey",
                  "clusters:\n- name: a\n  cluster:\n    server: x\n    server: y\n",
                  "clusters[0].cluster: key \"server\" appears twice"},
        Malformed{"ComplexKey", "? [a, b]\n: c\n", "expected string keys, found a list"},
        Malformed{"WrongKind", "kind: Pod\n", "kind: expected \"Config\", found \"Pod\""},
        Malformed{"WrongApiVersion", "apiVersion: v2\nkind: Config\n",
                  "apiVersion: expected \"v1\", found \"v2\""},
        Malformed{"TabIndentation", "clusters:\n\t- name: a\n", "not valid YAML"}),
    [](const ::testing::TestParamInfo<Malformed>& info) { return info.param.name; });

TEST(ParseKubeconfig, ErrorsCarryLineAndColumn) {
  absl::StatusOr<Kubeconfig> parsed =
      ParseKubeconfig("clusters:\n- name: a\n  cluster:\n    server: [x]\n", "f");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("(line 4, column 13)"));
}

TEST(ParseKubeconfig, BadBase64ErrorDoesNotEchoTheSecret) {
  absl::StatusOr<Kubeconfig> parsed = ParseKubeconfig(
      "users:\n- name: a\n  user:\n    client-key-data: 'PRIVATE*KEY*MATERIAL'\n", "f");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), Not(HasSubstr("PRIVATE")));
}

TEST(ParseKubeconfig, ValuesThatSwallowTheFileAreNotEchoed) {
  // An unterminated quote turns the rest of the file, token included, into one "kind" value.
  absl::StatusOr<Kubeconfig> parsed =
      ParseKubeconfig("kind: \"Conf\nusers:\n- name: a\n  user:\n    token: TOP-SECRET\n", "f");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), AllOf(HasSubstr("kind: expected \"Config\", found <a "),
                                               Not(HasSubstr("TOP-SECRET"))));
  parsed = ParseKubeconfig(
      "clusters:\n- name: \"x\n  cluster: {token: TOP-SECRET}\n- name: \"x\n  cluster: {token: "
      "TOP-SECRET}\n",
      "f");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), Not(HasSubstr("TOP-SECRET")));
}

TEST(ParseKubeconfig, DeepNestingIsRejectedNotACrash) {
  for (const std::string& text :
       {std::string(100000, '['), std::string(100000, '{'),
        absl::StrCat("clusters: ", std::string(50000, '['), std::string(50000, ']')),
        [] {
          std::string s;
          for (int i = 0; i < 5000; ++i) s += "- ";
          return s + "x\n";
        }(),
        [] {
          std::string s;
          for (int i = 0; i < 3000; ++i) s += std::string(i, ' ') + "a:\n";
          return s;
        }()}) {
    absl::StatusOr<Kubeconfig> parsed = ParseKubeconfig(text, "deep");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("kubeconfig deep: "));
    EXPECT_THAT(parsed.status().message(), HasSubstr("nesting deeper than"));
  }
}

TEST(ParseKubeconfig, BinaryGarbageIsAnError) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919 + 13) % 256));
  absl::StatusOr<Kubeconfig> parsed = ParseKubeconfig(garbage, "garbage");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("kubeconfig garbage: "));
}

TEST(ParseKubeconfig, OversizedInputIsRejectedBeforeParsing) {
  std::string big(kMaxKubeconfigBytes + 1, '#');
  absl::StatusOr<Kubeconfig> parsed = ParseKubeconfig(big, "big");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("limit"));
}

TEST(LoadKubeconfigFile, ResolvesRelativePathsAgainstTheFilesDirectory) {
  testing::TempDir dir;
  const std::string file = dir.Write("conf/sub/config", R"yaml(
clusters:
- name: rel
  cluster: {server: https://a, certificate-authority: ca.crt}
- name: up
  cluster: {server: https://a, certificate-authority: ../pki/./ca.crt}
- name: abs
  cluster: {server: https://a, certificate-authority: /etc/ca.crt}
users:
- name: u
  user:
    client-certificate: certs/u.crt
    client-key: ./certs/u.key
    tokenFile: token
- name: path-exec
  user:
    exec: {command: bin/plugin, apiVersion: v1}
- name: bare-exec
  user:
    exec: {command: aws, apiVersion: v1}
- name: abs-exec
  user:
    exec: {command: /usr/bin/aws, apiVersion: v1}
)yaml");
  absl::StatusOr<Kubeconfig> loaded = LoadKubeconfigFile(file);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const std::string base = dir.Path("conf/sub");
  EXPECT_EQ(loaded->clusters.at("rel").certificate_authority, base + "/ca.crt");
  EXPECT_EQ(loaded->clusters.at("up").certificate_authority, dir.Path("conf/pki/ca.crt"));
  EXPECT_EQ(loaded->clusters.at("abs").certificate_authority, "/etc/ca.crt");
  EXPECT_EQ(loaded->users.at("u").client_certificate, base + "/certs/u.crt");
  EXPECT_EQ(loaded->users.at("u").client_key, base + "/certs/u.key");
  EXPECT_EQ(loaded->users.at("u").token_file, base + "/token");
  EXPECT_EQ(loaded->users.at("path-exec").exec->command, base + "/bin/plugin");
  EXPECT_EQ(loaded->users.at("bare-exec").exec->command, "aws");
  EXPECT_EQ(loaded->users.at("abs-exec").exec->command, "/usr/bin/aws");
  EXPECT_EQ(loaded->clusters.at("rel").origin, file);
}

TEST(LoadKubeconfigFile, MissingFileIsNotFound) {
  testing::TempDir dir;
  absl::StatusOr<Kubeconfig> loaded = LoadKubeconfigFile(dir.Path("nope"));
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(loaded.status().message(), HasSubstr(dir.Path("nope")));
}

TEST(LoadKubeconfigFile, DirectoryIsAnError) {
  testing::TempDir dir;
  absl::StatusOr<Kubeconfig> loaded = LoadKubeconfigFile(dir.path());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(loaded.status().message(), HasSubstr("is a directory"));
}

TEST(LoadKubeconfigFile, ParseErrorsNameThePath) {
  testing::TempDir dir;
  const std::string file = dir.Write("config", "clusters: {}\n");
  absl::StatusOr<Kubeconfig> loaded = LoadKubeconfigFile(file);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(loaded.status().message(),
              HasSubstr(absl::StrCat("kubeconfig ", file, ": clusters: expected a list")));
}

}  // namespace
}  // namespace kube::config
