// Runs the kubecpp binary against the real apiserver with the testenv kubeconfig and checks what
// a user would see.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json.hpp"
#include "client/api/builtin_kinds.h"
#include "client/api/registry.h"
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

  // Runfile: the absolute path of a data dependency.
  static std::string Runfile(const std::string& path) {
    return absl::StrCat(std::getenv("TEST_SRCDIR"), "/", std::getenv("TEST_WORKSPACE"), "/", path);
  }

  // Post creates an object from JSON through `kubecpp raw POST`.
  ToolRun Post(const std::string& path, const std::string& json) {
    const std::string file = absl::StrCat(std::getenv("TEST_TMPDIR"), "/post-", ++posts_, ".json");
    std::ofstream(file) << json;
    return Kubecpp(absl::StrCat("raw POST ", path, " -f ", file));
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
  int posts_ = 0;
};

// Lines splits a tool's output into its non-empty lines.
std::vector<std::string> Lines(const std::string& output) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (!line.empty()) lines.emplace_back(line);
  }
  return lines;
}

// PluginWatchTest works in a namespace of its own, with pods bound to nodes directly
// (spec.nodeName; no scheduler or kubelet runs, the apiserver accepts it and the pods stay
// Pending).
class PluginWatchTest : public KubecppTest {
 protected:
  void SetUp() override {
    KubecppTest::SetUp();
    if (HasFatalFailure()) return;
    ns_ =
        absl::StrCat("kubecpp-plugins-", getpid(), "-", absl::ToUnixMicros(absl::Now()) % 1000000);
    ToolRun created =
        Post("/api/v1/namespaces",
             absl::StrCat(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")", ns_,
                          R"("}})"));
    ASSERT_EQ(created.exit_code, 0) << created.output;
  }
  void TearDown() override {
    if (ns_.empty()) return;
    // No kubelet runs to finish a graceful deletion of a bound pod, and no namespace
    // controller empties a deleted namespace: delete the pods at once, then the namespace.
    (void)Kubecpp(
        absl::StrCat("raw DELETE '/api/v1/namespaces/", ns_, "/pods?gracePeriodSeconds=0'"));
    (void)Kubecpp(absl::StrCat("raw DELETE /api/v1/namespaces/", ns_));
  }
  void CreatePod(const std::string& name, const std::string& node) {
    ToolRun run =
        Post(absl::StrCat("/api/v1/namespaces/", ns_, "/pods"),
             absl::StrCat(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")", name,
                          R"("},"spec":{)",
                          node.empty() ? "" : absl::StrCat(R"("nodeName":")", node, R"(",)"),
                          R"("containers":[{"name":"c","image":"busybox"}]}})"));
    ASSERT_EQ(run.exit_code, 0) << run.output;
  }
  // ListOnNode: "ns/name" of the pods a fresh LIST with fieldSelector spec.nodeName=NODE returns.
  std::vector<std::string> ListOnNode(const std::string& node) {
    ToolRun run = Kubecpp(absl::StrCat("raw GET '/api/v1/namespaces/", ns_,
                                       "/pods?fieldSelector=spec.nodeName%3D", node, "'"));
    EXPECT_EQ(run.exit_code, 0) << run.output;
    std::vector<std::string> keys;
    boost::system::error_code error;
    boost::json::value list = boost::json::parse(run.output, error);
    EXPECT_FALSE(error) << run.output;
    if (error) return keys;
    for (const boost::json::value& item : list.at("items").as_array()) {
      const auto& meta = item.at("metadata");
      keys.push_back(absl::StrCat(std::string(meta.at("namespace").as_string()), "/",
                                  std::string(meta.at("name").as_string())));
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  std::string ns_;
};

// The acceptance case: `kubecpp watch pods --plugin libpods_by_node.so --index by-node=X`
// answers "pods on node X" from the informer's cache, matching a fresh field-selector LIST.
TEST_F(PluginWatchTest, PodsByNodeIndexMatchesAFieldSelectorList) {
  CreatePod("web-0", "node-a");
  CreatePod("web-1", "node-b");
  CreatePod("web-2", "node-a");
  CreatePod("pending", "");
  const std::string plugin = Runfile("plugins/examples/libpods_by_node.so");
  for (const std::string node : {"node-a", "node-b", "node-c"}) {
    SCOPED_TRACE(node);
    ToolRun run = Kubecpp(absl::StrCat("watch pods -n ", ns_, " --plugin ", plugin,
                                       " --index pods-by-node=", node, " --timeout 30"));
    ASSERT_EQ(run.exit_code, 0) << run.output;
    std::vector<std::string> from_cache;
    for (const std::string& line : Lines(run.output)) {
      if (absl::StartsWith(line, ns_ + "/")) from_cache.push_back(line);
    }
    EXPECT_EQ(from_cache, ListOnNode(node)) << run.output;
  }
  EXPECT_EQ(ListOnNode("node-a"), (std::vector<std::string>{ns_ + "/web-0", ns_ + "/web-2"}));

  // Without a value: every (node, pod) pair; --index-value is the long form of NAME=VALUE.
  ToolRun all = Kubecpp(absl::StrCat("watch pods -n ", ns_, " --plugin=", plugin,
                                     " --index pods-by-node --timeout 30"));
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_TRUE(absl::StrContains(all.output, absl::StrCat("node-a ", ns_, "/web-0\n")))
      << all.output;
  EXPECT_TRUE(absl::StrContains(all.output, absl::StrCat("node-a ", ns_, "/web-2\n")))
      << all.output;
  EXPECT_TRUE(absl::StrContains(all.output, absl::StrCat("node-b ", ns_, "/web-1\n")))
      << all.output;
  EXPECT_FALSE(absl::StrContains(all.output, "pending")) << all.output;
  ToolRun long_form = Kubecpp(absl::StrCat("watch pods -n ", ns_, " --plugin ", plugin,
                                           " --index pods-by-node --index-value node-b"));
  ASSERT_EQ(long_form.exit_code, 0) << long_form.output;
  EXPECT_TRUE(absl::StrContains(long_form.output, absl::StrCat("\n", ns_, "/web-1\n")))
      << long_form.output;
}

// A transform and an index in one informer; the built-in namespace index is there too.
TEST_F(PluginWatchTest, TransformAndIndexTogether) {
  CreatePod("web-0", "node-a");
  ToolRun run = Kubecpp(
      absl::StrCat("watch pods -n ", ns_, " --plugin ",
                   Runfile("plugins/examples/libstrip_metadata.so"), "='example.com/*' --plugin ",
                   Runfile("plugins/examples/libpods_by_node.so"), " --index namespace=", ns_));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, absl::StrCat("\n", ns_, "/web-0\n"))) << run.output;
}

TEST_F(PluginWatchTest, PluginFailuresAreClearAndPerObjectErrorsAreWarnings) {
  CreatePod("web-0", "node-a");
  CreatePod("bad-0", "node-a");
  // Refused at load: a clear error, exit code 1, no informer output.
  ToolRun refused =
      Kubecpp(absl::StrCat("watch pods -n ", ns_, " --plugin ",
                           Runfile("plugins/host/testdata/libabi_major_2.so"), " --index x"));
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(absl::StrContains(refused.output, "abi_major: plugin built against ABI 2.1"))
      << refused.output;
  ToolRun bad_config = Kubecpp(absl::StrCat("watch pods -n ", ns_, " --plugin ",
                                            Runfile("plugins/examples/libpods_by_node.so"),
                                            "=unexpected --index pods-by-node"));
  EXPECT_EQ(bad_config.exit_code, 1) << bad_config.output;
  EXPECT_TRUE(absl::StrContains(bad_config.output, "pods-by-node takes no config"))
      << bad_config.output;
  ToolRun unknown_index = Kubecpp(absl::StrCat("watch pods -n ", ns_, " --plugin ",
                                               Runfile("plugins/examples/libpods_by_node.so"),
                                               " --index by-node=node-a"));
  EXPECT_EQ(unknown_index.exit_code, 1) << unknown_index.output;
  EXPECT_TRUE(absl::StrContains(unknown_index.output,
                                "no index \"by-node\"; this informer has: namespace, pods-by-node"))
      << unknown_index.output;

  // A SHA-256 pin, per plugin or with --sha256 for the only one, is enforced, never ignored.
  const std::string wrong(64, 'a');
  for (const std::string& pin :
       {absl::StrCat(Runfile("plugins/examples/libpods_by_node.so"), "@sha256:", wrong),
        absl::StrCat(Runfile("plugins/examples/libpods_by_node.so"), " --sha256 ", wrong)}) {
    ToolRun pinned = Kubecpp(
        absl::StrCat("watch pods -n ", ns_, " --plugin ", pin, " --index pods-by-node=node-a"));
    EXPECT_EQ(pinned.exit_code, 1) << pinned.output;
    EXPECT_TRUE(absl::StrContains(pinned.output, absl::StrCat("but ", wrong, " is pinned")))
        << pinned.output;
  }
  ToolRun ambiguous = Kubecpp(absl::StrCat(
      "watch pods -n ", ns_, " --plugin ", Runfile("plugins/examples/libpods_by_node.so"),
      " --plugin ", Runfile("plugins/examples/libstrip_metadata.so"), " --sha256 ", wrong));
  EXPECT_EQ(ambiguous.exit_code, 1) << ambiguous.output;
  EXPECT_TRUE(absl::StrContains(ambiguous.output, "--sha256 is ambiguous with 2 plugins"))
      << ambiguous.output;

  // An index function failing for one object: a warning, the rest of the answer is right.
  ToolRun partial = Kubecpp(absl::StrCat("watch pods -n ", ns_, " --plugin ",
                                         Runfile("plugins/host/testdata/libindex_fails.so"),
                                         " --index index-fails"));
  EXPECT_EQ(partial.exit_code, 0) << partial.output;
  EXPECT_TRUE(absl::StrContains(
      partial.output, absl::StrCat("warning: index \"index-fails\" failed for ", ns_, "/bad-0")))
      << partial.output;
  EXPECT_TRUE(absl::StrContains(partial.output, absl::StrCat("web-0 ", ns_, "/web-0\n")))
      << partial.output;
  EXPECT_TRUE(absl::StrContains(partial.output, "synced 2 pods")) << partial.output;
}

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

// `kubecpp watch` has a typed watch for every resource kind of the registry: each one syncs
// against the real apiserver and prints its count.
TEST_F(KubecppTest, WatchEveryRegisteredResourceKind) {
  int kinds = 0;
  for (const api::KindInfo* kind : api::DefaultRegistry().kinds()) {
    if (kind->resource.empty()) continue;
    ++kinds;
    const std::string name =
        kind->group.empty() ? kind->resource : absl::StrCat(kind->resource, ".", kind->group);
    ToolRun run = Kubecpp(absl::StrCat("watch ", name, " -A --until-synced --timeout 30"));
    EXPECT_EQ(run.exit_code, 0) << name << ": " << run.output;
    EXPECT_TRUE(absl::StrContains(run.output, absl::StrCat("synced ")))
        << name << ": " << run.output;
  }
  EXPECT_GE(kinds, 26);
}

TEST_F(KubecppTest, WatchPrintsOneLinePerCachedObject) {
  ToolRun run = Kubecpp("watch namespaces -l kubernetes.io/metadata.name=default --timeout 1");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "ADDED default ")) << run.output;
  EXPECT_FALSE(absl::StrContains(run.output, "ADDED kube-system")) << run.output;
}

// clusterroles have no generated type in kubecpp: found through discovery, watched as
// PartialObjectMetadata.
TEST_F(KubecppTest, WatchMetadataOnlyOfAResourceWithoutAType) {
  ToolRun run = Kubecpp(
      "watch clusterrole --metadata-only -l kubernetes.io/bootstrapping=rbac-defaults --timeout "
      "1");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "ADDED cluster-admin ")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "synced ")) << run.output;
  run = Kubecpp("watch flurbs --metadata-only");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "no resource \"flurbs\"")) << run.output;
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
