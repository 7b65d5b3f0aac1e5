// Runs `kubecpp plugin inspect` (no cluster needed) on the example plugins and on one broken
// test plugin per load-time failure mode: what a plugin declares, or the exact reason it is
// refused with a non-zero exit code.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace kube::tool {
namespace {

struct ToolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

std::string Runfile(const std::string& path) {
  return absl::StrCat(std::getenv("TEST_SRCDIR"), "/", std::getenv("TEST_WORKSPACE"), "/", path);
}

ToolRun Kubecpp(const std::string& args) {
  std::string command = absl::StrCat("'", Runfile("tools/kubecpp/kubecpp"), "' ", args, " 2>&1");
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

std::string Testdata(const std::string& name) {
  return Runfile("plugins/host/testdata/lib" + name + ".so");
}

TEST(PluginInspectTest, DescribesAnIndexPlugin) {
  ToolRun run = Kubecpp("plugin inspect " + Runfile("plugins/examples/libpods_by_node.so"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  for (const char* line :
       {"Name:         pods-by-node\n", "Version:      1.0.0\n",
        "Description:  indexes pods by spec.nodeName\n", "Kind:         index\n",
        "ABI:          1.0 (this host: 1.0)\n", "Concurrency:  concurrent calls on one instance\n",
        "Functions:    init, shutdown, create, destroy, index\n"}) {
    EXPECT_TRUE(absl::StrContains(run.output, line)) << line << run.output;
  }
  EXPECT_TRUE(absl::StrContains(run.output, "SHA-256:      ")) << run.output;
}

TEST(PluginInspectTest, DescribesATransformAndChecksAConfig) {
  ToolRun run =
      Kubecpp("plugin inspect '" + Runfile("plugins/examples/libstrip_metadata.so") + "=a, b/*'");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "Kind:         transform\n")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "Config:       accepted (6 bytes)\n")) << run.output;
}

TEST(PluginInspectTest, ReportsTheExactReasonForARefusal) {
  struct Case {
    std::string args;
    std::string reason;
  };
  const Case cases[] = {
      {Testdata("not_elf"), "not an ELF shared object"},
      {Testdata("no_entry"), "does not export kube_plugin_entry"},
      {Testdata("abi_major_2"),
       "abi_major: plugin built against ABI 2.1, this host speaks ABI 1.0"},
      {Testdata("newer_minor"), "abi_minor: plugin built against ABI 1.1, newer than this host's"},
      {Testdata("missing_function"), "index: NULL (required for an index plugin)"},
      {Testdata("init_fails"), "license file /etc/plugin.lic is missing"},
      {Testdata("create_fails") + "=bogus", "config \"bogus\" is not valid: want key=value"},
      {Runfile("plugins/examples/libpods_by_node.so") + " --sha256 " + std::string(64, 'a'),
       std::string("but ") + std::string(64, 'a') + " is pinned"},
      {Runfile("plugins/examples/libpods_by_node.so") + "@sha256:" + std::string(64, 'b'),
       std::string("but ") + std::string(64, 'b') + " is pinned"},
      {Runfile("plugins/examples/libpods_by_node.so") + " --plugin-dir /tmp",
       "outside the allowed plugin directories [/tmp]"},
      {"/nonexistent/libx.so", "/nonexistent/libx.so"},
  };
  for (const Case& c : cases) {
    ToolRun run = Kubecpp("plugin inspect " + c.args);
    EXPECT_EQ(run.exit_code, 1) << c.args << "\n" << run.output;
    EXPECT_TRUE(absl::StrContains(run.output, c.reason)) << c.args << "\n" << run.output;
    EXPECT_TRUE(absl::StartsWith(run.output, "kubecpp: ") ||
                absl::StrContains(run.output, "Config:       refused"))
        << run.output;
  }
}

TEST(PluginInspectTest, UsageErrors) {
  EXPECT_EQ(Kubecpp("plugin").exit_code, 1);
  EXPECT_EQ(Kubecpp("plugin inspect").exit_code, 1);
  ToolRun run = Kubecpp("watch pods --index");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "--index needs a value")) << run.output;
}

}  // namespace
}  // namespace kube::tool
