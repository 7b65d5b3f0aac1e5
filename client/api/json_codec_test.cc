#include "client/api/json_codec.h"

#include <string>

#include "client/api/builtin_kinds.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/meta/v1/status.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::api {
namespace {

namespace core = ::kube::api::core::v1;
using ::testing::HasSubstr;

class JsonCodecTest : public ::testing::Test {
 protected:
  JsonCodec codec_{DefaultRegistry()};
};

TEST_F(JsonCodecTest, EncodeWritesTypeMetaFirst) {
  core::ConfigMap cm;
  cm.mutable_metadata()->set_name("c");
  (*cm.mutable_data())["k"] = "v";
  absl::StatusOr<std::string> body = codec_.Encode(cm);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body,
            R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c"},"data":{"k":"v"}})");
  EXPECT_EQ(codec_.content_type(), "application/json");
}

TEST_F(JsonCodecTest, DecodeFindsTheKind) {
  absl::StatusOr<DecodedObject> decoded = codec_.Decode(
      R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3}})");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->kind->resource, "deployments");
  EXPECT_EQ(decoded->message->GetDescriptor()->name(), "Deployment");
}

TEST_F(JsonCodecTest, DecodeIntoAcceptsMissingTypeMetaButNotAnotherKind) {
  core::Pod pod;
  ASSERT_TRUE(codec_.DecodeInto(R"({"metadata":{"name":"p"}})", &pod).ok());
  EXPECT_EQ(pod.metadata().name(), "p");
  absl::Status status = codec_.DecodeInto(
      R"({"kind":"Status","apiVersion":"v1","status":"Failure","code":404})", &pod);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("v1 Status, not v1 Pod"));
}

TEST_F(JsonCodecTest, DecodeNeedsAKnownKind) {
  EXPECT_EQ(codec_.Decode(R"({"metadata":{}})").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(codec_.Decode(R"({"kind":"Pod"})").status().code(), absl::StatusCode::kNotFound);
  // The apiserver sends /api's APIVersions without an apiVersion.
  absl::StatusOr<DecodedObject> versions =
      codec_.Decode(R"({"kind":"APIVersions","versions":["v1"]})");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_EQ(versions->message->GetDescriptor()->name(), "APIVersions");
  EXPECT_EQ(codec_.Decode(R"({"kind":"Widget","apiVersion":"example.com/v1"})").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(codec_.Decode("[1,2]").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(codec_.Decode("{\"kind\":").status().message()),
              HasSubstr("malformed JSON"));
}

TEST_F(JsonCodecTest, WatchEvents) {
  absl::StatusOr<DecodedWatchEvent> event = codec_.DecodeWatchEvent(
      R"({"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a"}}})");
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->type, WatchEventType::kAdded);
  EXPECT_EQ(dynamic_cast<core::ConfigMap&>(*event->object.message).metadata().name(), "a");

  event = codec_.DecodeWatchEvent(
      R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure",)"
      R"("reason":"Expired","code":410}})");
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->type, WatchEventType::kError);
  EXPECT_EQ(dynamic_cast<meta::v1::Status&>(*event->object.message).reason(), "Expired");

  EXPECT_FALSE(codec_.DecodeWatchEvent(R"({"type":"SOMETHING","object":{}})").ok());
  EXPECT_FALSE(codec_.DecodeWatchEvent(R"({"type":"ADDED"})").ok());
  EXPECT_FALSE(codec_.DecodeWatchEvent(R"({"object":{}})").ok());
}

TEST(WatchEventTypeTest, NamesRoundTrip) {
  for (WatchEventType type :
       {WatchEventType::kAdded, WatchEventType::kModified, WatchEventType::kDeleted,
        WatchEventType::kBookmark, WatchEventType::kError}) {
    EXPECT_EQ(*ParseWatchEventType(WatchEventTypeName(type)), type);
  }
  EXPECT_FALSE(ParseWatchEventType("added").ok());
}

}  // namespace
}  // namespace kube::api
