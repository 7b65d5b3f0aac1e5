// The plugin flags: a SHA-256 pin is applied to the plugin it names and never dropped.
#include "tools/kubecpp/plugin_flags.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::tool {
namespace {

using ::testing::HasSubstr;

const std::string kA(64, 'a');
const std::string kB(64, 'b');

PluginFlags Parse(const std::vector<std::string>& args) {
  PluginFlags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    EXPECT_TRUE(IsPluginFlag(arg)) << arg;
    absl::Status s = ParsePluginFlag(
        arg,
        [&](absl::string_view name) -> absl::StatusOr<std::string> {
          if (arg.size() > name.size()) return arg.substr(name.size() + 1);
          return args.at(++i);
        },
        flags);
    EXPECT_TRUE(s.ok()) << s;
  }
  return flags;
}

TEST(PluginUsesOfTest, ShaFlagPinsTheOnlyPlugin) {
  PluginFlags flags = Parse({"--plugin", "/p/a.so=cfg", "--sha256", kA});
  absl::StatusOr<std::vector<plugins::PluginUse>> uses = PluginUsesOf(flags.plugins, flags.sha256);
  ASSERT_TRUE(uses.ok()) << uses.status();
  ASSERT_EQ(uses->size(), 1u);
  EXPECT_EQ((*uses)[0].path, "/p/a.so");
  EXPECT_EQ((*uses)[0].config, "cfg");
  EXPECT_EQ((*uses)[0].sha256, kA);
}

TEST(PluginUsesOfTest, PerPluginPins) {
  PluginFlags flags = Parse({"--plugin=/p/a.so@sha256:" + kA + "=x", "--plugin",
                             "/p/b.so@sha256:" + kB, "--plugin", "/p/c.so"});
  absl::StatusOr<std::vector<plugins::PluginUse>> uses = PluginUsesOf(flags.plugins, flags.sha256);
  ASSERT_TRUE(uses.ok()) << uses.status();
  ASSERT_EQ(uses->size(), 3u);
  EXPECT_EQ((*uses)[0].path, "/p/a.so");
  EXPECT_EQ((*uses)[0].sha256, kA);
  EXPECT_EQ((*uses)[0].config, "x");
  EXPECT_EQ((*uses)[1].path, "/p/b.so");
  EXPECT_EQ((*uses)[1].sha256, kB);
  EXPECT_EQ((*uses)[2].sha256, "");
}

TEST(PluginUsesOfTest, AmbiguousOrConflictingPinsAreErrors) {
  PluginFlags two = Parse({"--plugin", "/p/a.so", "--plugin", "/p/b.so", "--sha256", kA});
  absl::StatusOr<std::vector<plugins::PluginUse>> uses = PluginUsesOf(two.plugins, two.sha256);
  EXPECT_EQ(uses.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(uses.status().message(), HasSubstr("ambiguous with 2 plugins"));

  PluginFlags none = Parse({"--sha256", kA});
  EXPECT_EQ(PluginUsesOf(none.plugins, none.sha256).status().code(),
            absl::StatusCode::kInvalidArgument);

  PluginFlags conflict = Parse({"--plugin", "/p/a.so@sha256:" + kA, "--sha256", kB});
  uses = PluginUsesOf(conflict.plugins, conflict.sha256);
  EXPECT_EQ(uses.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(uses.status().message(), HasSubstr("pinned to"));

  // The same digest both ways (any case) is fine.
  std::string upper = kA;
  for (char& c : upper) c = 'A';
  PluginFlags same = Parse({"--plugin", "/p/a.so@sha256:" + upper, "--sha256", kA});
  EXPECT_TRUE(PluginUsesOf(same.plugins, same.sha256).ok());
}

}  // namespace
}  // namespace kube::tool
