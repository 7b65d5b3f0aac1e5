#include "plugins/host/field_path.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::plugins {
namespace {

using ::testing::HasSubstr;
using Kind = FieldPath::Element::Kind;

TEST(FieldPathTest, ParsesDottedFields) {
  absl::StatusOr<FieldPath> path = FieldPath::Parse("spec.nodeName");
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, FieldPath().Field("spec").Field("nodeName"));
}

TEST(FieldPathTest, ParsesIndexesAndKeys) {
  absl::StatusOr<FieldPath> path = FieldPath::Parse("metadata.ownerReferences[12].kind");
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, FieldPath().Field("metadata").Field("ownerReferences").Index(12).Field("kind"));

  path = FieldPath::Parse("metadata.labels['app.kubernetes.io/name']");
  ASSERT_TRUE(path.ok()) << path.status();
  ASSERT_EQ(path->elements().size(), 3u);
  EXPECT_EQ(path->elements()[2].kind, Kind::kKey);
  EXPECT_EQ(path->elements()[2].name, "app.kubernetes.io/name");

  path = FieldPath::Parse(R"(metadata.annotations["a\"b\\c'd"])");
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(path->elements()[2].name, R"(a"b\c'd)");

  path = FieldPath::Parse("data['']");
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(path->elements()[1].name, "");
}

TEST(FieldPathTest, StringIsCanonicalAndRoundTrips) {
  for (const char* text : {"spec.nodeName", "a[0].b", "metadata.labels['x.y/z']", R"(m["q'\\"])",
                           "x-kubernetes-foo[3][4]['k']"}) {
    absl::StatusOr<FieldPath> path = FieldPath::Parse(text);
    ASSERT_TRUE(path.ok()) << text << ": " << path.status();
    absl::StatusOr<FieldPath> again = FieldPath::Parse(path->String());
    ASSERT_TRUE(again.ok()) << path->String() << ": " << again.status();
    EXPECT_EQ(*again, *path) << text;
  }
  EXPECT_EQ(FieldPath::Parse(R"(m["q'\\"])")->String(), R"(m['q\'\\'])");
}

TEST(FieldPathTest, RejectsMalformedPathsWithTheOffset) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"", "empty"},
           {".spec", "expected a field name at offset 0"},
           {"spec..x", "expected a field name at offset 5"},
           {"spec.", "expected a field name after '.'"},
           {"[0]", "expected a field name at offset 0"},
           {"a[", "unterminated '['"},
           {"a[x]", "expected an index or a quoted key"},
           {"a[01]", "leading 0"},
           {"a[1", "expected ']'"},
           {"a[-1]", "expected an index"},
           {"a['k'", "expected ']'"},
           {"a['k", "unterminated quoted key"},
           {"a['\\n']", "unknown escape"},
           {"a b", "unexpected ' '"},
           {"a[99999999999]", "index too large"},
       }) {
    absl::StatusOr<FieldPath> path = FieldPath::Parse(c.text);
    ASSERT_FALSE(path.ok()) << c.text;
    EXPECT_EQ(path.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(path.status().message(), HasSubstr(c.message)) << c.text;
  }
  EXPECT_FALSE(FieldPath::Parse(std::string(FieldPath::kMaxLength + 1, 'a')).ok());
}

TEST(FieldPathTest, HasPrefixComparesWholeElements) {
  const FieldPath managed = *FieldPath::Parse("metadata.managedFields");
  EXPECT_TRUE(FieldPath::Parse("metadata.managedFields[0].manager")->HasPrefix(managed));
  EXPECT_TRUE(managed.HasPrefix(managed));
  EXPECT_FALSE(FieldPath::Parse("metadata.managedFieldsX")->HasPrefix(managed));
  EXPECT_FALSE(FieldPath::Parse("metadata")->HasPrefix(managed));
  EXPECT_TRUE(managed.HasPrefix(FieldPath()));
}

}  // namespace
}  // namespace kube::plugins
