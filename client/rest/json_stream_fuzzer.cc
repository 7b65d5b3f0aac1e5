// libFuzzer target for JsonValueSplitter (docs/fuzzing.md). Input: byte 0 picks the chunking,
// byte 1 the value size cap (small caps exercise ResourceExhausted), the rest is the stream.
// Checks:
//   - fed whole or in chunks, the splitter yields the same values and the same status code;
//   - values are non-empty, within the cap, and are the stream's own bytes in order with only
//     JSON whitespace between them (and after the last one, when Finish succeeds);
//   - a stream that boost::json accepts as one document is exactly one value: that document.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "base/fuzzing/chunks.h"
#include "base/fuzzing/fuzz_check.h"
#include "boost/json.hpp"
#include "client/rest/json_stream.h"

namespace {

using kube::fuzzing::FuzzCheck;
using kube::rest::JsonValueSplitter;

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipWhitespace(absl::string_view s, size_t i) {
  while (i < s.size() && IsJsonWhitespace(s[i])) ++i;
  return i;
}

struct Result {
  absl::Status status;
  std::vector<std::string> values;
};

Result Split(const std::vector<absl::string_view>& chunks, size_t max) {
  Result result;
  JsonValueSplitter splitter(max);
  auto collect = [&result](absl::string_view value) {
    result.values.emplace_back(value);
    return absl::OkStatus();
  };
  for (absl::string_view chunk : chunks) {
    result.status = splitter.Feed(chunk, collect);
    if (!result.status.ok()) return result;
  }
  result.status = splitter.Finish(collect);
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t chunking = data[0];
  const size_t max = data[1] < 64 ? 1 + data[1] : JsonValueSplitter::kDefaultMaxValueBytes;
  const absl::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Result whole = Split({stream}, max);
  const Result chunked = Split(kube::fuzzing::Chunks(stream, chunking), max);
  FuzzCheck(whole.status.code() == chunked.status.code(), "chunking changed the outcome",
            whole.status.ToString(), chunked.status.ToString());
  FuzzCheck(whole.values == chunked.values, "chunking changed the values", stream);

  size_t at = 0;
  for (const std::string& value : whole.values) {
    FuzzCheck(!value.empty() && value.size() <= max, "a value is empty or over the cap", value);
    at = SkipWhitespace(stream, at);
    FuzzCheck(stream.substr(at, value.size()) == value,
              "a value is not the next bytes of the stream", stream, value);
    at += value.size();
  }
  if (whole.status.ok()) {
    FuzzCheck(SkipWhitespace(stream, at) == stream.size(), "bytes after the last value are lost",
              stream);
  }

  boost::json::parse_options options;
  options.max_depth = 1 << 20;
  boost::system::error_code error;
  boost::json::parse(boost::json::string_view(stream.data(), stream.size()), error, {}, options);
  if (!error && max == JsonValueSplitter::kDefaultMaxValueBytes) {
    FuzzCheck(whole.status.ok() && whole.values.size() == 1,
              "a valid JSON document is not exactly one value", stream, whole.status.ToString());
  }
  return 0;
}
