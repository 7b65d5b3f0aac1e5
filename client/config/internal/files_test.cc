#include "client/config/internal/files.h"

#include <unistd.h>

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::config::internal {
namespace {

using ::testing::HasSubstr;

TEST(CleanPath, BehavesLikeGoFilepathClean) {
  EXPECT_EQ(CleanPath("/a/b/../c"), "/a/c");
  EXPECT_EQ(CleanPath("/a/./b//c/"), "/a/b/c");
  EXPECT_EQ(CleanPath("/../a"), "/a");
  EXPECT_EQ(CleanPath("a/../.."), "..");
  EXPECT_EQ(CleanPath("../../a"), "../../a");
  EXPECT_EQ(CleanPath(""), ".");
  EXPECT_EQ(CleanPath("/"), "/");
  EXPECT_EQ(CleanPath("./"), ".");
}

TEST(JoinPath, JoinsAndCleans) {
  EXPECT_EQ(JoinPath("/etc/kube", "ca.crt"), "/etc/kube/ca.crt");
  EXPECT_EQ(JoinPath("/etc/kube/", "../pki/ca.crt"), "/etc/pki/ca.crt");
  EXPECT_EQ(JoinPath("/", "x"), "/x");
}

TEST(AbsoluteDirOf, UsesTheCurrentDirectoryForRelativePaths) {
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof(cwd)), nullptr);
  absl::StatusOr<std::string> dir = AbsoluteDirOf("sub/config");
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*dir, CleanPath(std::string(cwd) + "/sub"));
  EXPECT_EQ(*AbsoluteDirOf("config"), CleanPath(cwd));
  EXPECT_EQ(*AbsoluteDirOf("/a/b/../c/config"), "/a/c");
}

TEST(ReadSmallFile, EnforcesTheLimitAndNamesTheFile) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp != nullptr ? tmp : "/tmp") + "/files_test_small";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("0123456789", f);
  std::fclose(f);
  EXPECT_EQ(*ReadSmallFile(path, 10, "thing"), "0123456789");
  absl::StatusOr<std::string> too_big = ReadSmallFile(path, 9, "thing");
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_big.status().message(), HasSubstr("thing " + path));
  absl::StatusOr<std::string> missing = ReadSmallFile(path + ".missing", 10, "thing");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(CheckReadable(path, "thing").ok());
  EXPECT_EQ(CheckReadable(path + ".missing", "thing").code(), absl::StatusCode::kNotFound);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace kube::config::internal
