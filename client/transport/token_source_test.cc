#include "client/transport/token_source.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/testing/fake_clock.h"
#include "gtest/gtest.h"

namespace kube::transport {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/", name);
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  ASSERT_TRUE(out.good()) << path;
}

class CachedFileTokenSourceTest : public ::testing::Test {
 protected:
  kube::testing::FakeClock clock_;
};

TEST_F(CachedFileTokenSourceTest, ReadsAndTrimsTheToken) {
  const std::string path = TempPath("trim-token");
  WriteFile(path, "  abc123\n");
  CachedFileTokenSource source(path, {.clock = &clock_});
  absl::StatusOr<std::string> token = source.Token();
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, "abc123");
}

TEST_F(CachedFileTokenSourceTest, ReReadsOnlyAfterThePeriod) {
  const std::string path = TempPath("rotating-token");
  WriteFile(path, "first");
  CachedFileTokenSource source(path, {.period = absl::Minutes(1), .clock = &clock_});
  EXPECT_EQ(source.Token().value_or(""), "first");

  WriteFile(path, "second");
  clock_.Advance(absl::Seconds(59));
  EXPECT_EQ(source.Token().value_or(""), "first") << "re-read before the period ended";

  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(source.Token().value_or(""), "second");
}

TEST_F(CachedFileTokenSourceTest, LastGoodReadWinsWhenTheFileBreaks) {
  const std::string path = TempPath("breaking-token");
  WriteFile(path, "good");
  CachedFileTokenSource source(path, {.clock = &clock_});
  EXPECT_EQ(source.Token().value_or(""), "good");

  WriteFile(path, "\n");  // empty: a rotation half done
  clock_.Advance(absl::Minutes(2));
  EXPECT_EQ(source.Token().value_or(""), "good");

  std::remove(path.c_str());
  clock_.Advance(absl::Minutes(2));
  EXPECT_EQ(source.Token().value_or(""), "good");

  // The file is tried again on every call until a read succeeds.
  WriteFile(path, "fixed");
  EXPECT_EQ(source.Token().value_or(""), "fixed");
}

TEST_F(CachedFileTokenSourceTest, FirstReadFailureIsAnError) {
  CachedFileTokenSource missing(TempPath("no-such-token"), {.clock = &clock_});
  absl::StatusOr<std::string> token = missing.Token();
  EXPECT_EQ(token.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(token.status().message().find("no-such-token"), std::string::npos);

  const std::string empty_path = TempPath("empty-token");
  WriteFile(empty_path, "   \n");
  CachedFileTokenSource empty(empty_path, {.clock = &clock_});
  EXPECT_EQ(empty.Token().status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kube::transport
