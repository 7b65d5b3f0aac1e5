#include "client/meta/labels.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash_testing.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::meta {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using Labels = absl::flat_hash_map<std::string, std::string>;

LabelSelector MustParse(absl::string_view text) {
  absl::StatusOr<LabelSelector> s = LabelSelector::Parse(text);
  EXPECT_TRUE(s.ok()) << "\"" << text << "\": " << s.status();
  return s.ok() ? *s : LabelSelector::Nothing();
}

// ----- Parsing: what apimachinery accepts, and its canonical String() -----

struct CanonicalCase {
  std::string input;
  std::string canonical;
};

class CanonicalFormTest : public ::testing::TestWithParam<CanonicalCase> {};

TEST_P(CanonicalFormTest, ParsesAndPrintsLikeApimachinery) {
  const CanonicalCase& c = GetParam();
  absl::StatusOr<LabelSelector> s = LabelSelector::Parse(c.input);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->String(), c.canonical);
  absl::StatusOr<LabelSelector> again = LabelSelector::Parse(s->String());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *s);
}

INSTANTIATE_TEST_SUITE_P(
    Valid, CanonicalFormTest,
    ::testing::Values(
        CanonicalCase{"", ""}, CanonicalCase{"  \t\r\n ", ""}, CanonicalCase{"x", "x"},
        CanonicalCase{"!x", "!x"}, CanonicalCase{" ! x ", "!x"}, CanonicalCase{"x=a", "x=a"},
        CanonicalCase{"x = a", "x=a"}, CanonicalCase{"x==a", "x==a"}, CanonicalCase{"x!=a", "x!=a"},
        CanonicalCase{"x=", "x="}, CanonicalCase{"x==", "x=="}, CanonicalCase{"x!=", "x!="},
        CanonicalCase{"x=,y", "x=,y"}, CanonicalCase{"x in (b,a)", "x in (a,b)"},
        CanonicalCase{"x in(a)", "x in (a)"},
        CanonicalCase{"x notin (b, a , c)", "x notin (a,b,c)"},
        CanonicalCase{"x in (a,a,b)", "x in (a,b)"}, CanonicalCase{"x in ()", "x in ()"},
        CanonicalCase{"x in (,)", "x in ()"}, CanonicalCase{"x in (a,)", "x in (,a)"},
        CanonicalCase{"x in (,a)", "x in (,a)"}, CanonicalCase{"x in (a,,b)", "x in (,a,b)"},
        // apimachinery v0.37 accepts runs of commas, even before ')'.
        CanonicalCase{"x in (a,,)", "x in (,a)"}, CanonicalCase{"x in (,,)", "x in ()"},
        CanonicalCase{"x>1", "x>1"}, CanonicalCase{"x < 01", "x<01"},
        CanonicalCase{"x>9223372036854775807", "x>9223372036854775807"},
        // Sorted by key, stably: equal keys keep their written order.
        CanonicalCase{"b=1,a=2", "a=2,b=1"}, CanonicalCase{"a=2,a=1", "a=2,a=1"},
        CanonicalCase{"z,!y,x in (1),w=2", "w=2,x in (1),!y,z"},
        // Keywords are ordinary keys and values where a key or value is expected.
        CanonicalCase{"in", "in"}, CanonicalCase{"notin=in", "notin=in"},
        CanonicalCase{"in in (in,notin)", "in in (in,notin)"}, CanonicalCase{"!notin", "!notin"},
        CanonicalCase{"example.com/app=x", "example.com/app=x"},
        CanonicalCase{"app.kubernetes.io/name in (web)", "app.kubernetes.io/name in (web)"},
        CanonicalCase{"A.b-c_d=E_f.g-h", "A.b-c_d=E_f.g-h"},
        // A NUL byte ends the input where a token would start and is skipped right after one.
        CanonicalCase{std::string("a \0junk", 7), "a"},
        CanonicalCase{std::string("a=\0b", 4), "a=b"},
        CanonicalCase{std::string("a\0 ,b", 5), "a,b"}, CanonicalCase{std::string("\0x", 2), ""}));

struct InvalidCase {
  std::string input;
  size_t offset;  // where the error is reported
  std::string message_part;
};

class InvalidSelectorTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidSelectorTest, IsRejectedWithPosition) {
  const InvalidCase& c = GetParam();
  absl::StatusOr<LabelSelector> s = LabelSelector::Parse(c.input);
  ASSERT_FALSE(s.ok()) << "accepted \"" << c.input << "\" as " << s->String();
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr(absl::StrCat("at offset ", c.offset, ":")));
  EXPECT_THAT(s.status().message(), HasSubstr(c.message_part));
}

INSTANTIATE_TEST_SUITE_P(
    Invalid, InvalidSelectorTest,
    ::testing::Values(
        InvalidCase{",", 0, "expected a label key"}, InvalidCase{"a,", 2, "after ','"},
        InvalidCase{",a", 0, "expected a label key"}, InvalidCase{"a,,b", 2, "after ','"},
        InvalidCase{"!", 1, "expected a label key"}, InvalidCase{"!!a", 1, "label key"},
        InvalidCase{"a b", 2, "expected an operator"}, InvalidCase{"a in", 4, "expected '('"},
        InvalidCase{"a in (b", 7, "expected ',' or ')'"},
        InvalidCase{"a in (b c)", 8, "expected ',' or ')'"},
        InvalidCase{"a in (=)", 6, "expected a value"}, InvalidCase{"a in b", 5, "'('"},
        InvalidCase{"a notin", 7, "'('"}, InvalidCase{"a=b=c", 3, "expected ',' or end"},
        InvalidCase{"a=(", 2, "expected a value"}, InvalidCase{"a===b", 3, "expected a value"},
        InvalidCase{"!a=b", 2, "expected ',' or end"},
        InvalidCase{"!a in (b)", 3, "expected ',' or end"}, InvalidCase{"(a)", 0, "label key"},
        InvalidCase{"a)", 1, "expected an operator"}, InvalidCase{"a/b/c", 0, "one '/'"},
        InvalidCase{"/a", 0, "prefix part must be non-empty"},
        InvalidCase{"a/", 0, "name part must be non-empty"},
        InvalidCase{"Example.com/a", 0, "prefix part"}, InvalidCase{"-a", 0, "name part"},
        InvalidCase{"a-", 0, "name part"}, InvalidCase{"a\vb", 0, "name part"},
        InvalidCase{std::string(64, 'k'), 0, "no more than 63"},
        InvalidCase{"a=" + std::string(64, 'v'), 2, "no more than 63"},
        InvalidCase{"a=-b", 2, "label value"}, InvalidCase{"a=b_", 2, "label value"},
        InvalidCase{"a in (b,-c)", 8, "label value"}, InvalidCase{"a>", 1, "must be an integer"},
        InvalidCase{"a>x", 1, "must be an integer"}, InvalidCase{"a>-1", 2, "label value"},
        InvalidCase{"a<9223372036854775808", 1, "must be an integer"},
        InvalidCase{"a>1,", 4, "after ','"}));

TEST(LabelSelectorParseTest, ErrorQuotesTheInputEscaped) {
  absl::StatusOr<LabelSelector> s = LabelSelector::Parse(std::string("a in (\xff", 7));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("\"a in (\\xff\""));
}

TEST(LabelSelectorParseTest, LongestValidKeyAndValue) {
  // 253 characters of prefix are allowed, 254 are not.
  std::string prefix253 = std::string(249, 'p') + ".com";
  ASSERT_EQ(prefix253.size(), 253u);
  EXPECT_TRUE(
      LabelSelector::Parse(prefix253 + "/" + std::string(63, 'n') + "=" + std::string(63, 'v'))
          .ok());
  EXPECT_FALSE(LabelSelector::Parse("p" + prefix253 + "/n").ok());
}

// ----- Requirements -----

TEST(LabelSelectorParseTest, RequirementsAreExposedInCanonicalOrder) {
  LabelSelector s = MustParse("tier in (web,api),app=web,!legacy,n>3");
  ASSERT_EQ(s.requirements().size(), 4u);
  EXPECT_EQ(s.requirements()[0].key(), "app");
  EXPECT_EQ(s.requirements()[0].op(), LabelOperator::kEquals);
  EXPECT_THAT(s.requirements()[0].values(), ElementsAre("web"));
  EXPECT_EQ(s.requirements()[1].key(), "legacy");
  EXPECT_EQ(s.requirements()[1].op(), LabelOperator::kDoesNotExist);
  EXPECT_TRUE(s.requirements()[1].values().empty());
  EXPECT_EQ(s.requirements()[2].key(), "n");
  EXPECT_EQ(s.requirements()[2].op(), LabelOperator::kGreaterThan);
  EXPECT_EQ(s.requirements()[3].key(), "tier");
  EXPECT_EQ(s.requirements()[3].op(), LabelOperator::kIn);
  EXPECT_THAT(s.requirements()[3].values(), ElementsAre("api", "web"));
}

TEST(LabelOperatorNameTest, SpellsLikeSelectionOperator) {
  EXPECT_EQ(LabelOperatorName(LabelOperator::kIn), "in");
  EXPECT_EQ(LabelOperatorName(LabelOperator::kNotIn), "notin");
  EXPECT_EQ(LabelOperatorName(LabelOperator::kEquals), "=");
  EXPECT_EQ(LabelOperatorName(LabelOperator::kDoubleEquals), "==");
  EXPECT_EQ(LabelOperatorName(LabelOperator::kNotEquals), "!=");
  EXPECT_EQ(LabelOperatorName(LabelOperator::kExists), "exists");
  EXPECT_EQ(LabelOperatorName(LabelOperator::kDoesNotExist), "!");
  EXPECT_EQ(LabelOperatorName(LabelOperator::kGreaterThan), "gt");
  EXPECT_EQ(LabelOperatorName(LabelOperator::kLessThan), "lt");
}

TEST(LabelRequirementTest, CreateValidatesLikeNewRequirement) {
  EXPECT_TRUE(LabelRequirement::Create("a", LabelOperator::kIn, {"x", ""}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a", LabelOperator::kIn, {}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a", LabelOperator::kNotIn, {}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a", LabelOperator::kEquals, {}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a", LabelOperator::kEquals, {"x", "y"}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a", LabelOperator::kNotEquals, {"x", "y"}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a", LabelOperator::kExists, {"x"}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a", LabelOperator::kDoesNotExist, {""}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a", LabelOperator::kGreaterThan, {"1", "2"}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a", LabelOperator::kLessThan, {"1.5"}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a b", LabelOperator::kExists, {}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a", LabelOperator::kIn, {"ok", "not ok"}).ok());
  EXPECT_FALSE(LabelRequirement::Create("a", static_cast<LabelOperator>(200), {"x"}).ok());
  absl::StatusOr<LabelRequirement> r =
      LabelRequirement::Create("a", LabelOperator::kIn, {"b", "a", "b"});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->values(), ElementsAre("a", "b", "b"));
  EXPECT_EQ(r->String(), "a in (a,b,b)");
}

// ----- Matching, exactly apimachinery's semantics -----

struct MatchCase {
  std::string selector;
  Labels labels;
  bool matches;
};

class MatchTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(MatchTest, MatchesLikeApimachinery) {
  const MatchCase& c = GetParam();
  LabelSelector s = MustParse(c.selector);
  EXPECT_EQ(s.Matches(c.labels), c.matches) << c.selector;
}

INSTANTIATE_TEST_SUITE_P(
    Semantics, MatchTest,
    ::testing::Values(
        MatchCase{"", {}, true}, MatchCase{"", {{"a", "b"}}, true},
        MatchCase{"a=b", {{"a", "b"}}, true}, MatchCase{"a=b", {{"a", "c"}}, false},
        MatchCase{"a=b", {}, false}, MatchCase{"a==b", {{"a", "b"}}, true},
        MatchCase{"a=", {{"a", ""}}, true}, MatchCase{"a=", {}, false},
        MatchCase{"a!=b", {{"a", "b"}}, false}, MatchCase{"a!=b", {{"a", "c"}}, true},
        MatchCase{"a!=b", {}, true},  // a missing label satisfies !=
        MatchCase{"a in (b,c)", {{"a", "c"}}, true}, MatchCase{"a in (b,c)", {{"a", "d"}}, false},
        MatchCase{"a in (b,c)", {}, false}, MatchCase{"a in ()", {{"a", ""}}, true},
        MatchCase{"a notin (b,c)", {{"a", "b"}}, false},
        MatchCase{"a notin (b,c)", {{"a", "d"}}, true},
        MatchCase{"a notin (b,c)", {}, true},  // and notin
        MatchCase{"a", {{"a", ""}}, true}, MatchCase{"a", {{"b", "a"}}, false},
        MatchCase{"!a", {}, true}, MatchCase{"!a", {{"a", ""}}, false},
        MatchCase{"a>5", {{"a", "6"}}, true}, MatchCase{"a>5", {{"a", "5"}}, false},
        MatchCase{"a>5", {{"a", "+6"}}, true},  // Go's ParseInt takes a sign
        MatchCase{"a>5", {{"a", "-6"}}, false}, MatchCase{"a<5", {{"a", "-6"}}, true},
        MatchCase{"a>5", {{"a", "06"}}, true}, MatchCase{"a>5", {{"a", "six"}}, false},
        MatchCase{"a<5", {{"a", "six"}}, false}, MatchCase{"a<5", {}, false},
        MatchCase{"a>5", {{"a", "99999999999999999999"}}, false},  // out of int64 range
        MatchCase{"a<0", {{"a", "-9223372036854775808"}}, true},
        MatchCase{"a=b,c", {{"a", "b"}, {"c", "x"}}, true}, MatchCase{"a=b,c", {{"a", "b"}}, false},
        MatchCase{"a=1,a=2", {{"a", "1"}}, false},
        MatchCase{"example.com/app=web", {{"example.com/app", "web"}}, true},
        MatchCase{"example.com/app=web", {{"app", "web"}}, false}));

TEST(LabelSelectorTest, NothingMatchesNothingAndEverythingEverything) {
  Labels none;
  Labels some = {{"a", "b"}};
  EXPECT_TRUE(LabelSelector::Everything().Matches(none));
  EXPECT_TRUE(LabelSelector::Everything().Matches(some));
  EXPECT_FALSE(LabelSelector::Nothing().Matches(none));
  EXPECT_FALSE(LabelSelector::Nothing().Matches(some));
  EXPECT_TRUE(LabelSelector::Everything().Empty());
  EXPECT_FALSE(LabelSelector::Nothing().Empty());
  EXPECT_TRUE(LabelSelector::Nothing().IsNothing());
  EXPECT_FALSE(LabelSelector::Everything().IsNothing());
  EXPECT_EQ(LabelSelector::Nothing().String(), "");
  EXPECT_NE(LabelSelector::Nothing(), LabelSelector::Everything());
  EXPECT_EQ(MustParse(""), LabelSelector::Everything());
  EXPECT_FALSE(MustParse("a").Empty());
}

// absl maps are searched with absl::string_view, transparent standard maps with
// std::string_view, the rest with a std::string.
static_assert(labels_internal::kAbslStringHashed<Labels>);
static_assert(!labels_internal::kAbslStringHashed<std::map<std::string, std::string>>);
static_assert(!labels_internal::kAbslStringHashed<std::unordered_map<std::string, std::string>>);

TEST(LabelViewTest, WorksOverEveryKindOfStringMap) {
  LabelSelector s = MustParse("app=web,tier notin (db),!legacy");
  std::map<std::string, std::string> ordered = {{"app", "web"}, {"tier", "fe"}};
  std::map<std::string, std::string, std::less<>> transparent = {{"app", "web"}};
  std::unordered_map<std::string, std::string> unordered = {{"app", "web"}, {"legacy", "1"}};
  Labels flat = {{"app", "db"}};
  EXPECT_TRUE(s.Matches(ordered));
  EXPECT_TRUE(s.Matches(transparent));
  EXPECT_FALSE(s.Matches(unordered));
  EXPECT_FALSE(s.Matches(flat));
}

TEST(LabelViewTest, FromFunctionAsksForEachKeyOnce) {
  LabelSelector s = MustParse("a=1,b in (2,3),!c,d");
  std::vector<std::string> asked;
  auto lookup = [&](absl::string_view key) -> std::optional<absl::string_view> {
    asked.emplace_back(key);
    if (key == "a") return "1";
    if (key == "b") return "3";
    if (key == "d") return "";
    return std::nullopt;
  };
  EXPECT_TRUE(s.Matches(LabelView::FromFunction(lookup)));
  EXPECT_THAT(asked, ElementsAre("a", "b", "c", "d"));
}

TEST(LabelViewTest, StopsAtTheFirstFailingRequirement) {
  LabelSelector s = MustParse("a=1,b=2");
  int calls = 0;
  auto lookup = [&](absl::string_view) -> std::optional<absl::string_view> {
    ++calls;
    return std::nullopt;
  };
  EXPECT_FALSE(s.Matches(LabelView::FromFunction(lookup)));
  EXPECT_EQ(calls, 1);
}

// ----- Indexer support -----

TEST(LabelSelectorTest, RequiresExactMatchLikeApimachinery) {
  EXPECT_EQ(MustParse("a=b").RequiresExactMatch("a"), "b");
  EXPECT_EQ(MustParse("a==b").RequiresExactMatch("a"), "b");
  EXPECT_EQ(MustParse("a in (b)").RequiresExactMatch("a"), "b");
  EXPECT_EQ(MustParse("a=").RequiresExactMatch("a"), "");
  EXPECT_EQ(MustParse("x,a=b,z").RequiresExactMatch("a"), "b");
  EXPECT_EQ(MustParse("a in (b,c)").RequiresExactMatch("a"), std::nullopt);
  EXPECT_EQ(MustParse("a!=b").RequiresExactMatch("a"), std::nullopt);
  EXPECT_EQ(MustParse("a notin (b)").RequiresExactMatch("a"), std::nullopt);
  EXPECT_EQ(MustParse("a").RequiresExactMatch("a"), std::nullopt);
  EXPECT_EQ(MustParse("a=b").RequiresExactMatch("b"), std::nullopt);
  // Only the first requirement on the key decides (apimachinery's behaviour).
  EXPECT_EQ(MustParse("a,a=b").RequiresExactMatch("a"), std::nullopt);
  EXPECT_EQ(MustParse("a=b,a").RequiresExactMatch("a"), "b");
  EXPECT_EQ(LabelSelector::Nothing().RequiresExactMatch("a"), std::nullopt);
}

// ----- Building selectors -----

TEST(LabelSelectorTest, FromSetIsValidatedAndSorted) {
  absl::StatusOr<LabelSelector> s = LabelSelector::FromSet(Labels{{"b", "2"}, {"a", "1"}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->String(), "a=1,b=2");
  EXPECT_TRUE(s->Matches(Labels{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_FALSE(s->Matches(Labels{{"a", "1"}}));
  EXPECT_FALSE(LabelSelector::FromSet(Labels{{"a", "bad value"}}).ok());
  EXPECT_FALSE(LabelSelector::FromSet(Labels{{"bad key", "v"}}).ok());
  absl::StatusOr<LabelSelector> empty = LabelSelector::FromSet(Labels{});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->Empty());
}

TEST(LabelSelectorTest, AddKeepsCanonicalOrderAndLeavesTheOriginal) {
  LabelSelector base = MustParse("a=1,c=3");
  absl::StatusOr<LabelRequirement> b = LabelRequirement::Create("b", LabelOperator::kExists, {});
  absl::StatusOr<LabelRequirement> a2 =
      LabelRequirement::Create("a", LabelOperator::kNotEquals, {"2"});
  ASSERT_TRUE(b.ok() && a2.ok());
  LabelSelector added = base.Add(*b).Add(*a2);
  EXPECT_EQ(added.String(), "a=1,a!=2,b,c=3");
  EXPECT_EQ(base.String(), "a=1,c=3");
  EXPECT_TRUE(LabelSelector::Nothing().Add(*b).IsNothing());
  EXPECT_EQ(MustParse(added.String()), added);
}

TEST(LabelSelectorTest, EqualityAndHashFollowTheCanonicalForm) {
  EXPECT_EQ(MustParse("b=1, a in (y,x)"), MustParse("a in (x,y),b=1"));
  EXPECT_NE(MustParse("a=1"), MustParse("a==1"));
  EXPECT_NE(MustParse("a=1,a=2"), MustParse("a=2,a=1"));
  EXPECT_TRUE(absl::VerifyTypeImplementsAbslHashCorrectly({
      LabelSelector::Everything(),
      LabelSelector::Nothing(),
      MustParse("a"),
      MustParse("!a"),
      MustParse("a=1"),
      MustParse("a==1"),
      MustParse("a in (1,2)"),
      MustParse("a notin (1,2)"),
      MustParse("a>1"),
      MustParse("a=1,b=2"),
  }));
  absl::flat_hash_set<LabelSelector> set = {MustParse("x=1,y=2"), MustParse("y=2,x=1")};
  EXPECT_EQ(set.size(), 1u);
}

}  // namespace
}  // namespace kube::meta
