// A bounded, deterministic mutation fuzzer for the kubeconfig parser, run as an ordinary test.
//
// It starts from valid kubeconfigs and applies stacked mutations (bit flips, byte stores,
// truncation, deletion, duplication of ranges, YAML special characters, value type swaps,
// indentation shifts, splices of two files). Every result must be either a parsed Kubeconfig or
// an InvalidArgument naming the input, never a crash, a hang or an escaped exception; parsed
// results are pushed on through path resolution, merging and BuildRestConfig. Seeds are fixed,
// so a failure reproduces; the run stops after a fixed number of cases or a few seconds.
// Run it under --config=asan too.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/config/client_config.h"
#include "client/config/kubeconfig.h"
#include "client/config/loading_rules.h"
#include "gtest/gtest.h"

namespace kube::config {
namespace {

constexpr char kSecretToken[] = "s3cr3t-token-value";
constexpr char kSecretPassword[] = "hunter2-password";

const std::vector<std::string>& Corpus() {
  static const auto* corpus = new std::vector<std::string>{
      // Block style, every section, token auth.
      R"yaml(apiVersion: v1
kind: Config
current-context: admin@testenv
clusters:
- name: testenv
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: pki/ca.crt
    tls-server-name: kubernetes
users:
- name: admin
  user:
    token: s3cr3t-token-value
contexts:
- name: admin@testenv
  context:
    cluster: testenv
    user: admin
    namespace: default
preferences: {}
)yaml",
      // Inline data, client certificates, basic auth, impersonation.
      R"yaml(apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
    server: https://10.0.0.1:443
    proxy-url: socks5://127.0.0.1:1080
    disable-compression: true
  name: prod
users:
- name: cert
  user:
    client-certificate-data: Y2VydGlmaWNhdGU=
    client-key-data: a2V5
    as: bob
    as-uid: "1001"
    as-groups:
    - devs
    - ops
    as-user-extra:
      scopes: [read, write]
- name: basic
  user:
    username: admin
    password: hunter2-password
contexts:
- context: {cluster: prod, user: cert, namespace: team}
  name: prod
current-context: prod
)yaml",
      // Exec plugin and auth-provider, flow style, quoting.
      R"yaml({"apiVersion": "v1", "kind": "Config",
 "clusters": [{"name": "eks", "cluster": {"server": "https://eks.example.com", "insecure-skip-tls-verify": true}}],
 "users": [
  {"name": "aws", "user": {"exec": {"command": "./bin/aws", "args": ["eks", "get-token", "--cluster-name", "x"],
     "env": [{"name": "AWS_PROFILE", "value": "prod"}], "apiVersion": "client.authentication.k8s.io/v1",
     "installHint": "install aws", "provideClusterInfo": false, "interactiveMode": "Never"}}},
  {"name": "oidc", "user": {"auth-provider": {"name": "oidc", "config": {"client-id": "k", "id-token": "x.y.z"}}}}],
 "contexts": [{"name": "eks", "context": {"cluster": "eks", "user": "aws"}}],
 "current-context": "eks"}
)yaml",
      // Anchors, aliases, block scalars, comments, document markers, tokenFile.
      R"yaml(%YAML 1.1
---
# a comment
kind: Config
apiVersion: v1
clusters:
- &c
  name: one
  cluster: &body
    server: https://one:6443
    certificate-authority: "../ca.crt"
- name: two
  cluster: *body
users:
- name: filer
  user:
    tokenFile: tokens/me
    exec: null
contexts:
- name: one
  context: {cluster: one, user: filer}
- name: two
  context:
    cluster: two
    user: filer
    namespace: |
      literal
current-context: 'one'
...
)yaml",
      // Nulls and empties everywhere.
      "clusters:\nusers: []\ncontexts:\n- name: c\n  context:\ncurrent-context: \"\"\n",
  };
  return *corpus;
}

const std::vector<std::string>& Specials() {
  static const auto* specials = new std::vector<std::string>{
      "[",           "]",
      "{",           "}",
      ":",           ": ",
      "- ",          ",",
      "#",           "&a ",
      "*a",          "*b",
      "!!str ",      "!!map ",
      "!!binary ",   "!<tag:yaml.org,2002:seq> ",
      "? ",          "|",
      ">",           "|-\n",
      "'",           "\"",
      "\\",          "\t",
      "\n",          "\r\n",
      "---\n",       "...\n",
      "%YAML 1.2\n", "%TAG ! tag:x,2000:\n",
      "@",           "`",
      "<<: *a\n",    std::string(1, '\0'),
      "\xff",        "\xef\xbb\xbf",
      "\xc3\x28",    "~",
      "null",        "  ",
      "- - - ",      "[[[[[[[[",
      "{{{{{{{{",    "\"\\u0000\"",
      "\"\\x",       "&anchor [1, 2]",
      "0x1F",        "1e9999",
  };
  return *specials;
}

const std::vector<std::string>& Replacements() {
  static const auto* values = new std::vector<std::string>{
      "[a, b]",
      "{x: y}",
      "null",
      "~",
      "''",
      "\"\"",
      "!!binary aGk=",
      "&x [1]",
      "*x",
      "|\n  block",
      "\n  - item",
      "\n  key: value",
      "12345",
      "true",
      "-",
      "[",
      "{",
      "\"unterminated",
      "=== not base64 ===",
      "[{name: a}, {name: a}]",
      "!!int 7",
      "? complex",
      "*undefined",
  };
  return *values;
}

class Mutator {
 public:
  explicit Mutator(uint32_t seed) : rng_(seed) {}

  size_t Below(size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

  void Mutate(std::string& s) {
    switch (Below(10)) {
      case 0:  // flip a few bits
        for (size_t i = 0, n = 1 + Below(4); i < n && !s.empty(); ++i) {
          s[Below(s.size())] ^= static_cast<char>(1u << Below(8));
        }
        break;
      case 1:  // store a random byte
        if (!s.empty()) s[Below(s.size())] = static_cast<char>(Below(256));
        break;
      case 2:  // truncate
        s.resize(Below(s.size() + 1));
        break;
      case 3:  // delete a range
        if (!s.empty()) {
          size_t at = Below(s.size());
          s.erase(at, 1 + Below(std::min<size_t>(64, s.size() - at)));
        }
        break;
      case 4:  // duplicate a range elsewhere (duplicate keys and names)
        if (!s.empty()) {
          size_t at = Below(s.size());
          std::string chunk = s.substr(at, 1 + Below(std::min<size_t>(200, s.size() - at)));
          s.insert(Below(s.size() + 1), chunk);
        }
        break;
      case 5:
      case 6:  // insert YAML specials
        s.insert(Below(s.size() + 1), Pick(Specials()));
        break;
      case 7: {  // swap the type of one value
        std::vector<std::string> lines = absl::StrSplit(s, '\n');
        size_t line = Below(lines.size());
        size_t colon = lines[line].find(": ");
        if (colon != std::string::npos) {
          lines[line] = absl::StrCat(lines[line].substr(0, colon + 2), Pick(Replacements()));
        } else {
          lines[line] += absl::StrCat(": ", Pick(Replacements()));
        }
        s = absl::StrJoin(lines, "\n");
        break;
      }
      case 8: {  // shift the indentation of one line
        std::vector<std::string> lines = absl::StrSplit(s, '\n');
        std::string& l = lines[Below(lines.size())];
        if (Below(2) == 0) {
          l.insert(0, std::string(1 + Below(6), ' '));
        } else {
          l.erase(0, std::min(l.find_first_not_of(' '), l.size()));
        }
        s = absl::StrJoin(lines, "\n");
        break;
      }
      case 9: {  // splice with another corpus entry
        const std::string& other = Pick(Corpus());
        s = absl::StrCat(s.substr(0, Below(s.size() + 1)), other.substr(Below(other.size() + 1)));
        break;
      }
    }
  }

 private:
  std::mt19937 rng_;
};

// Exercise runs one input through everything downstream of the parser.
void Exercise(const std::string& input, const std::string& source, int* parsed_ok) {
  absl::StatusOr<Kubeconfig> parsed = ParseKubeconfig(input, source);
  if (!parsed.ok()) {
    ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << parsed.status() << "\ninput: " << absl::CHexEscape(input);
    ASSERT_TRUE(
        absl::StartsWith(parsed.status().message(), absl::StrCat("kubeconfig ", source, ": ")))
        << parsed.status();
    ASSERT_FALSE(absl::StrContains(parsed.status().message(), kSecretToken)) << parsed.status();
    ASSERT_FALSE(absl::StrContains(parsed.status().message(), kSecretPassword)) << parsed.status();
    return;
  }
  ++*parsed_ok;
  Kubeconfig config = *parsed;
  // Paths resolve under a directory that does not exist, so no real file is ever opened.
  ResolveRelativePaths(config, "/nonexistent-kubecpp-fuzz/dir");
  Kubeconfig merged = config;
  MergeKubeconfig(merged, *parsed);
  ASSERT_EQ(merged.clusters.size(), config.clusters.size());
  std::vector<ConfigOverrides> overrides = {{}};
  for (const auto& [name, unused] : config.contexts) overrides.push_back({.context = name});
  for (const ConfigOverrides& o : overrides) {
    absl::StatusOr<RestConfig> built = BuildRestConfig(config, o);
    if (built.ok()) {
      ASSERT_FALSE(built->host.empty());
      (void)built->DebugString();
      continue;
    }
    ASSERT_FALSE(absl::StrContains(built.status().message(), kSecretToken)) << built.status();
    ASSERT_FALSE(absl::StrContains(built.status().message(), kSecretPassword)) << built.status();
    const absl::StatusCode code = built.status().code();
    ASSERT_TRUE(code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kNotFound ||
                code == absl::StatusCode::kUnimplemented)
        << built.status();
  }
}

TEST(KubeconfigFuzz, TheCorpusItselfParses) {
  for (size_t i = 0; i < Corpus().size(); ++i) {
    absl::StatusOr<Kubeconfig> parsed = ParseKubeconfig(Corpus()[i], "corpus");
    ASSERT_TRUE(parsed.ok()) << "corpus[" << i << "]: " << parsed.status();
  }
}

TEST(KubeconfigFuzz, MutatedInputsNeverCrash) {
  constexpr int kMaxCases = 40000;
  const absl::Duration budget = absl::Seconds(4);
  const absl::Time deadline = absl::Now() + budget;
  int cases = 0, parsed_ok = 0;
  for (uint32_t seed = 1; cases < kMaxCases && absl::Now() < deadline; ++seed) {
    Mutator mutator(seed);
    std::string input = mutator.Pick(Corpus());
    for (size_t round = 0, n = 1 + mutator.Below(3); round < n; ++round) mutator.Mutate(input);
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    Exercise(input, absl::StrCat("fuzz-", seed), &parsed_ok);
    if (::testing::Test::HasFatalFailure()) return;
    ++cases;
  }
  // The harness must be doing something: enough cases, and mutations that both break and keep
  // inputs valid (all-errors would mean the mutator only produces garbage).
  EXPECT_GE(cases, 500) << "too slow to fuzz meaningfully";
  EXPECT_GT(parsed_ok, cases / 20) << parsed_ok << " of " << cases << " parsed";
  EXPECT_LT(parsed_ok, cases - cases / 20) << parsed_ok << " of " << cases << " parsed";
  RecordProperty("cases", cases);
  RecordProperty("parsed_ok", parsed_ok);
}

}  // namespace
}  // namespace kube::config
