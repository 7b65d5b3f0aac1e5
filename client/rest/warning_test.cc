#include "client/rest/warning.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using ::testing::ElementsAre;

TEST(ParseWarningHeaderTest, ApiserverForm) {
  absl::StatusOr<std::vector<Warning>> w =
      ParseWarningHeader(R"(299 - "v1 ComponentStatus is deprecated in v1.19+")");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_THAT(*w, ElementsAre(Warning{299, "-", "v1 ComponentStatus is deprecated in v1.19+"}));
}

TEST(ParseWarningHeaderTest, SeveralWarningsEscapesAndDates) {
  absl::StatusOr<std::vector<Warning>> w = ParseWarningHeader(
      R"(299 - "unknown field \"spec.foo\"", 199 proxy.example:8080 "a, b" "Wed, 21 Oct 2015 07:28:00 GMT" ,, 299 - "back\\slash")");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_THAT(*w, ElementsAre(Warning{299, "-", "unknown field \"spec.foo\""},
                              Warning{199, "proxy.example:8080", "a, b"},
                              Warning{299, "-", "back\\slash"}));
}

TEST(ParseWarningHeaderTest, EmptyValueHasNoWarnings) {
  EXPECT_TRUE(ParseWarningHeader("").value().empty());
  EXPECT_TRUE(ParseWarningHeader(" , ").value().empty());
}

TEST(ParseWarningHeaderTest, RejectsMalformedValues) {
  for (const char* bad :
       {"299", "299 -", "299 - text", "29 - \"x\"", "299  - \"x\"", "299 - \"unterminated",
        "299 - \"x\" junk", "abc - \"x\"", "299 - \"x\" \"date", "299 \"x\""}) {
    EXPECT_FALSE(ParseWarningHeader(bad).ok()) << bad;
  }
}

TEST(ParseWarningHeadersTest, SkipsOnlyTheMalformedValues) {
  EXPECT_THAT(ParseWarningHeaders({R"(299 - "a")", "garbage", R"(299 - "b", 299 - "c")"}),
              ElementsAre(Warning{299, "-", "a"}, Warning{299, "-", "b"}, Warning{299, "-", "c"}));
}

}  // namespace
}  // namespace kube::rest
