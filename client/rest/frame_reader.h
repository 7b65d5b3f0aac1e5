// kube::rest::LengthPrefixedFrameReader — cuts a byte stream into length-prefixed frames.
//
// Where it sits: a protobuf watch body (`application/vnd.kubernetes.protobuf;stream=watch`) is a
// sequence of frames, each a 4-byte big-endian length followed by that many bytes (one
// meta/v1.WatchEvent). Chunk boundaries from the transport mean nothing; this reassembles frames
// across them and hands out whole ones, without copying a frame that arrived within one chunk.
//
// A length above `max_frame_bytes` fails with ResourceExhausted as soon as the 4-byte prefix is
// read (nothing is buffered for it); a stream that ends inside a prefix or a frame fails with
// DataLoss at Finish(). Errors are sticky.
//
// Thread-safety: not thread-safe; one stream, one reader.
#ifndef KUBECPP_CLIENT_REST_FRAME_READER_H_
#define KUBECPP_CLIENT_REST_FRAME_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kube::rest {

class LengthPrefixedFrameReader {
 public:
  static constexpr size_t kDefaultMaxFrameBytes = size_t{16} << 20;
  static constexpr size_t kPrefixBytes = 4;

  // FrameCallback receives one frame (without its prefix); the view is valid only during the
  // call. An error returned from it stops the reader (sticky) and is returned by Feed.
  using FrameCallback = absl::FunctionRef<absl::Status(absl::string_view frame)>;

  explicit LengthPrefixedFrameReader(size_t max_frame_bytes = kDefaultMaxFrameBytes);

  // Feed consumes `chunk`, calling `on_frame` for each frame it completes, in order.
  absl::Status Feed(absl::string_view chunk, FrameCallback on_frame);

  // Finish ends the stream: DataLoss if it stopped inside a prefix or a frame.
  absl::Status Finish();

  // BufferedBytes is how many bytes of an unfinished prefix or frame are held.
  size_t BufferedBytes() const { return buffer_.size(); }

 private:
  absl::Status Fail(absl::Status status);
  // Reads the prefix at the start of `bytes` (which holds at least 4 bytes); checks the cap.
  absl::Status FrameLength(absl::string_view bytes, size_t* length);

  const size_t max_frame_bytes_;
  std::string buffer_;          // a partial prefix, or a whole prefix plus a partial frame
  uint64_t stream_offset_ = 0;  // stream position of the next unconsumed byte, for messages
  absl::Status status_;
};

}  // namespace kube::rest

#endif  // KUBECPP_CLIENT_REST_FRAME_READER_H_
