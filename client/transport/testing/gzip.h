// kube::transport::testing gzip helpers — gzip bodies for fake servers and decoder tests.
#ifndef KUBECPP_CLIENT_TRANSPORT_TESTING_GZIP_H_
#define KUBECPP_CLIENT_TRANSPORT_TESTING_GZIP_H_

#include <zlib.h>

#include <string>

#include "absl/strings/string_view.h"

namespace kube::transport::testing {

// GzipCompress returns `data` as one gzip member.
std::string GzipCompress(absl::string_view data);

// GzipStreamWriter compresses a body piece by piece, flushing after each piece so a reader can
// decode it before the next one exists (as a compressed stream of events would be).
class GzipStreamWriter {
 public:
  GzipStreamWriter();
  GzipStreamWriter(const GzipStreamWriter&) = delete;
  GzipStreamWriter& operator=(const GzipStreamWriter&) = delete;
  ~GzipStreamWriter();

  // Write returns the compressed bytes for `data`; with `last`, the end of the stream too.
  std::string Write(absl::string_view data, bool last = false);

 private:
  z_stream stream_{};
};

}  // namespace kube::transport::testing

#endif  // KUBECPP_CLIENT_TRANSPORT_TESTING_GZIP_H_
