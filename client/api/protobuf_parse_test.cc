#include "client/api/protobuf_parse.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "client/api/core/v1/container.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/api/testing/empty_strings.h"
#include "client/api/testing/sample_objects.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace kube::api {
namespace {

namespace pb = ::google::protobuf;
using ::kube::api::core::v1::Pod;
using ::kube::api::testing::ClearEmptyStrings;
using ::kube::api::testing::SetEmptyStrings;

Pod Reference(const std::string& wire) {
  Pod pod;
  EXPECT_TRUE(pod.ParseFromString(wire));
  ClearEmptyStrings(&pod);
  return pod;
}

bool Equal(const pb::Message& a, const pb::Message& b) {
  return pb::util::MessageDifferencer::Equals(a, b);
}

TEST(ParseWithoutEmptyStringsTest, EmptySingularStringsAreLeftUnset) {
  Pod pod = testing::RichPod("default", "web");
  pod.mutable_metadata()->set_generatename("");
  pod.mutable_spec()->set_hostname("");
  pod.mutable_spec()->mutable_containers(0)->set_workingdir("");
  const std::string wire = pod.SerializeAsString();

  Pod parsed;
  ASSERT_TRUE(ParseWithoutEmptyStrings(wire, &parsed));
  EXPECT_FALSE(parsed.metadata().has_generatename());
  EXPECT_FALSE(parsed.spec().has_hostname());
  EXPECT_FALSE(parsed.spec().containers(0).has_workingdir());
  EXPECT_EQ(parsed.spec().hostname(), "");  // reads as before
  EXPECT_EQ(parsed.metadata().name(), "web");
  EXPECT_TRUE(Equal(parsed, Reference(wire)));
}

TEST(ParseWithoutEmptyStringsTest, EqualsThePlainParseWithoutEmptyStringsAtEveryDepth) {
  Pod pod = testing::RichPod("team-a", "api-7d9c8b6f5-x2x9q");
  // Many containers make the enclosing lengths need two-byte varints, which then shrink.
  for (int i = 0; i < 20; ++i) *pod.mutable_spec()->add_containers() = pod.spec().containers(0);
  SetEmptyStrings(&pod, /*keep_zero_too=*/true);
  const std::string wire = pod.SerializeAsString();
  ASSERT_GT(pod.spec().ByteSizeLong(), 16384u);  // a three-byte length varint

  Pod parsed;
  ASSERT_TRUE(ParseWithoutEmptyStrings(wire, &parsed));
  const Pod reference = Reference(wire);
  EXPECT_TRUE(Equal(parsed, reference));
  EXPECT_LT(parsed.SpaceUsedLong(), Pod(pod).SpaceUsedLong());
  // Nothing left to drop: the same object again.
  Pod again;
  ASSERT_TRUE(ParseWithoutEmptyStrings(parsed.SerializeAsString(), &again));
  EXPECT_TRUE(Equal(again, reference));
}

TEST(ParseWithoutEmptyStringsTest, RepeatedElementsAndMapEntriesAreKept) {
  Pod pod;
  pod.mutable_metadata()->add_finalizers("");
  pod.mutable_metadata()->add_finalizers("example.com/cleanup");
  (*pod.mutable_metadata()->mutable_labels())["empty-value"] = "";
  (*pod.mutable_metadata()->mutable_labels())[""] = "empty-key";
  pod.mutable_metadata()->set_name("");
  const std::string wire = pod.SerializeAsString();

  Pod parsed;
  ASSERT_TRUE(ParseWithoutEmptyStrings(wire, &parsed));
  ASSERT_EQ(parsed.metadata().finalizers_size(), 2);
  EXPECT_EQ(parsed.metadata().finalizers(0), "");
  EXPECT_EQ(parsed.metadata().labels().size(), 2u);
  EXPECT_EQ(parsed.metadata().labels().at("empty-value"), "");
  EXPECT_EQ(parsed.metadata().labels().at(""), "empty-key");
  EXPECT_FALSE(parsed.metadata().has_name());
}

TEST(ParseWithoutEmptyStringsTest, FieldsJsonWritesWhenEmptyKeepTheirEmptyValue) {
  // A gRPC probe's service is a Go *string: "" is a value, and the server's JSON says
  // "service": "". A container's name has no omitempty. Both stay set, as a JSON read has them.
  Pod pod;
  kube::api::core::v1::Container* container = pod.mutable_spec()->add_containers();
  container->set_name("");
  container->mutable_readinessprobe()->mutable_handler()->mutable_grpc()->set_service("");
  container->set_workingdir("");  // omitempty: dropped
  const std::string wire = pod.SerializeAsString();

  Pod parsed;
  ASSERT_TRUE(ParseWithoutEmptyStrings(wire, &parsed));
  const kube::api::core::v1::Container& got = parsed.spec().containers(0);
  EXPECT_TRUE(got.has_name());
  EXPECT_TRUE(got.readinessprobe().handler().grpc().has_service());
  EXPECT_FALSE(got.has_workingdir());
  EXPECT_TRUE(Equal(parsed, Reference(wire)));
}

// Appends field `number` with wire type 2 and `payload` to `out`.
void AppendLengthDelimited(int number, const std::string& payload, std::string* out) {
  out->push_back(static_cast<char>((number << 3) | 2));
  out->push_back(static_cast<char>(payload.size()));
  out->append(payload);
}

TEST(ParseWithoutEmptyStringsTest, UnknownFieldsAreKeptEvenWhenEmpty) {
  kube::api::meta::v1::ObjectMeta meta;
  meta.set_name("web");
  meta.set_namespace_("");
  std::string meta_wire = meta.SerializeAsString();
  AppendLengthDelimited(15, "", &meta_wire);  // not an ObjectMeta field: unknown
  Pod pod;
  std::string wire;
  AppendLengthDelimited(1, meta_wire, &wire);  // Pod.metadata

  ASSERT_TRUE(ParseWithoutEmptyStrings(wire, &pod));
  EXPECT_EQ(pod.metadata().name(), "web");
  EXPECT_FALSE(pod.metadata().has_namespace_());
  const pb::UnknownFieldSet& unknown =
      pod.metadata().GetReflection()->GetUnknownFields(pod.metadata());
  ASSERT_EQ(unknown.field_count(), 1);
  EXPECT_EQ(unknown.field(0).number(), 15);
  EXPECT_EQ(unknown.field(0).length_delimited(), "");
}

TEST(ParseWithoutEmptyStringsTest, GroupsAreParsedAsGivenThenClearedTheSameWay) {
  Pod pod = testing::RichPod("default", "web");
  pod.mutable_metadata()->set_generatename("");
  std::string wire = pod.SerializeAsString();
  wire.push_back(static_cast<char>((10 << 3) | 3));  // start group 10 (unknown)
  wire.push_back(static_cast<char>((10 << 3) | 4));  // end group 10
  Pod parsed;
  Pod plain;
  ASSERT_TRUE(plain.ParseFromString(wire));
  ASSERT_TRUE(ParseWithoutEmptyStrings(wire, &parsed));
  // Not rewritten (a group): parsed as given, then the same empty strings cleared.
  ClearEmptyStrings(&plain);
  EXPECT_TRUE(Equal(parsed, plain));
  EXPECT_FALSE(parsed.metadata().has_generatename());
}

TEST(ParseWithoutEmptyStringsTest, FailsExactlyWhenParseFromArrayFails) {
  Pod pod = testing::RichPod("default", "web");
  SetEmptyStrings(&pod, /*keep_zero_too=*/true);
  const std::string wire = pod.SerializeAsString();
  for (size_t cut = 0; cut <= wire.size(); ++cut) {
    const std::string prefix = wire.substr(0, cut);
    Pod plain;
    Pod parsed;
    const bool plain_ok = plain.ParseFromString(prefix);
    ASSERT_EQ(ParseWithoutEmptyStrings(prefix, &parsed), plain_ok) << "prefix of " << cut;
    if (plain_ok) {
      ClearEmptyStrings(&plain);
      EXPECT_TRUE(Equal(parsed, plain)) << "prefix of " << cut;
    }
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes = wire;
    for (int flips = 0; flips < 3; ++flips) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    Pod plain;
    Pod parsed;
    ASSERT_EQ(ParseWithoutEmptyStrings(bytes, &parsed), plain.ParseFromString(bytes))
        << "round " << round;
  }
}

}  // namespace
}  // namespace kube::api
