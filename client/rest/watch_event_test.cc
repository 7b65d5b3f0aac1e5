#include "client/rest/watch_event.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/rest/internal/proto_wire_testing.h"
#include "client/rest/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using internal::testing::BytesField;
using internal::testing::Envelope;
using internal::testing::Frame;
using internal::testing::VarintField;
using ::testing::HasSubstr;

std::string ProtoEvent(absl::string_view type, absl::string_view raw) {
  return BytesField(1, type) + BytesField(2, BytesField(1, raw));
}

TEST(WatchEventTypeTest, NamesRoundTripAndOthersAreRejected) {
  for (WatchEventType t :
       {WatchEventType::kAdded, WatchEventType::kModified, WatchEventType::kDeleted,
        WatchEventType::kBookmark, WatchEventType::kError}) {
    EXPECT_EQ(*ParseWatchEventType(WatchEventTypeName(t)), t);
  }
  absl::StatusOr<WatchEventType> bad = ParseWatchEventType("added");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("\"added\" is not one of ADDED"));
}

TEST(DecodeJsonWatchEventTest, KeepsTheObjectBytesExactly) {
  const std::string object = R"({"kind":"ConfigMap", "metadata": {"name":"a\"}"} , "data":{}})";
  absl::StatusOr<WatchEvent> e = DecodeJsonWatchEvent(
      absl::StrCat(" {\"type\" : \"MODIFIED\" ,\n \"object\":", object, "}\n"));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->type, WatchEventType::kModified);
  EXPECT_EQ(e->encoding, WireEncoding::kJson);
  EXPECT_EQ(e->object, object);
  EXPECT_TRUE(e->error.ok());
}

TEST(DecodeJsonWatchEventTest, MemberOrderAndExtraMembersDoNotMatter) {
  absl::StatusOr<WatchEvent> e = DecodeJsonWatchEvent(
      R"({"object":{"a":[1,"]"]},"extra":[{"x":null}],"n":-1.5e3,"t":true,"type":"BOOKMARK"})");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->type, WatchEventType::kBookmark);
  EXPECT_EQ(e->object, R"({"a":[1,"]"]})");
}

TEST(DecodeJsonWatchEventTest, EscapedMemberNamesAndType) {
  absl::StatusOr<WatchEvent> e =
      DecodeJsonWatchEvent(R"({"t\u0079pe":"DEL\u0045TED","object":{}})");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->type, WatchEventType::kDeleted);
}

TEST(DecodeJsonWatchEventTest, RejectsUnknownTypesAndMalformedEvents) {
  EXPECT_EQ(DecodeJsonWatchEvent(R"({"type":"SYNC","object":{}})").status().code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* bad : {
           R"([])",
           R"("ADDED")",
           R"({})",
           R"({"type":"ADDED"})",
           R"({"type":"ADDED","object":[]})",
           R"({"type":"ADDED","object":"x"})",
           R"({"type":1,"object":{}})",
           R"({"type":"ADDED","object":{}} x)",
           R"({"type":"ADDED" "object":{}})",
           R"({"type":"ADDED","object":{]})",
           R"({"type":"ADDED","object":{},})",
           R"({"type":"ADDED","object":)",
           R"({type:1})",
       }) {
    absl::StatusOr<WatchEvent> e = DecodeJsonWatchEvent(bad);
    EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss) << bad << " " << e.status();
  }
}

TEST(DecodeJsonWatchEventTest, ErrorEventCarriesTheStatus) {
  absl::StatusOr<WatchEvent> e = DecodeJsonWatchEvent(
      R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},)"
      R"j("status":"Failure","message":"too old resource version: 1 (52)","reason":"Expired",)j"
      R"("code":410}})");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->type, WatchEventType::kError);
  EXPECT_EQ(e->error.code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(rest::IsExpired(e->error));
  EXPECT_EQ(e->error.message(), "too old resource version: 1 (52)");

  absl::StatusOr<WatchEvent> not_status =
      DecodeJsonWatchEvent(R"({"type":"ERROR","object":{"kind":"ConfigMap"}})");
  ASSERT_TRUE(not_status.ok());
  EXPECT_EQ(not_status->error.code(), absl::StatusCode::kUnknown);
  absl::StatusOr<WatchEvent> success =
      DecodeJsonWatchEvent(R"({"type":"ERROR","object":{"kind":"Status","status":"Success"}})");
  ASSERT_TRUE(success.ok());
  EXPECT_FALSE(success->error.ok());
}

TEST(DecodeProtobufWatchEventTest, KeepsTheRawEnvelope) {
  const std::string raw = Envelope("v1", "ConfigMap", BytesField(1, "meta"));
  absl::StatusOr<WatchEvent> e =
      DecodeProtobufWatchEvent(ProtoEvent("ADDED", raw) + VarintField(9, 1));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->type, WatchEventType::kAdded);
  EXPECT_EQ(e->encoding, WireEncoding::kProtobuf);
  EXPECT_EQ(e->object, raw);
  EXPECT_EQ(MediaTypeOf(e->encoding), "application/vnd.kubernetes.protobuf");
}

TEST(DecodeProtobufWatchEventTest, ErrorEventCarriesTheStatus) {
  const std::string status = BytesField(2, "Failure") + BytesField(3, "too old") +
                             BytesField(4, "Expired") + VarintField(6, 410);
  absl::StatusOr<WatchEvent> e =
      DecodeProtobufWatchEvent(ProtoEvent("ERROR", Envelope("v1", "Status", status)));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->error.code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(rest::IsExpired(e->error));
}

TEST(DecodeProtobufWatchEventTest, RejectsMalformedEvents) {
  EXPECT_EQ(DecodeProtobufWatchEvent(ProtoEvent("GONE", "x")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeProtobufWatchEvent(BytesField(2, BytesField(1, "x"))).status().code(),
            absl::StatusCode::kDataLoss);  // no type
  EXPECT_EQ(DecodeProtobufWatchEvent(BytesField(1, "ADDED")).status().code(),
            absl::StatusCode::kDataLoss);  // no object
  EXPECT_EQ(DecodeProtobufWatchEvent(VarintField(1, 3) + BytesField(2, "")).status().code(),
            absl::StatusCode::kDataLoss);  // type as varint
  EXPECT_EQ(DecodeProtobufWatchEvent("\x0a\x05"
                                     "AD")
                .status()
                .code(),
            absl::StatusCode::kDataLoss);  // truncated
}

TEST(WatchEncodingForContentTypeTest, JsonProtobufAndTheRest) {
  EXPECT_EQ(*WatchEncodingForContentType("application/json"), WireEncoding::kJson);
  EXPECT_EQ(*WatchEncodingForContentType(""), WireEncoding::kJson);
  EXPECT_EQ(*WatchEncodingForContentType("Application/JSON; charset=utf-8"), WireEncoding::kJson);
  EXPECT_EQ(*WatchEncodingForContentType("application/vnd.kubernetes.protobuf;stream=watch"),
            WireEncoding::kProtobuf);
  EXPECT_EQ(WatchEncodingForContentType("application/cbor-seq").status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(WatchEncodingForContentType("text/html").status().code(),
            absl::StatusCode::kUnimplemented);
}

std::vector<WatchEvent> FeedAll(WatchEventDecoder& decoder, const std::vector<std::string>& chunks,
                                absl::Status* status) {
  std::vector<WatchEvent> events;
  for (const std::string& c : chunks) {
    *status = decoder.Feed(c, [&](WatchEvent e) {
      events.push_back(std::move(e));
      return absl::OkStatus();
    });
    if (!status->ok()) return events;
  }
  *status = decoder.Finish();
  return events;
}

TEST(WatchEventDecoderTest, JsonStreamAcrossChunks) {
  const std::string a = R"({"type":"ADDED","object":{"metadata":{"name":"a"}}})";
  const std::string b = R"({"type":"DELETED","object":{"metadata":{"name":"b"}}})";
  WatchEventDecoder decoder(WireEncoding::kJson);
  absl::Status status;
  const std::string stream = a + "\n" + b + "\n";
  std::vector<WatchEvent> events =
      FeedAll(decoder, {stream.substr(0, 10), stream.substr(10, 50), stream.substr(60)}, &status);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].object, R"({"metadata":{"name":"a"}})");
  EXPECT_EQ(events[1].type, WatchEventType::kDeleted);
}

TEST(WatchEventDecoderTest, ProtobufStreamAcrossChunks) {
  const std::string raw = Envelope("v1", "ConfigMap", "");
  const std::string stream = Frame(ProtoEvent("ADDED", raw)) + Frame(ProtoEvent("MODIFIED", raw));
  WatchEventDecoder decoder(WireEncoding::kProtobuf);
  absl::Status status;
  std::vector<WatchEvent> events =
      FeedAll(decoder, {stream.substr(0, 3), stream.substr(3, 20), stream.substr(23)}, &status);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type, WatchEventType::kModified);
  EXPECT_EQ(events[1].object, raw);
}

TEST(WatchEventDecoderTest, EventCapApplies) {
  WatchEventDecoder decoder(WireEncoding::kJson, {.max_event_bytes = 40});
  absl::Status status;
  FeedAll(decoder, {R"({"type":"ADDED","object":{"data":"0123456789abcdef"}})"}, &status);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
}

TEST(WatchEventDecoderTest, BadEventStopsTheStreamAndTruncationIsDataLoss) {
  WatchEventDecoder decoder(WireEncoding::kJson);
  absl::Status status;
  std::vector<WatchEvent> events = FeedAll(
      decoder,
      {R"({"type":"ADDED","object":{}}{"type":"NOPE","object":{}}{"type":"ADDED","object":{}})"},
      &status);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(events.size(), 1u);

  WatchEventDecoder truncated(WireEncoding::kProtobuf);
  FeedAll(truncated, {Frame(ProtoEvent("ADDED", "x")).substr(0, 6)}, &status);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);

  WatchEventDecoder literal(WireEncoding::kJson);
  FeedAll(literal, {R"({"type":"ADDED","object":{}} 42)"}, &status);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace kube::rest
