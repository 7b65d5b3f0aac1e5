// Runs the kubecpp binary against the real apiserver with the testenv kubeconfig and checks what
// a user would see.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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
  EXPECT_TRUE(absl::StrContains(run.output, "403")) << run.output;
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

// clusterroles have no generated type in kubecpp: found through discovery, watched as
// PartialObjectMetadata.
TEST_F(KubecppTest, WatchMetadataOnlyOfAResourceWithoutAType) {
  ToolRun run = Kubecpp(
      "watch clusterrole --metadata-only -l kubernetes.io/bootstrapping=rbac-defaults --timeout 1");
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

}  // namespace
}  // namespace kube::tool
