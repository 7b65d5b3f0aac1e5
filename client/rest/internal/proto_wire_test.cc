#include "client/rest/internal/proto_wire.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/rest/internal/proto_wire_testing.h"
#include "gtest/gtest.h"

namespace kube::rest::internal {
namespace {

using testing::BytesField;
using testing::Envelope;
using testing::VarintField;

TEST(ForEachFieldTest, WalksFieldsInOrderWithViewsIntoTheInput) {
  const std::string message =
      absl::StrCat(VarintField(6, 404), BytesField(3, "hello"), VarintField(1, 1ull << 40));
  std::vector<int> numbers;
  absl::Status s = ForEachField(message, [&](const ProtoField& f) {
    numbers.push_back(f.number);
    if (f.number == 6) {
      EXPECT_EQ(f.varint, 404u);
    }
    if (f.number == 1) {
      EXPECT_EQ(f.varint, 1ull << 40);
    }
    if (f.number == 3) {
      EXPECT_EQ(f.type, WireType::kLengthDelimited);
      EXPECT_EQ(f.bytes, "hello");
      EXPECT_GE(f.bytes.data(), message.data());
      EXPECT_LE(f.bytes.data() + f.bytes.size(), message.data() + message.size());
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(numbers, (std::vector<int>{6, 3, 1}));
}

TEST(ForEachFieldTest, EmptyMessageHasNoFields) {
  int calls = 0;
  EXPECT_TRUE(ForEachField("", [&](const ProtoField&) {
                ++calls;
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(calls, 0);
}

TEST(ForEachFieldTest, RejectsLengthPastTheEnd) {
  std::string message = BytesField(2, "abcdef");
  message.resize(message.size() - 1);
  absl::Status s = ForEachField(message, [](const ProtoField&) { return absl::OkStatus(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
}

TEST(ForEachFieldTest, RejectsTruncatedVarintAndFieldZero) {
  std::string truncated = VarintField(1, 300);
  truncated.resize(truncated.size() - 1);
  auto ok = [](const ProtoField&) { return absl::OkStatus(); };
  EXPECT_FALSE(ForEachField(truncated, ok).ok());
  EXPECT_FALSE(ForEachField(std::string("\x00\x01", 2), ok).ok());
  // Wire types 6 and 7 do not exist.
  EXPECT_FALSE(ForEachField("\x0e", ok).ok());
}

// Found by //client/rest:watch_event_fuzzer: a zero tag as the very last byte read like the clean
// end of the message, so a WatchEvent with a trailing 0x00 was accepted (Go: "illegal tag 0").
TEST(ForEachFieldTest, RejectsZeroTagAsTheLastByte) {
  auto ok = [](const ProtoField&) { return absl::OkStatus(); };
  EXPECT_EQ(ForEachField(std::string("\x00", 1), ok).code(), absl::StatusCode::kInvalidArgument);
  const std::string trailing_zero = VarintField(1, 7) + std::string("\x00", 1);
  int calls = 0;
  absl::Status s = ForEachField(trailing_zero, [&](const ProtoField&) {
    ++calls;
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(calls, 1);
}

// Found by //client/rest:watch_event_fuzzer: a tag varint longer than 32 bits was cut to its low
// 32 bits and read as some field; libprotobuf rejects the message.
TEST(ForEachFieldTest, RejectsTagsWiderThan32Bits) {
  auto ok = [](const ProtoField&) { return absl::OkStatus(); };
  // Field 1, wire type 0, with bit 35 set: "\x88\x80\x80\x80\x80\x01" then a varint value.
  const std::string wide = std::string("\x88\x80\x80\x80\x80\x01\x05", 7);
  EXPECT_EQ(ForEachField(wide, ok).code(), absl::StatusCode::kInvalidArgument);
  // The same field with its tag in canonical form is fine, and so is a tag padded to five bytes
  // that still fits 32 bits.
  EXPECT_TRUE(ForEachField(std::string("\x08\x05", 2), ok).ok());
  EXPECT_TRUE(ForEachField(std::string("\x88\x80\x80\x80\x00\x05", 6), ok).ok());
}

TEST(ForEachFieldTest, CallbackErrorStopsTheWalk) {
  const std::string message = VarintField(1, 1) + VarintField(2, 2);
  int calls = 0;
  absl::Status s = ForEachField(message, [&](const ProtoField&) {
    ++calls;
    return absl::CancelledError("stop");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);
}

TEST(ParseUnknownEnvelopeTest, DecodesTypeMetaAndRaw) {
  const std::string body = Envelope("v1", "ConfigMap", "RAW");  // `raw` points into it
  absl::StatusOr<UnknownEnvelope> e = ParseUnknownEnvelope(body);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->api_version, "v1");
  EXPECT_EQ(e->kind, "ConfigMap");
  EXPECT_EQ(e->raw, "RAW");
  EXPECT_EQ(e->content_encoding, "");
}

TEST(ParseUnknownEnvelopeTest, RejectsMissingMagic) {
  std::string body = Envelope("v1", "Status", "");
  body[3] = 'x';
  EXPECT_EQ(ParseUnknownEnvelope(body).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseUnknownEnvelope("k8s").ok());
}

}  // namespace
}  // namespace kube::rest::internal
