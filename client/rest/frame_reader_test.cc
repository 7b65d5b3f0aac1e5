#include "client/rest/frame_reader.h"

#include <random>
#include <string>
#include <vector>

#include "client/rest/internal/proto_wire_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using internal::testing::Frame;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

struct Frames {
  std::vector<std::string> frames;
  absl::Status status;
};

Frames ReadAll(const std::vector<std::string>& chunks,
               size_t max = LengthPrefixedFrameReader::kDefaultMaxFrameBytes) {
  LengthPrefixedFrameReader reader(max);
  Frames out;
  for (const std::string& chunk : chunks) {
    out.status = reader.Feed(chunk, [&](absl::string_view f) {
      out.frames.emplace_back(f);
      return absl::OkStatus();
    });
    if (!out.status.ok()) return out;
  }
  out.status = reader.Finish();
  return out;
}

TEST(LengthPrefixedFrameReaderTest, FramesInOneChunk) {
  Frames f = ReadAll({Frame("abc") + Frame("") + Frame(std::string(300, 'z'))});
  ASSERT_TRUE(f.status.ok()) << f.status;
  EXPECT_THAT(f.frames, ElementsAre("abc", "", std::string(300, 'z')));
}

TEST(LengthPrefixedFrameReaderTest, EveryChunkingYieldsTheSameFrames) {
  std::string stream;
  std::vector<std::string> want;
  for (int i = 0; i < 40; ++i) {
    std::string frame(static_cast<size_t>(i * 7 % 300), static_cast<char>('a' + i % 26));
    if (i % 5 == 0) frame.push_back('\0');
    want.push_back(frame);
    stream += Frame(frame);
  }
  for (uint32_t seed = 0; seed < 300; ++seed) {
    std::mt19937 rng(seed);
    std::vector<std::string> chunks;
    for (size_t i = 0; i < stream.size();) {
      const size_t n = std::min<size_t>(seed % 3 == 0 ? 1 : 1 + rng() % 40, stream.size() - i);
      chunks.push_back(stream.substr(i, n));
      i += n;
    }
    Frames f = ReadAll(chunks);
    ASSERT_TRUE(f.status.ok()) << f.status;
    ASSERT_THAT(f.frames, ElementsAreArray(want)) << "seed " << seed;
  }
}

TEST(LengthPrefixedFrameReaderTest, PrefixSplitAcrossChunks) {
  const std::string s = Frame("hello");
  Frames f = ReadAll({s.substr(0, 1), s.substr(1, 2), s.substr(3, 3), s.substr(6)});
  ASSERT_TRUE(f.status.ok()) << f.status;
  EXPECT_THAT(f.frames, ElementsAre("hello"));
}

TEST(LengthPrefixedFrameReaderTest, OversizedFrameFailsAtItsPrefix) {
  const std::string big = Frame(std::string(1000, 'x'));
  LengthPrefixedFrameReader reader(999);
  absl::Status s =
      reader.Feed(big.substr(0, 6), [](absl::string_view) { return absl::OkStatus(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_EQ(reader.BufferedBytes(), 0u);
  // Also when the prefix arrives byte by byte.
  LengthPrefixedFrameReader split(999);
  absl::Status t;
  for (int i = 0; i < 4 && t.ok(); ++i) {
    t = split.Feed(big.substr(i, 1), [](absl::string_view) { return absl::OkStatus(); });
  }
  EXPECT_EQ(t.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(ReadAll({big}, 1000).status.ok());
  // The largest length a prefix can state.
  EXPECT_EQ(ReadAll({std::string("\xff\xff\xff\xff", 4)}).status.code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(LengthPrefixedFrameReaderTest, TruncationIsDataLoss) {
  const std::string s = Frame("abcdef");
  EXPECT_EQ(ReadAll({s.substr(0, 2)}).status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ReadAll({s.substr(0, 4)}).status.code(), absl::StatusCode::kDataLoss);
  Frames f = ReadAll({Frame("ok"), s.substr(0, 7)});
  EXPECT_EQ(f.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(f.status.message(), ::testing::HasSubstr("3 of 6 bytes"));
  EXPECT_THAT(f.frames, ElementsAre("ok"));
}

TEST(LengthPrefixedFrameReaderTest, CallbackErrorIsSticky) {
  LengthPrefixedFrameReader reader;
  int calls = 0;
  auto stop = [&](absl::string_view) {
    ++calls;
    return absl::CancelledError("stop");
  };
  EXPECT_EQ(reader.Feed(Frame("a") + Frame("b"), stop).code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(reader.Feed(Frame("c"), stop).code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(reader.Finish().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace kube::rest
