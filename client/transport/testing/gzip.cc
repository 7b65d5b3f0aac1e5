#include "client/transport/testing/gzip.h"

#include <cstdlib>

namespace kube::transport::testing {

std::string GzipCompress(absl::string_view data) {
  GzipStreamWriter writer;
  return writer.Write(data, /*last=*/true);
}

GzipStreamWriter::GzipStreamWriter() {
  if (deflateInit2(&stream_, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    std::abort();  // test-only helper: zlib is broken
  }
}

GzipStreamWriter::~GzipStreamWriter() { deflateEnd(&stream_); }

std::string GzipStreamWriter::Write(absl::string_view data, bool last) {
  std::string out;
  stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream_.avail_in = static_cast<uInt>(data.size());
  const int flush = last ? Z_FINISH : Z_SYNC_FLUSH;
  char buffer[16384];
  int rc;
  do {
    stream_.next_out = reinterpret_cast<Bytef*>(buffer);
    stream_.avail_out = sizeof(buffer);
    rc = deflate(&stream_, flush);
    if (rc == Z_STREAM_ERROR) std::abort();
    out.append(buffer, sizeof(buffer) - stream_.avail_out);
  } while (stream_.avail_out == 0 || (last && rc != Z_STREAM_END));
  return out;
}

}  // namespace kube::transport::testing
