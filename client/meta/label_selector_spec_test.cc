#include "client/meta/label_selector_spec.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "client/meta/labels.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::meta {
namespace {

using ::testing::HasSubstr;
using Labels = absl::flat_hash_map<std::string, std::string>;

TEST(LabelSelectorFromSpecTest, NullSelectsNothingAndEmptySelectsEverything) {
  absl::StatusOr<LabelSelector> null = LabelSelectorFromSpec(nullptr);
  ASSERT_TRUE(null.ok());
  EXPECT_TRUE(null->IsNothing());
  EXPECT_FALSE(null->Matches(Labels{}));

  LabelSelectorSpec empty;
  absl::StatusOr<LabelSelector> all = LabelSelectorFromSpec(&empty);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->Empty());
  EXPECT_TRUE(all->Matches(Labels{{"a", "b"}}));
}

TEST(LabelSelectorFromSpecTest, ConvertsEveryOperatorInCanonicalOrder) {
  LabelSelectorSpec spec;
  spec.match_labels = {{"zone", ""}, {"app", "web"}};
  spec.match_expressions = {
      {"tier", "In", {"web", "api"}},
      {"env", "NotIn", {"prod"}},
      {"app", "Exists", {}},
      {"legacy", "DoesNotExist", {}},
  };
  absl::StatusOr<LabelSelector> s = LabelSelectorFromSpec(spec);
  ASSERT_TRUE(s.ok()) << s.status();
  // matchLabels come before expressions on the same key.
  EXPECT_EQ(s->String(), "app=web,app,env notin (prod),!legacy,tier in (api,web),zone=");
  EXPECT_TRUE(s->Matches(Labels{{"app", "web"}, {"tier", "api"}, {"zone", ""}}));
  EXPECT_FALSE(s->Matches(Labels{{"app", "web"}, {"tier", "api"}}));
  EXPECT_FALSE(s->Matches(Labels{{"app", "web"}, {"tier", "api"}, {"zone", ""}, {"legacy", "y"}}));
  EXPECT_FALSE(s->Matches(Labels{{"app", "web"}, {"tier", "api"}, {"zone", ""}, {"env", "prod"}}));
  // The canonical form parses back to the same selector.
  EXPECT_EQ(*LabelSelector::Parse(s->String()), *s);
}

TEST(LabelSelectorFromSpecTest, KeepsDuplicateValuesLikeApimachinery) {
  LabelSelectorSpec spec;
  spec.match_expressions = {{"tier", "In", {"web", "api", "web"}}};
  absl::StatusOr<LabelSelector> s = LabelSelectorFromSpec(spec);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->String(), "tier in (api,web,web)");
}

TEST(LabelSelectorFromSpecTest, RejectsInvalidSpecs) {
  auto error_of = [](LabelSelectorSpec spec) {
    absl::StatusOr<LabelSelector> s = LabelSelectorFromSpec(spec);
    EXPECT_FALSE(s.ok());
    return std::string(s.status().message());
  };
  EXPECT_THAT(error_of({{}, {{"a", "Equals", {"x"}}}}),
              HasSubstr("\"Equals\" is not a valid label selector operator"));
  EXPECT_THAT(error_of({{}, {{"a", "in", {"x"}}}}),
              HasSubstr("not a valid label selector operator"));
  EXPECT_THAT(error_of({{}, {{"a", "In", {}}}}), HasSubstr("can't be empty"));
  EXPECT_THAT(error_of({{}, {{"a", "Exists", {"x"}}}}), HasSubstr("must be empty"));
  EXPECT_THAT(error_of({{}, {{"bad key", "Exists", {}}}}), HasSubstr("invalid label key"));
  EXPECT_THAT(error_of({{{"a", "bad value"}}, {}}), HasSubstr("invalid label value"));
}

}  // namespace
}  // namespace kube::meta
