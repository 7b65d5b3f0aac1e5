// LabelView over google::protobuf::Map, the type of a generated message's `labels` field: the
// informers match selectors against objects' metadata without copying their labels. (The
// :labels library itself does not depend on protobuf; only this test does.)
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "client/meta/labels.h"
#include "google/protobuf/map.h"
#include "gtest/gtest.h"

namespace kube::meta {
namespace {

TEST(LabelViewProtobufTest, MatchesAProtobufMapInPlace) {
  google::protobuf::Map<std::string, std::string> labels;
  labels["app.kubernetes.io/name"] = "web";
  labels["tier"] = "frontend";
  labels["generation"] = "7";

  LabelView view(labels);
  std::optional<absl::string_view> tier = view.Get("tier");
  ASSERT_TRUE(tier.has_value());
  EXPECT_EQ(*tier, "frontend");
  // The view points into the map's own storage: no copy was made.
  EXPECT_EQ(tier->data(), labels.at("tier").data());
  EXPECT_FALSE(view.Get("missing").has_value());

  absl::StatusOr<LabelSelector> s =
      LabelSelector::Parse("app.kubernetes.io/name=web,tier in (frontend,backend),generation>3,!x");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->Matches(labels));
  labels["x"] = "";
  EXPECT_FALSE(s->Matches(labels));
}

}  // namespace
}  // namespace kube::meta
