#include "client/transport/internal/gzip_decoder.h"

#include <algorithm>
#include <climits>

#include "absl/strings/str_cat.h"

namespace kube::transport::internal {

GzipDecoder::GzipDecoder() {
  // 16 + MAX_WBITS: gzip framing only (no zlib or raw deflate).
  initialized_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;
}

GzipDecoder::~GzipDecoder() {
  if (initialized_) inflateEnd(&stream_);
}

absl::Status GzipDecoder::Decode(absl::string_view& input, std::string& output, size_t max_output) {
  if (!initialized_) return absl::InternalError("zlib inflateInit2 failed");
  size_t produced = 0;
  bool output_pending = true;  // zlib may hold output from an earlier call that ran out of room
  while (produced < max_output) {
    if (member_ended_) {
      if (input.empty()) return absl::OkStatus();
      if (static_cast<unsigned char>(input[0]) != 0x1f ||
          (input.size() > 1 && static_cast<unsigned char>(input[1]) != 0x8b)) {
        return absl::DataLossError("gzip: unexpected data after the end of the compressed body");
      }
      inflateReset(&stream_);
      member_ended_ = false;
    }
    if (input.empty() && !output_pending) return absl::OkStatus();
    const size_t room = max_output - produced;
    const size_t old_size = output.size();
    output.resize(old_size + room);
    const size_t offered = std::min<size_t>(input.size(), UINT_MAX);
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(offered);
    stream_.next_out = reinterpret_cast<Bytef*>(output.data() + old_size);
    stream_.avail_out = static_cast<uInt>(std::min<size_t>(room, UINT_MAX));
    const uInt out_before = stream_.avail_out;
    const int rc = inflate(&stream_, Z_NO_FLUSH);
    const size_t consumed = offered - stream_.avail_in;
    const size_t made = out_before - stream_.avail_out;
    input.remove_prefix(consumed);
    output.resize(old_size + made);
    produced += made;
    if (consumed > 0) any_input_ = true;
    switch (rc) {
      case Z_STREAM_END:
        member_ended_ = true;
        output_pending = false;
        continue;
      case Z_OK:
        output_pending = stream_.avail_out == 0;
        continue;
      case Z_BUF_ERROR:
        // No progress was possible: zlib needs more input than there is.
        if (consumed == 0 && made == 0) {
          if (input.empty()) return absl::OkStatus();
          return absl::DataLossError("gzip: decoder made no progress");
        }
        output_pending = stream_.avail_out == 0;
        continue;
      default:
        return absl::DataLossError(absl::StrCat(
            "gzip: corrupt compressed body: ", stream_.msg != nullptr ? stream_.msg : "error ",
            stream_.msg != nullptr ? "" : absl::StrCat(rc)));
    }
  }
  return absl::OkStatus();
}

absl::Status GzipDecoder::Finish() const {
  if (!any_input_ || member_ended_) return absl::OkStatus();
  return absl::DataLossError("gzip: compressed body ended before the end of its stream");
}

}  // namespace kube::transport::internal
