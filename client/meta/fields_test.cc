#include "client/meta/fields.h"

#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash_testing.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/meta/testing/selector_corpus.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::meta {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

FieldSelector MustParse(absl::string_view text) {
  absl::StatusOr<FieldSelector> s = FieldSelector::Parse(text);
  EXPECT_TRUE(s.ok()) << "\"" << text << "\": " << s.status();
  return s.ok() ? *s : FieldSelector::Nothing();
}

struct ParseCase {
  std::string input;
  std::string canonical;
  std::vector<FieldRequirement> requirements;
};

class FieldParseTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(FieldParseTest, ParsesLikeApimachinery) {
  const ParseCase& c = GetParam();
  absl::StatusOr<FieldSelector> s = FieldSelector::Parse(c.input);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->String(), c.canonical);
  EXPECT_THAT(s->requirements(), ::testing::ElementsAreArray(c.requirements));
  absl::StatusOr<FieldSelector> again = FieldSelector::Parse(s->String());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *s);
}

constexpr FieldOperator kEq = FieldOperator::kEquals;
constexpr FieldOperator kNe = FieldOperator::kNotEquals;

INSTANTIATE_TEST_SUITE_P(
    Valid, FieldParseTest,
    ::testing::Values(
        ParseCase{"", "", {}}, ParseCase{",", "", {}}, ParseCase{",,", "", {}},
        ParseCase{"a=b", "a=b", {{"a", kEq, "b"}}}, ParseCase{"a==b", "a=b", {{"a", kEq, "b"}}},
        ParseCase{"a!=b", "a!=b", {{"a", kNe, "b"}}}, ParseCase{"a=", "a=", {{"a", kEq, ""}}},
        ParseCase{",a=b,", "a=b", {{"a", kEq, "b"}}},
        ParseCase{"b=1,a=2", "a=2,b=1", {{"a", kEq, "2"}, {"b", kEq, "1"}}},
        ParseCase{"a=x,a!=y", "a!=y,a=x", {{"a", kNe, "y"}, {"a", kEq, "x"}}},
        ParseCase{"a=b\\,c", "a=b\\,c", {{"a", kEq, "b,c"}}},
        ParseCase{"a=b\\=c", "a=b\\=c", {{"a", kEq, "b=c"}}},
        ParseCase{"a=b\\\\c", "a=b\\\\c", {{"a", kEq, "b\\c"}}},
        ParseCase{"a=b\\,", "a=b\\,", {{"a", kEq, "b,"}}},
        // '!' is plain data in values and in field names.
        ParseCase{"a=!b", "a=!b", {{"a", kEq, "!b"}}},
        ParseCase{"a=b!c", "a=b!c", {{"a", kEq, "b!c"}}},
        ParseCase{"a!b=c", "a!b=c", {{"a!b", kEq, "c"}}},
        // Field names are verbatim: not validated, not unescaped, whitespace kept.
        ParseCase{"=x", "=x", {{"", kEq, "x"}}},
        // A term with neither field nor value is dropped (apimachinery's Transform does that
        // while parsing).
        ParseCase{"=", "", {}}, ParseCase{"==", "", {}}, ParseCase{"!=", "", {}},
        ParseCase{"!=,a=b,==", "a=b", {{"a", kEq, "b"}}},
        ParseCase{" a = b", " a = b", {{" a ", kEq, " b"}}},
        ParseCase{"a\\,b=c", "a\\,b=c", {{"a\\,b", kEq, "c"}}},
        ParseCase{"spec.nodeName=node-1,status.phase!=Running",
                  "spec.nodeName=node-1,status.phase!=Running",
                  {{"spec.nodeName", kEq, "node-1"}, {"status.phase", kNe, "Running"}}},
        // Invalid UTF-8 survives when the value needs no unescaping, and becomes U+FFFD
        // when it does (apimachinery's UnescapeValue).
        ParseCase{"a=\xff", "a=\xff", {{"a", kEq, "\xff"}}},
        ParseCase{"a=\\,\xff", "a=\\,\xef\xbf\xbd", {{"a", kEq, ",\xef\xbf\xbd"}}},
        ParseCase{"a=\\,\xc3\xa9", "a=\\,\xc3\xa9", {{"a", kEq, ",\xc3\xa9"}}}));

struct InvalidCase {
  std::string input;
  size_t offset;
  std::string message_part;
};

class FieldInvalidTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(FieldInvalidTest, IsRejectedWithPosition) {
  const InvalidCase& c = GetParam();
  absl::StatusOr<FieldSelector> s = FieldSelector::Parse(c.input);
  ASSERT_FALSE(s.ok()) << "accepted \"" << c.input << "\" as " << s->String();
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr(absl::StrCat("at offset ", c.offset, ":")));
  EXPECT_THAT(s.status().message(), HasSubstr(c.message_part));
}

INSTANTIATE_TEST_SUITE_P(
    Invalid, FieldInvalidTest,
    ::testing::Values(InvalidCase{"a", 0, "no operator"}, InvalidCase{"a=b,c", 4, "no operator"},
                      InvalidCase{"a=,b", 3, "no operator"}, InvalidCase{"a!b", 0, "no operator"},
                      InvalidCase{"a=b=c", 3, "unescaped '='"},
                      InvalidCase{"a!=b=c", 4, "unescaped '='"},
                      InvalidCase{"a=b!=c", 4, "unescaped '='"},
                      InvalidCase{"a==b=c", 4, "unescaped '='"},
                      InvalidCase{"a=b\\", 3, "trailing"},
                      InvalidCase{"x=1,a=b\\x", 7, "invalid escape sequence \"\\x\""},
                      InvalidCase{"a=\\!", 2, "invalid escape"},
                      InvalidCase{"a=\\\xc3\xa9", 2, "\"\\\\xc3\\xa9\""}));

TEST(FieldSelectorTest, MissingFieldsReadAsEmpty) {
  auto fields = [](absl::string_view f) -> std::optional<std::string> {
    if (f == "spec.nodeName") return "node-1";
    if (f == "status.phase") return "";
    return std::nullopt;
  };
  EXPECT_TRUE(MustParse("spec.nodeName=node-1").Matches(fields));
  EXPECT_FALSE(MustParse("spec.nodeName=node-2").Matches(fields));
  EXPECT_TRUE(MustParse("spec.nodeName!=node-2").Matches(fields));
  EXPECT_TRUE(MustParse("missing=").Matches(fields));
  EXPECT_FALSE(MustParse("missing!=").Matches(fields));
  EXPECT_TRUE(MustParse("missing!=x").Matches(fields));
  EXPECT_FALSE(MustParse("missing=x").Matches(fields));
  EXPECT_TRUE(MustParse("status.phase=").Matches(fields));
  EXPECT_TRUE(MustParse("spec.nodeName=node-1,status.phase=").Matches(fields));
  EXPECT_FALSE(MustParse("spec.nodeName=node-1,status.phase=x").Matches(fields));
  EXPECT_TRUE(FieldSelector::Everything().Matches(fields));
  EXPECT_FALSE(FieldSelector::Nothing().Matches(fields));

  FieldSet set = {{"metadata.name", "a,b"}};
  EXPECT_TRUE(MustParse("metadata.name=a\\,b").Matches(set));
  EXPECT_TRUE(MustParse("metadata.namespace=").Matches(set));
  EXPECT_FALSE(MustParse("metadata.namespace!=").Matches(set));
  EXPECT_FALSE(FieldSelector::Nothing().Matches(set));

  // A std::function converts too.
  std::function<std::optional<std::string>(absl::string_view)> fn = fields;
  EXPECT_TRUE(MustParse("spec.nodeName=node-1").Matches(fn));
}

TEST(FieldSelectorTest, RequiresExactMatchLikeApimachinery) {
  EXPECT_EQ(MustParse("spec.nodeName=n1").RequiresExactMatch("spec.nodeName"), "n1");
  EXPECT_EQ(MustParse("spec.nodeName==n1").RequiresExactMatch("spec.nodeName"), "n1");
  EXPECT_EQ(MustParse("a=1,spec.nodeName=n\\,1").RequiresExactMatch("spec.nodeName"), "n,1");
  EXPECT_EQ(MustParse("spec.nodeName!=n1").RequiresExactMatch("spec.nodeName"), std::nullopt);
  EXPECT_EQ(MustParse("spec.nodeName!=n1,spec.nodeName=n2").RequiresExactMatch("spec.nodeName"),
            "n2");
  EXPECT_EQ(MustParse("a=1").RequiresExactMatch("b"), std::nullopt);
  EXPECT_EQ(FieldSelector::Nothing().RequiresExactMatch("a"), std::nullopt);
}

TEST(FieldSelectorTest, EverythingNothingAndBuilders) {
  EXPECT_TRUE(FieldSelector::Everything().Empty());
  EXPECT_FALSE(FieldSelector::Nothing().Empty());
  EXPECT_TRUE(FieldSelector::Nothing().IsNothing());
  EXPECT_EQ(FieldSelector::Nothing().String(), "");
  EXPECT_NE(FieldSelector::Nothing(), FieldSelector::Everything());
  EXPECT_EQ(MustParse(""), FieldSelector::Everything());

  FieldSelector from_set = FieldSelector::FromSet({{"b", "x=y"}, {"a", "1"}});
  EXPECT_EQ(from_set.String(), "a=1,b=x\\=y");
  EXPECT_EQ(MustParse(from_set.String()), from_set);
  FieldSelector built = FieldSelector::FromRequirements(
      {{"z", FieldOperator::kNotEquals, ""}, {"y", FieldOperator::kEquals, "\\"}});
  EXPECT_EQ(built.String(), "y=\\\\,z!=");
}

TEST(FieldSelectorTest, EqualityAndHash) {
  EXPECT_EQ(MustParse("b=1,a==2"), MustParse("a=2,b=1"));
  EXPECT_NE(MustParse("a=1"), MustParse("a!=1"));
  EXPECT_TRUE(absl::VerifyTypeImplementsAbslHashCorrectly(
      {FieldSelector::Everything(), FieldSelector::Nothing(), MustParse("a=1"), MustParse("a!=1"),
       MustParse("a=1,b=2"), MustParse("a=1\\,b\\=2"), MustParse("=a")}));
  absl::flat_hash_set<FieldSelector> set = {MustParse("x=1,y=2"), MustParse("y=2,x==1")};
  EXPECT_EQ(set.size(), 1u);
}

TEST(FieldEscapingTest, EscapeAndUnescape) {
  EXPECT_EQ(EscapeFieldValue("a\\b,c=d!e"), "a\\\\b\\,c\\=d!e");
  absl::StatusOr<std::string> v = UnescapeFieldValue("a\\\\b\\,c\\=d!e");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "a\\b,c=d!e");
  EXPECT_FALSE(UnescapeFieldValue("a,b").ok());
  EXPECT_FALSE(UnescapeFieldValue("a=b").ok());
  EXPECT_FALSE(UnescapeFieldValue("a\\").ok());
  EXPECT_FALSE(UnescapeFieldValue("a\\!").ok());
  EXPECT_EQ(*UnescapeFieldValue("plain \xff"), "plain \xff");
  EXPECT_EQ(*UnescapeFieldValue("\\\\\xff"), "\\\xef\xbf\xbd");
}

TEST(FieldSelectorFuzzTest, GrammarBuiltAndMutatedInputsRoundTrip) {
  constexpr int kInputs = 20000;
  int accepted = 0;
  for (const std::string& input : testing::FieldSelectorCorpus(/*seed=*/5, kInputs)) {
    absl::StatusOr<FieldSelector> s = FieldSelector::Parse(input);
    if (!s.ok()) {
      EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
      continue;
    }
    ++accepted;
    std::string canonical = s->String();
    absl::StatusOr<FieldSelector> again = FieldSelector::Parse(canonical);
    ASSERT_TRUE(again.ok()) << absl::CHexEscape(input) << " -> " << absl::CHexEscape(canonical)
                            << ": " << again.status();
    EXPECT_EQ(*again, *s) << absl::CHexEscape(input);
    EXPECT_EQ(again->String(), canonical);
  }
  EXPECT_GT(accepted, kInputs / 10);
  EXPECT_LT(accepted, kInputs * 9 / 10);
}

TEST(FieldEscapingFuzzTest, UnescapeInvertsEscapeForValidUtf8) {
  std::mt19937 rng(6);
  constexpr char kAlphabet[] = "ab\\,=!\xc3\xa9 ";
  for (int i = 0; i < 5000; ++i) {
    std::string value;
    int n = std::uniform_int_distribution<int>(0, 12)(rng);
    for (int j = 0; j < n; ++j) {
      size_t k = std::uniform_int_distribution<size_t>(0, sizeof(kAlphabet) - 2)(rng);
      if (kAlphabet[k] == '\xc3') {
        value += "\xc3\xa9";
      } else if (kAlphabet[k] != '\xa9') {
        value.push_back(kAlphabet[k]);
      }
    }
    absl::StatusOr<std::string> back = UnescapeFieldValue(EscapeFieldValue(value));
    ASSERT_TRUE(back.ok()) << absl::CHexEscape(value);
    EXPECT_EQ(*back, value);
  }
}

}  // namespace
}  // namespace kube::meta
