#include "client/rest/json_stream.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// Feeds `chunks` one by one and collects the values; the status is that of the first failure.
struct Split {
  std::vector<std::string> values;
  absl::Status status;
};

Split SplitAll(const std::vector<std::string>& chunks,
               size_t max = JsonValueSplitter::kDefaultMaxValueBytes, bool finish = true) {
  JsonValueSplitter splitter(max);
  Split out;
  auto collect = [&](absl::string_view v) {
    out.values.emplace_back(v);
    return absl::OkStatus();
  };
  for (const std::string& chunk : chunks) {
    out.status = splitter.Feed(chunk, collect);
    if (!out.status.ok()) return out;
  }
  if (finish) out.status = splitter.Finish(collect);
  return out;
}

// Cuts `s` at random points (deterministic per seed), sometimes into single bytes.
std::vector<std::string> RandomChunks(const std::string& s, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> chunks;
  size_t i = 0;
  while (i < s.size()) {
    const size_t max = (rng() % 4 == 0) ? 1 : 1 + rng() % 64;
    const size_t n = std::min<size_t>(max, s.size() - i);
    chunks.push_back(s.substr(i, n));
    i += n;
  }
  return chunks;
}

// Found by //client/rest:json_stream_fuzzer: a value over the cap that is also malformed further
// on failed with DataLoss when it arrived whole (the scan jumped past the cap to the bad bracket)
// but with ResourceExhausted when chunked. The cap is reached first, so it is ResourceExhausted.
TEST(JsonValueSplitterTest, OversizedMalformedValueFailsTheSameWhateverTheChunking) {
  for (const std::string& value : {std::string("[") + std::string(20, 'x') + "}",
                                   std::string("{\"") + std::string(20, 'x') + "\"]",
                                   std::string("\"") + std::string(20, 'x') + "\""}) {
    const Split whole = SplitAll({value}, 10);
    EXPECT_EQ(whole.status.code(), absl::StatusCode::kResourceExhausted) << value;
    const Split chunked = SplitAll({value.substr(0, 5), value.substr(5)}, 10);
    EXPECT_EQ(chunked.status.code(), absl::StatusCode::kResourceExhausted) << value;
  }
  // Within the cap, the bad bracket is what is reported.
  EXPECT_EQ(SplitAll({"[xx}"}, 10).status.code(), absl::StatusCode::kDataLoss);
}

TEST(JsonValueSplitterTest, SeveralValuesInOneChunk) {
  Split s = SplitAll({"{\"a\":1}\n{\"b\":[1,2,{\"c\":null}]}\n"});
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_THAT(s.values, ElementsAre("{\"a\":1}", "{\"b\":[1,2,{\"c\":null}]}"));
}

TEST(JsonValueSplitterTest, NoWhitespaceBetweenValues) {
  Split s = SplitAll({"{}{}[]\"x\"{\"k\":\"v\"}"});
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_THAT(s.values, ElementsAre("{}", "{}", "[]", "\"x\"", "{\"k\":\"v\"}"));
}

TEST(JsonValueSplitterTest, StringsWithEscapedQuotesAndBrackets) {
  const std::string v1 = R"({"s":"a \"quoted\" } ] { [ brace","t":"back\\slash\\"})";
  const std::string v2 = R"({"u":"\\\"","w":"\u007d"})";
  Split s = SplitAll({v1 + "\r\n\t " + v2});
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_THAT(s.values, ElementsAre(v1, v2));
}

TEST(JsonValueSplitterTest, ValueAcrossManyChunksByteByByte) {
  const std::string v = R"({"metadata":{"name":"x\"}","labels":{"a":"[b]"}},"data":[1,2,3]})";
  std::vector<std::string> bytes;
  for (char c : v + "\n" + v) bytes.emplace_back(1, c);
  Split s = SplitAll(bytes);
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_THAT(s.values, ElementsAre(v, v));
}

TEST(JsonValueSplitterTest, EveryChunkingYieldsTheSameValues) {
  std::string stream;
  std::vector<std::string> want;
  for (int i = 0; i < 50; ++i) {
    std::string v = absl::StrCat(R"({"type":"ADDED","object":{"n":)", i,
                                 R"(,"s":"q\"}{[]\\",  "arr":[[],[{}],"]"]}})");
    want.push_back(v);
    absl::StrAppend(&stream, v, i % 3 == 0 ? "\n" : (i % 3 == 1 ? "" : " \r\n "));
  }
  for (uint32_t seed = 0; seed < 200; ++seed) {
    Split s = SplitAll(RandomChunks(stream, seed));
    ASSERT_TRUE(s.status.ok()) << s.status << " seed " << seed;
    ASSERT_THAT(s.values, ElementsAreArray(want)) << "seed " << seed;
  }
}

TEST(JsonValueSplitterTest, TopLevelLiterals) {
  Split s = SplitAll({"1 -2.5e+3", " true ", "false null", " 7", "{}", "8"});
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_THAT(s.values, ElementsAre("1", "-2.5e+3", "true", "false", "null", "7", "{}", "8"));
}

TEST(JsonValueSplitterTest, UnexpectedBytesBetweenValues) {
  for (const char* bad : {"{} }", "]", ",{}", "{}:", "\x01"}) {
    Split s = SplitAll({bad});
    EXPECT_EQ(s.status.code(), absl::StatusCode::kDataLoss) << bad << " " << s.status;
  }
}

TEST(JsonValueSplitterTest, MismatchedBrackets) {
  Split s = SplitAll({"{\"a\":[1}"});
  EXPECT_EQ(s.status.code(), absl::StatusCode::kDataLoss) << s.status;
  EXPECT_THAT(s.status.message(), ::testing::HasSubstr("mismatched"));
}

TEST(JsonValueSplitterTest, TruncatedStreamIsDataLossAtFinish) {
  for (const char* cut : {"{\"a\":", "[1,2", "\"abc", "{\"s\":\"\\"}) {
    Split s = SplitAll({"{}", cut});
    EXPECT_EQ(s.status.code(), absl::StatusCode::kDataLoss) << cut;
    EXPECT_THAT(s.values, ElementsAre("{}"));
  }
  Split trailing_ws = SplitAll({"{}\n\n  "});
  EXPECT_TRUE(trailing_ws.status.ok());
}

TEST(JsonValueSplitterTest, MaxValueSizeIsEnforcedEvenWhenSplit) {
  const std::string big = "{\"k\":\"" + std::string(100, 'x') + "\"}";  // 108 bytes
  EXPECT_TRUE(SplitAll({big}, 108).status.ok());
  Split one = SplitAll({big}, 107);
  EXPECT_EQ(one.status.code(), absl::StatusCode::kResourceExhausted) << one.status;
  EXPECT_THAT(one.status.message(), ::testing::HasSubstr("exceeds 107 bytes"));
  // Split into pieces, never complete: the error comes before the value is held whole.
  JsonValueSplitter splitter(50);
  absl::Status s;
  size_t fed = 0;
  for (; fed < big.size() && s.ok(); fed += 10) {
    s = splitter.Feed(big.substr(fed, 10), [](absl::string_view) { return absl::OkStatus(); });
  }
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_LE(fed, 60u);
  EXPECT_EQ(splitter.BufferedBytes(), 0u);
}

TEST(JsonValueSplitterTest, SmallValuesAfterABigOneStillFit) {
  const std::string v(40, ' ');
  Split s = SplitAll(
      {"[" + std::string(30, '1') + "]", v, "{}", v, "[" + std::string(30, '2') + "]"}, 32);
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_EQ(s.values.size(), 3u);
}

TEST(JsonValueSplitterTest, ErrorsAreStickyAndCallbackErrorsStop) {
  JsonValueSplitter splitter;
  int calls = 0;
  auto stop = [&](absl::string_view) {
    ++calls;
    return absl::CancelledError("enough");
  };
  EXPECT_EQ(splitter.Feed("{}{}{}", stop).code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(splitter.Feed("{}", stop).code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(splitter.Finish(stop).code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);
}

TEST(JsonValueSplitterTest, BuffersOnlyTheUnfinishedValue) {
  JsonValueSplitter splitter;
  auto ignore = [](absl::string_view) { return absl::OkStatus(); };
  ASSERT_TRUE(splitter.Feed("{\"a\":1}\n   {\"b\":", ignore).ok());
  EXPECT_EQ(splitter.BufferedBytes(), 5u);
  ASSERT_TRUE(splitter.Feed("2}\n\n", ignore).ok());
  EXPECT_EQ(splitter.BufferedBytes(), 0u);
}

}  // namespace
}  // namespace kube::rest
