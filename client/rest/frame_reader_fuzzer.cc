// libFuzzer target for LengthPrefixedFrameReader (docs/fuzzing.md). Input: byte 0 picks the
// chunking, byte 1 the frame size cap, the rest is the stream. Checks:
//   - fed whole or in chunks, the reader yields the same frames and the same status code;
//   - frames are within the cap, and re-framing them (4-byte big-endian length + bytes) gives
//     back the start of the stream: all of it exactly when Finish succeeds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "base/fuzzing/chunks.h"
#include "base/fuzzing/fuzz_check.h"
#include "client/rest/frame_reader.h"

namespace {

using kube::fuzzing::FuzzCheck;
using kube::rest::LengthPrefixedFrameReader;

struct Result {
  absl::Status status;
  std::vector<std::string> frames;
};

Result Read(const std::vector<absl::string_view>& chunks, size_t max) {
  Result result;
  LengthPrefixedFrameReader reader(max);
  for (absl::string_view chunk : chunks) {
    result.status = reader.Feed(chunk, [&result](absl::string_view frame) {
      result.frames.emplace_back(frame);
      return absl::OkStatus();
    });
    if (!result.status.ok()) return result;
  }
  result.status = reader.Finish();
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t chunking = data[0];
  const size_t max = data[1] < 128 ? data[1] : LengthPrefixedFrameReader::kDefaultMaxFrameBytes;
  const absl::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Result whole = Read({stream}, max);
  const Result chunked = Read(kube::fuzzing::Chunks(stream, chunking), max);
  FuzzCheck(whole.status.code() == chunked.status.code(), "chunking changed the outcome",
            whole.status.ToString(), chunked.status.ToString());
  FuzzCheck(whole.frames == chunked.frames, "chunking changed the frames", stream);

  std::string reframed;
  for (const std::string& frame : whole.frames) {
    FuzzCheck(frame.size() <= max, "a frame is over the cap", frame);
    const uint32_t n = static_cast<uint32_t>(frame.size());
    reframed.push_back(static_cast<char>(n >> 24));
    reframed.push_back(static_cast<char>(n >> 16));
    reframed.push_back(static_cast<char>(n >> 8));
    reframed.push_back(static_cast<char>(n));
    reframed += frame;
  }
  FuzzCheck(stream.substr(0, reframed.size()) == reframed,
            "the frames are not the start of the stream", stream, reframed);
  FuzzCheck(whole.status.ok() == (reframed.size() == stream.size()),
            "Finish disagrees with what was left over", stream, whole.status.ToString());
  return 0;
}
