// kube::fuzzing::Chunks — cut a fuzz input into chunks, the way a transport might deliver it.
//
// Stream parsers must give the same result whatever the chunk boundaries; a fuzz target feeds
// the same bytes whole and in the chunks this returns and compares. The cut points are derived
// from `seed` (a control byte of the input), so libFuzzer can steer them and a crash reproduces.
#ifndef KUBECPP_BASE_FUZZING_CHUNKS_H_
#define KUBECPP_BASE_FUZZING_CHUNKS_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"

namespace kube::fuzzing {

// Chunks returns views into `data` that concatenate to it: lengths cycle through 1..16 bytes
// (small seeds) or up to 256 bytes (large seeds), following a tiny generator seeded by `seed`.
inline std::vector<absl::string_view> Chunks(absl::string_view data, uint8_t seed) {
  std::vector<absl::string_view> chunks;
  uint32_t state = 0x9E3779B9u ^ seed;
  const uint32_t limit = seed < 128 ? 16 : 256;
  while (!data.empty()) {
    state = state * 1664525u + 1013904223u;
    const size_t n = std::min<size_t>(data.size(), 1 + (state >> 16) % limit);
    chunks.push_back(data.substr(0, n));
    data.remove_prefix(n);
  }
  return chunks;
}

}  // namespace kube::fuzzing

#endif  // KUBECPP_BASE_FUZZING_CHUNKS_H_
