#include "client/meta/internal/go_compat.h"

#include <cstdint>
#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace kube::meta::internal {
namespace {

TEST(ParseGoInt64Test, AcceptsWhatStrconvParseIntAccepts) {
  EXPECT_EQ(ParseGoInt64("0"), 0);
  EXPECT_EQ(ParseGoInt64("42"), 42);
  EXPECT_EQ(ParseGoInt64("007"), 7);
  EXPECT_EQ(ParseGoInt64("+5"), 5);
  EXPECT_EQ(ParseGoInt64("-5"), -5);
  EXPECT_EQ(ParseGoInt64("-0"), 0);
  EXPECT_EQ(ParseGoInt64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseGoInt64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ParseGoInt64("000000000000000000000000000009223372036854775807"), INT64_MAX);
}

TEST(ParseGoInt64Test, RejectsTheRest) {
  for (const char* s :
       {"", "+", "-", "--1", "+-1", "1_000", "0x10", "1.0", "1e3", " 1", "1 ",
        "9223372036854775808", "-9223372036854775809", "99999999999999999999", "١"}) {
    EXPECT_EQ(ParseGoInt64(s), std::nullopt) << s;
  }
}

TEST(GoRuneWidthTest, ValidSequences) {
  EXPECT_EQ(GoRuneWidth("a").width, 1u);
  EXPECT_TRUE(GoRuneWidth("a").valid);
  EXPECT_EQ(GoRuneWidth("\xc3\xa9").width, 2u);
  EXPECT_EQ(GoRuneWidth("\xe2\x82\xac").width, 3u);
  EXPECT_EQ(GoRuneWidth("\xf0\x9f\x98\x80").width, 4u);
  EXPECT_TRUE(GoRuneWidth("\xf4\x8f\xbf\xbf").valid);  // U+10FFFF
}

TEST(GoRuneWidthTest, InvalidSequencesAreOneByte) {
  for (std::string s :
       {std::string("\x80"), std::string("\xc0\x80"), std::string("\xc1\xbf"), std::string("\xc3"),
        std::string("\xc3("), std::string("\xe0\x80\x80"), std::string("\xed\xa0\x80"),
        std::string("\xe2\x82"), std::string("\xf0\x80\x80\x80"), std::string("\xf4\x90\x80\x80"),
        std::string("\xf5\x80\x80\x80"), std::string("\xff")}) {
    GoRune r = GoRuneWidth(s);
    EXPECT_FALSE(r.valid) << s.size();
    EXPECT_EQ(r.width, 1u);
  }
}

}  // namespace
}  // namespace kube::meta::internal
