#include "client/rest/frame_reader.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace kube::rest {

LengthPrefixedFrameReader::LengthPrefixedFrameReader(size_t max_frame_bytes)
    : max_frame_bytes_(max_frame_bytes) {}

absl::Status LengthPrefixedFrameReader::Fail(absl::Status status) {
  status_ = std::move(status);
  buffer_.clear();
  return status_;
}

absl::Status LengthPrefixedFrameReader::FrameLength(absl::string_view bytes, size_t* length) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const uint32_t n =
      (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
  if (n > max_frame_bytes_) {
    return Fail(absl::ResourceExhaustedError(
        absl::StrCat("frame at stream offset ", stream_offset_, " announces ", n,
                     " bytes, more than the limit of ", max_frame_bytes_)));
  }
  *length = n;
  return absl::OkStatus();
}

absl::Status LengthPrefixedFrameReader::Feed(absl::string_view chunk, FrameCallback on_frame) {
  if (!status_.ok()) return status_;
  // First complete the frame begun in an earlier chunk, copying only what it still needs.
  if (!buffer_.empty()) {
    if (buffer_.size() < kPrefixBytes) {
      const size_t take = std::min(kPrefixBytes - buffer_.size(), chunk.size());
      buffer_.append(chunk.data(), take);
      chunk.remove_prefix(take);
      if (buffer_.size() < kPrefixBytes) return absl::OkStatus();
    }
    size_t length = 0;
    if (absl::Status s = FrameLength(buffer_, &length); !s.ok()) return s;
    const size_t missing = kPrefixBytes + length - buffer_.size();
    const size_t take = std::min(missing, chunk.size());
    buffer_.append(chunk.data(), take);
    chunk.remove_prefix(take);
    if (take < missing) return absl::OkStatus();
    absl::Status s = on_frame(absl::string_view(buffer_).substr(kPrefixBytes));
    stream_offset_ += buffer_.size();
    buffer_.clear();
    if (!s.ok()) return Fail(std::move(s));
  }
  // Then every frame that lies wholly inside the chunk, without copying.
  while (chunk.size() >= kPrefixBytes) {
    size_t length = 0;
    if (absl::Status s = FrameLength(chunk, &length); !s.ok()) return s;
    if (chunk.size() - kPrefixBytes < length) break;
    absl::Status s = on_frame(chunk.substr(kPrefixBytes, length));
    stream_offset_ += kPrefixBytes + length;
    chunk.remove_prefix(kPrefixBytes + length);
    if (!s.ok()) return Fail(std::move(s));
  }
  buffer_.assign(chunk.data(), chunk.size());
  return absl::OkStatus();
}

absl::Status LengthPrefixedFrameReader::Finish() {
  if (!status_.ok()) return status_;
  if (buffer_.empty()) return absl::OkStatus();
  if (buffer_.size() < kPrefixBytes) {
    return Fail(absl::DataLossError(absl::StrCat("stream ended inside a frame's length prefix (",
                                                 buffer_.size(), " of 4 bytes) at offset ",
                                                 stream_offset_)));
  }
  size_t length = 0;
  if (absl::Status s = FrameLength(buffer_, &length); !s.ok()) return s;
  return Fail(absl::DataLossError(absl::StrCat("stream ended inside a frame at offset ",
                                               stream_offset_, ": ", buffer_.size() - kPrefixBytes,
                                               " of ", length, " bytes arrived")));
}

}  // namespace kube::rest
