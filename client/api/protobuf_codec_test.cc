#include "client/api/protobuf_codec.h"

#include <string>

#include "client/api/apps/v1/apps.pb.h"
#include "client/api/builtin_kinds.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/meta/v1/options.pb.h"
#include "client/api/meta/v1/status.pb.h"
#include "client/api/protobuf_envelope.h"
#include "client/api/runtime/runtime.pb.h"
#include "client/api/testing/sample_objects.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace kube::api {
namespace {

namespace core = ::kube::api::core::v1;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

class ProtobufCodecTest : public ::testing::Test {
 protected:
  ProtobufCodec codec_{DefaultRegistry()};
};

TEST_F(ProtobufCodecTest, EncodeWritesTheEnvelope) {
  core::Pod pod = testing::RichPod("ns", "p");
  absl::StatusOr<std::string> body = codec_.Encode(pod);
  ASSERT_TRUE(body.ok()) << body.status();
  ASSERT_EQ(body->substr(0, 4), std::string("k8s\0", 4));
  runtime::Unknown unknown;
  ASSERT_TRUE(unknown.ParseFromString(body->substr(4)));
  EXPECT_EQ(unknown.typemeta().apiversion(), "v1");
  EXPECT_EQ(unknown.typemeta().kind(), "Pod");
  EXPECT_TRUE(unknown.has_contentencoding());
  EXPECT_TRUE(unknown.contentencoding().empty());
  EXPECT_TRUE(unknown.has_contenttype());
  core::Pod inner;
  ASSERT_TRUE(inner.ParseFromString(unknown.raw()));
  EXPECT_TRUE(MessageDifferencer::Equals(inner, pod));
}

TEST_F(ProtobufCodecTest, DecodeFindsTheKind) {
  apps::v1::Deployment deployment;
  deployment.mutable_metadata()->set_name("web");
  deployment.mutable_spec()->set_replicas(0);
  absl::StatusOr<std::string> body = codec_.Encode(deployment);
  ASSERT_TRUE(body.ok());
  absl::StatusOr<DecodedObject> decoded = codec_.Decode(*body);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->kind->kind, "Deployment");
  EXPECT_EQ(decoded->kind->api_version, "apps/v1");
  auto* out = dynamic_cast<apps::v1::Deployment*>(decoded->message.get());
  ASSERT_NE(out, nullptr);
  EXPECT_TRUE(out->spec().has_replicas());
  EXPECT_TRUE(MessageDifferencer::Equals(*out, deployment));
}

TEST_F(ProtobufCodecTest, ListsAreOneEnvelope) {
  core::ConfigMapList list;
  list.mutable_metadata()->set_resourceversion("42");
  list.add_items()->mutable_metadata()->set_name("a");
  list.add_items()->mutable_metadata()->set_name("b");
  absl::StatusOr<std::string> body = codec_.Encode(list);
  ASSERT_TRUE(body.ok());
  absl::StatusOr<ProtobufEnvelope> envelope = UnwrapProtobuf(*body);
  ASSERT_TRUE(envelope.ok());
  EXPECT_EQ(envelope->kind, "ConfigMapList");
  core::ConfigMapList out;
  ASSERT_TRUE(codec_.DecodeInto(*body, &out).ok());
  EXPECT_EQ(out.items_size(), 2);
  EXPECT_EQ(out.items(1).metadata().name(), "b");
}

TEST_F(ProtobufCodecTest, UnknownFieldsSurviveDecodeEncode) {
  core::Pod pod = testing::RichPod("ns", "p");
  std::string raw = pod.SerializeAsString();
  // A top-level field from the future, and one nested in spec.containers[0].
  google::protobuf::UnknownFieldSet future;
  future.AddVarint(9999, 7);
  std::string suffix;
  future.SerializeToString(&suffix);
  core::Pod nested = pod;
  nested.mutable_spec()->mutable_containers(0)->mutable_unknown_fields()->AddLengthDelimited(
      777, "later");
  std::string body = WrapProtobuf("v1", "Pod", nested.SerializeAsString() + suffix);

  core::Pod decoded;
  ASSERT_TRUE(codec_.DecodeInto(body, &decoded).ok());
  absl::StatusOr<std::string> again = codec_.Encode(decoded);
  ASSERT_TRUE(again.ok());
  absl::StatusOr<ProtobufEnvelope> envelope = UnwrapProtobuf(*again);
  ASSERT_TRUE(envelope.ok());
  core::Pod reparsed;
  ASSERT_TRUE(reparsed.ParseFromString(envelope->raw));
  const auto& top = reparsed.unknown_fields();
  ASSERT_EQ(top.field_count(), 1);
  EXPECT_EQ(top.field(0).number(), 9999);
  EXPECT_EQ(top.field(0).varint(), 7u);
  const auto& inner = reparsed.spec().containers(0).unknown_fields();
  ASSERT_EQ(inner.field_count(), 1);
  EXPECT_EQ(inner.field(0).number(), 777);
  EXPECT_EQ(inner.field(0).length_delimited(), "later");
}

TEST_F(ProtobufCodecTest, WrongMagicIsRejected) {
  core::Pod pod;
  absl::Status status = codec_.DecodeInto("{\"kind\":\"Pod\"}", &pod);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("magic"));
  EXPECT_FALSE(codec_.Decode("").ok());
  EXPECT_FALSE(codec_.Decode("k8s").ok());
  EXPECT_FALSE(codec_.Decode(std::string("k9s\0", 4)).ok());
}

TEST_F(ProtobufCodecTest, TruncatedBodiesAreRejected) {
  absl::StatusOr<std::string> body = codec_.Encode(testing::RichPod("ns", "p"));
  ASSERT_TRUE(body.ok());
  // Cutting the envelope anywhere after the magic must fail cleanly (or, where the cut falls
  // between fields of the outer message, decode what is there without crashing).
  int failures = 0;
  for (size_t cut = 4; cut < body->size(); cut += 7) {
    if (!codec_.Decode(body->substr(0, cut)).ok()) ++failures;
  }
  EXPECT_GT(failures, 0);
  absl::StatusOr<DecodedObject> half = codec_.Decode(body->substr(0, body->size() / 2));
  EXPECT_EQ(half.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ProtobufCodecTest, WrongKindIsReportedWithBothNames) {
  core::ConfigMap cm;
  cm.mutable_metadata()->set_name("c");
  absl::StatusOr<std::string> body = codec_.Encode(cm);
  ASSERT_TRUE(body.ok());
  core::Pod pod;
  absl::Status status = codec_.DecodeInto(*body, &pod);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("v1 ConfigMap, not v1 Pod"));
}

TEST_F(ProtobufCodecTest, UnregisteredKindsAreNotFound) {
  EXPECT_EQ(codec_.Decode(WrapProtobuf("example.com/v1", "Widget", "")).status().code(),
            absl::StatusCode::kNotFound);
  meta::v1::ListOptions not_a_kind;
  EXPECT_EQ(codec_.Encode(not_a_kind).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ProtobufCodecTest, ContentEncodingsAreRefused) {
  runtime::Unknown unknown;
  unknown.mutable_typemeta()->set_apiversion("v1");
  unknown.mutable_typemeta()->set_kind("Pod");
  unknown.set_contentencoding("gzip");
  std::string body = std::string(kProtobufMagic) + unknown.SerializeAsString();
  EXPECT_EQ(codec_.Decode(body).status().code(), absl::StatusCode::kUnimplemented);
}

TEST_F(ProtobufCodecTest, WatchEventsCarryAnEnvelope) {
  core::ConfigMap cm;
  cm.mutable_metadata()->set_name("watched");
  absl::StatusOr<std::string> object = codec_.Encode(cm);
  ASSERT_TRUE(object.ok());
  meta::v1::WatchEvent event;
  event.set_type("MODIFIED");
  event.mutable_object()->set_raw(*object);
  absl::StatusOr<DecodedWatchEvent> decoded = codec_.DecodeWatchEvent(event.SerializeAsString());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->type, WatchEventType::kModified);
  EXPECT_EQ(dynamic_cast<core::ConfigMap&>(*decoded->object.message).metadata().name(), "watched");

  meta::v1::Status status;
  status.set_status("Failure");
  status.set_code(410);
  status.set_reason("Expired");
  event.set_type("ERROR");
  event.mutable_object()->set_raw(*codec_.Encode(status));
  decoded = codec_.DecodeWatchEvent(event.SerializeAsString());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->type, WatchEventType::kError);
  EXPECT_EQ(dynamic_cast<meta::v1::Status&>(*decoded->object.message).code(), 410);

  event.set_type("RENAMED");
  EXPECT_EQ(codec_.DecodeWatchEvent(event.SerializeAsString()).status().code(),
            absl::StatusCode::kInvalidArgument);
  event.set_type("ADDED");
  event.mutable_object()->set_raw("garbage");
  EXPECT_FALSE(codec_.DecodeWatchEvent(event.SerializeAsString()).ok());
  EXPECT_FALSE(codec_.DecodeWatchEvent("\xff\xff\xff").ok());
}

TEST_F(ProtobufCodecTest, EncodingIsDeterministic) {
  core::Pod pod = testing::RichPod("ns", "p");
  for (int i = 0; i < 20; ++i) (*pod.mutable_metadata()->mutable_labels())[std::to_string(i)] = "v";
  absl::StatusOr<std::string> a = codec_.Encode(pod);
  core::Pod copy;
  ASSERT_TRUE(codec_.DecodeInto(*a, &copy).ok());
  absl::StatusOr<std::string> b = codec_.Encode(copy);
  EXPECT_EQ(*a, *b);
}

}  // namespace
}  // namespace kube::api
