// Runs the kubecpp binary against the real apiserver with the testenv kubeconfig and checks what
// a user would see.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tools/testenv/testenv.h"

namespace kube::tool {
namespace {

struct ToolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

class KubecppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testenv::Environment> env = testenv::Load();
    ASSERT_TRUE(env.ok()) << env.status().message();
    env_ = *env;
    binary_ = absl::StrCat(std::getenv("TEST_SRCDIR"), "/", std::getenv("TEST_WORKSPACE"),
                           "/tools/kubecpp/kubecpp");
  }

  ToolRun Kubecpp(const std::string& args, const std::string& kubeconfig = "") {
    std::string command =
        absl::StrCat("KUBECONFIG='", kubeconfig.empty() ? env_.kubeconfig : kubeconfig,
                     "' HOME=/nonexistent '", binary_, "' ", args, " 2>&1");
    ToolRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
      run.output.append(buffer.data(), n);
    int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
  }

  // WriteFile puts `contents` in a file of the test's temporary directory.
  std::string WriteFile(const std::string& name, const std::string& contents) {
    std::string path = absl::StrCat(std::getenv("TEST_TMPDIR"), "/", name);
    std::ofstream(path) << contents;
    return path;
  }

  // Unique names per run: the testenv is shared between runs.
  std::string Unique(absl::string_view base) {
    return absl::StrCat(base, "-", absl::ToUnixMicros(absl::Now()) % 100000000);
  }

  testenv::Environment env_;
  std::string binary_;
};

TEST_F(KubecppTest, VersionShowsTheServerVersion) {
  ToolRun run = Kubecpp("version");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, absl::StrCat("Server Version: ", env_.kube_version)))
      << run.output;
}

TEST_F(KubecppTest, GetNamespacesListsDefaultOverProtobuf) {
  ToolRun run = Kubecpp("get namespaces -o name");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "namespace/default\n")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "namespace/kube-system\n")) << run.output;
}

TEST_F(KubecppTest, RawGetOfAMissingObjectFailsWithTheServersStatus) {
  ToolRun run = Kubecpp("raw GET /api/v1/namespaces/default/configmaps/does-not-exist");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "\"reason\":\"NotFound\"")) << run.output;
}

TEST_F(KubecppTest, DemoCreatesReadsAndDeletesAConfigMap) {
  ToolRun run = Kubecpp("demo");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "created configmap default/kubecpp-demo-"))
      << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "\"greeting\":\"hello from C++\"")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "deleted configmap default/kubecpp-demo-"))
      << run.output;
}

TEST_F(KubecppTest, LimitedUserIsToldItIsForbidden) {
  ToolRun run = Kubecpp("get secrets", env_.limited_kubeconfig);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "Error from server (Forbidden): secrets is forbidden"))
      << run.output;
}

TEST_F(KubecppTest, WatchUntilSyncedCountsTheCache) {
  ToolRun run = Kubecpp("watch namespaces --until-synced --timeout 30");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "synced ")) << run.output;
  // default, kube-system, kube-public, kube-node-lease at least.
  int count = 0;
  for (absl::string_view line : absl::StrSplit(run.output, '\n')) {
    if (!line.empty() && absl::ascii_isdigit(line[0])) (void)absl::SimpleAtoi(line, &count);
  }
  EXPECT_GE(count, 4) << run.output;
}

TEST_F(KubecppTest, WatchPrintsOneLinePerCachedObject) {
  ToolRun run = Kubecpp("watch namespaces -l kubernetes.io/metadata.name=default --timeout 1");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "ADDED default ")) << run.output;
  EXPECT_FALSE(absl::StrContains(run.output, "ADDED kube-system")) << run.output;
}

TEST_F(KubecppTest, UnknownResourceIsAClearError) {
  ToolRun run = Kubecpp("get flurbs");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "no resource \"flurbs\"")) << run.output;
}

TEST_F(KubecppTest, ApplyGetDeleteRoundTripOfAMultiDocumentManifest) {
  const std::string cm = Unique("cli-cm");
  const std::string deploy = Unique("cli-web");
  auto manifest = [&](absl::string_view greeting) {
    return absl::StrCat(R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: )",
                        cm, R"(
  labels: {suite: kubecpp-cli}
data:
  greeting: ")",
                        greeting, R"("
  enabled: "true"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: )",
                        deploy, R"(
  labels: {suite: kubecpp-cli}
spec:
  replicas: 2
  selector:
    matchLabels: {app: cli}
  template:
    metadata:
      labels: {app: cli}
    spec:
      containers:
      - name: web
        image: nginx
)");
  };
  std::string file = WriteFile("manifest.yaml", manifest("hello"));
  ToolRun apply = Kubecpp(absl::StrCat("apply -f ", file));
  ASSERT_EQ(apply.exit_code, 0) << apply.output;
  EXPECT_EQ(apply.output, absl::StrCat("configmap/", cm, " serverside-applied\n",
                                       "deployment.apps/", deploy, " serverside-applied\n"));

  ToolRun yaml = Kubecpp(absl::StrCat("get configmap ", cm, " -o yaml"));
  ASSERT_EQ(yaml.exit_code, 0) << yaml.output;
  EXPECT_TRUE(absl::StrContains(yaml.output, "greeting: hello\n")) << yaml.output;
  EXPECT_TRUE(absl::StrContains(yaml.output, "enabled: \"true\"\n")) << yaml.output;  // quoted
  EXPECT_TRUE(absl::StrContains(yaml.output, "manager: kubecpp\n")) << yaml.output;
  EXPECT_TRUE(absl::StrContains(yaml.output, "operation: Apply\n")) << yaml.output;

  ToolRun json = Kubecpp(absl::StrCat("get deploy ", deploy, " -o json --wire json"));
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_TRUE(absl::StrContains(json.output, R"("kind":"Deployment","apiVersion":"apps/v1")"))
      << json.output;
  EXPECT_TRUE(absl::StrContains(json.output, R"("replicas":2)")) << json.output;

  for (const char* wire : {"protobuf", "json"}) {
    ToolRun list =
        Kubecpp(absl::StrCat("get configmaps -l suite=kubecpp-cli -o name --wire ", wire));
    ASSERT_EQ(list.exit_code, 0) << list.output;
    EXPECT_TRUE(absl::StrContains(list.output, absl::StrCat("configmap/", cm, "\n")))
        << list.output;
  }
  ToolRun by_field =
      Kubecpp(absl::StrCat("get cm -A --field-selector metadata.name=", cm, " -o name"));
  ASSERT_EQ(by_field.exit_code, 0) << by_field.output;
  EXPECT_EQ(by_field.output, absl::StrCat("configmap/", cm, "\n"));
  ToolRun listed_yaml = Kubecpp("get cm -l suite=kubecpp-cli -o yaml");
  ASSERT_EQ(listed_yaml.exit_code, 0) << listed_yaml.output;
  EXPECT_TRUE(absl::StrContains(listed_yaml.output, "kind: List\n")) << listed_yaml.output;
  EXPECT_TRUE(absl::StrContains(listed_yaml.output, "kind: ConfigMap\n")) << listed_yaml.output;

  // Another manager changing the same field conflicts, unless it forces.
  std::string changed = WriteFile("changed.yaml", manifest("bonjour"));
  ToolRun conflict = Kubecpp(absl::StrCat("apply -f ", changed, " --field-manager other"));
  EXPECT_EQ(conflict.exit_code, 1) << conflict.output;
  EXPECT_TRUE(absl::StrContains(conflict.output, "conflict")) << conflict.output;
  ToolRun forced =
      Kubecpp(absl::StrCat("apply -f ", changed, " --field-manager other --force-conflicts"));
  EXPECT_EQ(forced.exit_code, 0) << forced.output;
  ToolRun after = Kubecpp(absl::StrCat("get cm ", cm, " -o yaml"));
  EXPECT_TRUE(absl::StrContains(after.output, "greeting: bonjour\n")) << after.output;

  ToolRun deleted = Kubecpp(absl::StrCat("delete -f ", file));
  EXPECT_EQ(deleted.exit_code, 0) << deleted.output;
  EXPECT_EQ(deleted.output, absl::StrCat("configmap \"", cm, "\" deleted\n", "deployment.apps \"",
                                         deploy, "\" deleted\n"));
  ToolRun gone = Kubecpp(absl::StrCat("get configmap ", cm));
  EXPECT_EQ(gone.exit_code, 1) << gone.output;
  EXPECT_TRUE(absl::StrContains(gone.output, "not found")) << gone.output;
}

TEST_F(KubecppTest, DeleteByNameAndOfAMissingObject) {
  const std::string cm = Unique("cli-del");
  std::string file = WriteFile("del.json", absl::StrCat(R"({"apiVersion":"v1","kind":"ConfigMap",)",
                                                        R"("metadata":{"name":")", cm, R"("}})"));
  ASSERT_EQ(Kubecpp(absl::StrCat("apply -f ", file)).exit_code, 0);  // JSON is YAML too
  ToolRun deleted = Kubecpp(absl::StrCat("delete cm ", cm, " -n default"));
  EXPECT_EQ(deleted.exit_code, 0) << deleted.output;
  EXPECT_EQ(deleted.output, absl::StrCat("configmap \"", cm, "\" deleted\n"));
  ToolRun again = Kubecpp(absl::StrCat("delete configmap ", cm));
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_TRUE(absl::StrContains(again.output, absl::StrCat("configmaps \"", cm, "\" not found")))
      << again.output;
}

TEST_F(KubecppTest, BadManifestsAreClearErrors) {
  ToolRun unknown = Kubecpp(absl::StrCat(
      "apply -f ", WriteFile("flurb.yaml", "apiVersion: v1\nkind: Flurb\nmetadata: {name: x}\n")));
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_TRUE(absl::StrContains(unknown.output, "kind Flurb of v1 is not a built-in resource"))
      << unknown.output;
  ToolRun malformed = Kubecpp(absl::StrCat("apply -f ", WriteFile("bad.yaml", "a: [\n")));
  EXPECT_EQ(malformed.exit_code, 1) << malformed.output;
  EXPECT_TRUE(absl::StrContains(malformed.output, "malformed YAML")) << malformed.output;
  ToolRun nameless = Kubecpp(
      absl::StrCat("apply -f ", WriteFile("nameless.yaml", "apiVersion: v1\nkind: ConfigMap\n")));
  EXPECT_EQ(nameless.exit_code, 1) << nameless.output;
  EXPECT_TRUE(absl::StrContains(nameless.output, "needs metadata.name")) << nameless.output;
  ToolRun selector = Kubecpp("get pods -l 'a in ('");
  EXPECT_EQ(selector.exit_code, 1) << selector.output;
  EXPECT_TRUE(absl::StrContains(selector.output, "label selector")) << selector.output;
}

}  // namespace
}  // namespace kube::tool
