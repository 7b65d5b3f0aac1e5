// kube::transport::internal::GzipDecoder — streaming gunzip of a response body.
//
// The transport feeds it body bytes as they arrive and hands the output to the handler in
// bounded pieces, so a compressed stream is delivered incrementally and a pause (OnBody returning
// false) can stop in the middle of a read. Concatenated gzip members are decoded one after the
// other, as Go's reader does; anything else after a member, a corrupt stream or a stream cut
// short is DataLoss.
//
// Thread-safety: none; one decoder per exchange, used on its strand.
#ifndef KUBECPP_CLIENT_TRANSPORT_INTERNAL_GZIP_DECODER_H_
#define KUBECPP_CLIENT_TRANSPORT_INTERNAL_GZIP_DECODER_H_

#include <zlib.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kube::transport::internal {

class GzipDecoder {
 public:
  GzipDecoder();
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;
  ~GzipDecoder();

  // Decode consumes bytes from the front of `input` (advancing it) and appends decoded bytes to
  // `output` until `max_output` bytes were appended or all of `input` is consumed. When it
  // returns OK with fewer than `max_output` bytes appended, `input` is empty. DataLoss for
  // corrupt data.
  absl::Status Decode(absl::string_view& input, std::string& output, size_t max_output);

  // Finish checks, once the body has ended, that the last member was complete.
  absl::Status Finish() const;

 private:
  z_stream stream_{};
  bool initialized_ = false;
  bool member_ended_ = false;  // the last member ended; input may start another
  bool any_input_ = false;
};

}  // namespace kube::transport::internal

#endif  // KUBECPP_CLIENT_TRANSPORT_INTERNAL_GZIP_DECODER_H_
