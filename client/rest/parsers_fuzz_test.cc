// Fuzz-style tests of every parser in client/rest that reads bytes from the network: thousands of
// random and mutated inputs (deterministic seeds, bounded time) must each end in a value or an
// error, never a crash, a hang or a sanitizer report, and must not depend on how the bytes were
// chunked. Run under --config=asan as well.
#include <algorithm>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/rest/frame_reader.h"
#include "client/rest/internal/proto_wire.h"
#include "client/rest/internal/proto_wire_testing.h"
#include "client/rest/json_stream.h"
#include "client/rest/status.h"
#include "client/rest/warning.h"
#include "client/rest/watch_event.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using internal::testing::BytesField;
using internal::testing::Envelope;
using internal::testing::Frame;
using internal::testing::VarintField;

constexpr int kIterations = 20000;
// Each test stops early past this much real time (slow sanitizer builds), keeping CI bounded.
constexpr absl::Duration kBudget = absl::Seconds(20);

class Fuzzer {
 public:
  explicit Fuzzer(uint32_t seed) : rng_(seed) {}

  size_t Below(size_t n) { return n == 0 ? 0 : rng_() % n; }

  std::string RandomBytes(size_t max_len) {
    std::string s(Below(max_len + 1), '\0');
    // Bias towards the bytes parsers care about.
    static constexpr char kInteresting[] =
        "{}[]\",:\\ \n0123456789-tfnuabcdeADEDMOIFR\x00\x08\x0a\x12\x1a\xff\x80";
    for (char& c : s) {
      c = Below(3) == 0 ? static_cast<char>(rng_()) : kInteresting[Below(sizeof(kInteresting) - 1)];
    }
    return s;
  }

  // Mutate applies a few random edits: flips, inserts, deletes, duplications, truncation.
  std::string Mutate(std::string s) {
    const size_t edits = 1 + Below(4);
    for (size_t e = 0; e < edits; ++e) {
      switch (Below(6)) {
        case 0:
          if (!s.empty()) s[Below(s.size())] ^= static_cast<char>(1u << Below(8));
          break;
        case 1:
          s.insert(Below(s.size() + 1), 1, static_cast<char>(rng_()));
          break;
        case 2:
          if (!s.empty()) s.erase(Below(s.size()), 1 + Below(8));
          break;
        case 3:
          if (!s.empty()) {
            const size_t at = Below(s.size());
            s.insert(Below(s.size() + 1), s.substr(at, 1 + Below(16)));
          }
          break;
        case 4:
          s.resize(Below(s.size() + 1));
          break;
        case 5:
          if (!s.empty()) s[Below(s.size())] = "{}[]\"\\,:"[Below(8)];
          break;
      }
    }
    return s;
  }

  std::vector<std::string> Chunks(const std::string& s) {
    std::vector<std::string> chunks;
    for (size_t i = 0; i < s.size();) {
      const size_t n = std::min(s.size() - i, 1 + Below(Below(2) ? 3 : 64));
      chunks.push_back(s.substr(i, n));
      i += n;
    }
    return chunks;
  }

 private:
  std::mt19937 rng_;
};

bool OverBudget(absl::Time start) { return absl::Now() - start > kBudget; }

std::string JsonWatchCorpus() {
  return std::string(R"({"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a"},)") +
         R"("data":{"t":"q\" } ] \\ \u00e9"}}})" + "\n" +
         R"({"type":"ERROR","object":{"kind":"Status","status":"Failure","reason":"Expired","code":410}})" +
         "\n" + R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"7"}}})" + "\n";
}

std::string ProtoWatchCorpus() {
  const std::string status =
      Envelope("v1", "Status",
               BytesField(2, "Failure") + BytesField(4, "Expired") + VarintField(6, 410) +
                   BytesField(5, BytesField(1, "n") +
                                     BytesField(4, BytesField(1, "r") + BytesField(3, "f")) +
                                     VarintField(5, 3)));
  return Frame(BytesField(1, "ADDED") +
               BytesField(2, BytesField(1, Envelope("v1", "ConfigMap", "x")))) +
         Frame(BytesField(1, "ERROR") + BytesField(2, BytesField(1, status))) + Frame("");
}

std::vector<std::string> StatusCorpus() {
  return {
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"m",)"
      R"("reason":"Invalid","details":{"name":"n","kind":"k","causes":[{"reason":"r",)"
      R"("message":"x","field":"f"}],"retryAfterSeconds":2},"code":422})",
      Envelope("v1", "Status",
               BytesField(2, "Failure") + BytesField(3, "msg") + BytesField(4, "NotFound") +
                   BytesField(5, BytesField(1, "n") + BytesField(3, "configmaps") +
                                     BytesField(4, BytesField(1, "r")) + VarintField(5, 1)) +
                   VarintField(6, 404)),
      "Too many requests, please try again later.\n",
      "<html><body>502 Bad Gateway</body></html>",
  };
}

TEST(ParsersFuzzTest, StatusDecodersNeverCrashAndAlwaysKeepAPayload) {
  Fuzzer f(1);
  const std::vector<std::string> corpus = StatusCorpus();
  const absl::Time start = absl::Now();
  const int codes[] = {400, 401, 403, 404, 409, 410, 422, 429, 500, 503, 504, 599, 302};
  for (int i = 0; i < kIterations && !OverBudget(start); ++i) {
    const std::string input = i % 2 ? f.Mutate(corpus[f.Below(corpus.size())]) : f.RandomBytes(300);
    (void)ParseApiStatusJson(input);
    (void)ParseApiStatusProtobuf(input);
    (void)ParseApiStatusProtobuf(absl::StrCat(absl::string_view("k8s\0", 4), input));
    const int code = codes[f.Below(std::size(codes))];
    absl::Status s = StatusFromResponse(code, "application/json", input);
    ASSERT_FALSE(s.ok());
    // Whatever the body, the payload survives and decodes (strings were made valid UTF-8).
    std::optional<ApiStatus> api = GetApiStatus(s);
    ASSERT_TRUE(api.has_value()) << "input #" << i;
    EXPECT_EQ(SanitizeUtf8(s.message()), std::string(s.message()));
    // Valid UTF-8 in, same bytes out.
    EXPECT_EQ(SanitizeUtf8(SanitizeUtf8(input)), SanitizeUtf8(input));
  }
}

TEST(ParsersFuzzTest, JsonSplitterIgnoresChunkingAndNeverCrashes) {
  Fuzzer f(2);
  const std::string corpus = JsonWatchCorpus();
  const absl::Time start = absl::Now();
  for (int i = 0; i < kIterations && !OverBudget(start); ++i) {
    const std::string input = i % 3 == 0 ? f.RandomBytes(400) : f.Mutate(corpus);
    const size_t max = i % 5 == 0 ? 1 + f.Below(80) : JsonValueSplitter::kDefaultMaxValueBytes;
    auto run = [&](const std::vector<std::string>& chunks, std::vector<std::string>* values) {
      JsonValueSplitter splitter(max);
      auto collect = [values](absl::string_view v) {
        values->emplace_back(v);
        return absl::OkStatus();
      };
      for (const std::string& c : chunks) {
        if (absl::Status s = splitter.Feed(c, collect); !s.ok()) return s;
      }
      return splitter.Finish(collect);
    };
    std::vector<std::string> whole_values, chunked_values;
    const absl::Status whole = run({input}, &whole_values);
    const absl::Status chunked = run(f.Chunks(input), &chunked_values);
    ASSERT_EQ(whole.ok(), chunked.ok()) << whole << " vs " << chunked << " input #" << i;
    ASSERT_EQ(whole_values, chunked_values) << "input #" << i;
    for (const std::string& v : whole_values) ASSERT_LE(v.size(), max);
  }
}

TEST(ParsersFuzzTest, FrameReaderIgnoresChunkingAndNeverCrashes) {
  Fuzzer f(3);
  const std::string corpus = ProtoWatchCorpus();
  const absl::Time start = absl::Now();
  for (int i = 0; i < kIterations && !OverBudget(start); ++i) {
    const std::string input = i % 3 == 0 ? f.RandomBytes(300) : f.Mutate(corpus);
    const size_t max = i % 4 == 0 ? f.Below(100) : LengthPrefixedFrameReader::kDefaultMaxFrameBytes;
    auto run = [&](const std::vector<std::string>& chunks, std::vector<std::string>* frames) {
      LengthPrefixedFrameReader reader(max);
      for (const std::string& c : chunks) {
        absl::Status s = reader.Feed(c, [frames](absl::string_view v) {
          frames->emplace_back(v);
          return absl::OkStatus();
        });
        if (!s.ok()) return s;
      }
      return reader.Finish();
    };
    std::vector<std::string> whole_frames, chunked_frames;
    const absl::Status whole = run({input}, &whole_frames);
    const absl::Status chunked = run(f.Chunks(input), &chunked_frames);
    ASSERT_EQ(whole.code(), chunked.code()) << whole << " vs " << chunked << " input #" << i;
    ASSERT_EQ(whole_frames, chunked_frames) << "input #" << i;
  }
}

TEST(ParsersFuzzTest, WatchDecodersNeverCrash) {
  Fuzzer f(4);
  const std::string json = JsonWatchCorpus();
  const std::string proto = ProtoWatchCorpus();
  const absl::Time start = absl::Now();
  for (int i = 0; i < kIterations && !OverBudget(start); ++i) {
    const bool use_json = i % 2 == 0;
    const std::string input = i % 5 == 0 ? f.RandomBytes(300) : f.Mutate(use_json ? json : proto);
    const WireEncoding encoding = use_json ? WireEncoding::kJson : WireEncoding::kProtobuf;
    auto run = [&](const std::vector<std::string>& chunks, std::vector<std::string>* events) {
      WatchEventDecoder decoder(encoding, {.max_event_bytes = 1 + f.Below(2) * 1000});
      for (const std::string& c : chunks) {
        absl::Status s = decoder.Feed(c, [events](WatchEvent e) {
          // An ERROR event always carries a failure; others never do.
          EXPECT_EQ(e.type == WatchEventType::kError, !e.error.ok());
          events->push_back(absl::StrCat(WatchEventTypeName(e.type), ":", e.object));
          return absl::OkStatus();
        });
        if (!s.ok()) return s;
      }
      return decoder.Finish();
    };
    std::vector<std::string> events;
    (void)run(f.Chunks(input), &events);
    // Single events, straight from bytes.
    (void)DecodeJsonWatchEvent(input);
    (void)DecodeProtobufWatchEvent(input);
    (void)internal::ParseUnknownEnvelope(input);
    (void)internal::ForEachField(input,
                                 [](const internal::ProtoField&) { return absl::OkStatus(); });
  }
}

TEST(ParsersFuzzTest, DeeplyNestedInputsDoNotOverflowTheStack) {
  const std::string deep_json = std::string(200000, '[') + std::string(200000, ']');
  JsonValueSplitter splitter;
  int values = 0;
  ASSERT_TRUE(splitter
                  .Feed(deep_json,
                        [&](absl::string_view) {
                          ++values;
                          return absl::OkStatus();
                        })
                  .ok());
  EXPECT_EQ(values, 1);
  (void)DecodeJsonWatchEvent(absl::StrCat(R"({"type":"ADDED","object":{"a":)", deep_json, "}}"));
  (void)ParseApiStatusJson(deep_json);
  // Nested protobuf groups (wire type 3) are bounded by the recursion limit.
  std::string groups;
  for (int i = 0; i < 100000; ++i) groups.push_back('\x0b');  // field 1, start group
  EXPECT_FALSE(internal::ForEachField(groups, [](const internal::ProtoField&) {
                 return absl::OkStatus();
               }).ok());
  (void)ParseApiStatusProtobuf(Envelope("v1", "Status", groups));
}

TEST(ParsersFuzzTest, WarningParserNeverCrashes) {
  Fuzzer f(5);
  const std::string corpus = R"(299 - "a \"b\"", 199 host:1 "c" "Wed, 21 Oct 2015 07:28:00 GMT")";
  for (int i = 0; i < kIterations; ++i) {
    const std::string input = i % 2 ? f.Mutate(corpus) : f.RandomBytes(120);
    absl::StatusOr<std::vector<Warning>> w = ParseWarningHeader(input);
    if (w.ok()) {
      for (const Warning& warning : *w) EXPECT_LE(warning.code, 999);
    }
  }
}

}  // namespace
}  // namespace kube::rest
