#include "client/transport/internal/gzip_decoder.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/transport/testing/gzip.h"
#include "gtest/gtest.h"

namespace kube::transport::internal {
namespace {

using ::kube::transport::testing::GzipCompress;

std::string Text(size_t size) {
  std::string text;
  for (size_t i = 0; text.size() < size; ++i) absl::StrAppend(&text, "line ", i, " of the body\n");
  text.resize(size);
  return text;
}

// DecodeAll feeds `compressed` in pieces of `step` bytes, taking output in pieces of at most
// `max_output`, as the transport does.
absl::Status DecodeAll(GzipDecoder& decoder, const std::string& compressed, size_t step,
                       size_t max_output, std::string& out) {
  for (size_t at = 0; at < compressed.size(); at += step) {
    absl::string_view input = absl::string_view(compressed).substr(at, step);
    for (;;) {
      std::string piece;
      absl::Status status = decoder.Decode(input, piece, max_output);
      if (!status.ok()) return status;
      if (piece.size() > max_output) return absl::InternalError("piece too large");
      out += piece;
      if (piece.empty()) break;
    }
    if (!input.empty()) return absl::InternalError("input left over");
  }
  return decoder.Finish();
}

TEST(GzipDecoderTest, DecodesInAnyPieceSizes) {
  const std::string original = Text(300000);
  const std::string compressed = GzipCompress(original);
  for (size_t step : {size_t{1}, size_t{7}, size_t{4096}, compressed.size()}) {
    for (size_t max_output : {size_t{1000}, size_t{65536}}) {
      GzipDecoder decoder;
      std::string out;
      absl::Status status = DecodeAll(decoder, compressed, step, max_output, out);
      ASSERT_TRUE(status.ok()) << status << " step " << step;
      EXPECT_EQ(out, original) << "step " << step << " max_output " << max_output;
    }
  }
}

TEST(GzipDecoderTest, ConcatenatedMembers) {
  const std::string compressed = GzipCompress("hello, ") + GzipCompress("world");
  GzipDecoder decoder;
  std::string out;
  ASSERT_TRUE(DecodeAll(decoder, compressed, 3, 100, out).ok());
  EXPECT_EQ(out, "hello, world");
}

TEST(GzipDecoderTest, GarbageIsDataLoss) {
  GzipDecoder decoder;
  std::string out;
  EXPECT_EQ(DecodeAll(decoder, "this is not gzip at all", 100, 100, out).code(),
            absl::StatusCode::kDataLoss);
}

TEST(GzipDecoderTest, CorruptMiddleIsDataLoss) {
  std::string compressed = GzipCompress(Text(10000));
  for (size_t i = 20; i < 60; ++i) compressed[i] = static_cast<char>(compressed[i] ^ 0x5a);
  GzipDecoder decoder;
  std::string out;
  EXPECT_EQ(DecodeAll(decoder, compressed, 100, 1000, out).code(), absl::StatusCode::kDataLoss);
}

TEST(GzipDecoderTest, TruncatedStreamFailsAtFinish) {
  const std::string compressed = GzipCompress(Text(10000));
  GzipDecoder decoder;
  std::string out;
  absl::Status status =
      DecodeAll(decoder, compressed.substr(0, compressed.size() / 2), 100, 1000, out);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
}

TEST(GzipDecoderTest, TrailingGarbageIsDataLoss) {
  GzipDecoder decoder;
  std::string out;
  EXPECT_EQ(DecodeAll(decoder, GzipCompress("ok") + "junk", 100, 100, out).code(),
            absl::StatusCode::kDataLoss);
}

TEST(GzipDecoderTest, EmptyBodyIsFine) {
  GzipDecoder decoder;
  EXPECT_TRUE(decoder.Finish().ok());
}

}  // namespace
}  // namespace kube::transport::internal
