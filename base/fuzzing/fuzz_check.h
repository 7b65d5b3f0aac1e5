// kube::fuzzing::FuzzCheck — the assertion of fuzz targets (kube_cc_fuzzer, docs/fuzzing.md).
//
// A fuzz target checks properties of what it parsed (a canonical form re-parses to itself, a
// decoded object re-encodes to the same bytes), not only that nothing crashed. A violated property
// prints what was compared and aborts: libFuzzer then reports it like any crash and saves the
// input, and the corpus replay test (//base/fuzzing:corpus_main) fails on it.
#ifndef KUBECPP_BASE_FUZZING_FUZZ_CHECK_H_
#define KUBECPP_BASE_FUZZING_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace kube::fuzzing {

// FuzzCheck aborts with `what` and up to two values (C-escaped) when `ok` is false.
inline void FuzzCheck(bool ok, absl::string_view what, absl::string_view first = {},
                      absl::string_view second = {}) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property violated: %.*s\n", static_cast<int>(what.size()),
               what.data());
  if (!first.empty()) {
    std::fprintf(stderr, "  first:  \"%s\"\n", absl::CHexEscape(first).c_str());
  }
  if (!second.empty()) {
    std::fprintf(stderr, "  second: \"%s\"\n", absl::CHexEscape(second).c_str());
  }
  std::abort();
}

}  // namespace kube::fuzzing

#endif  // KUBECPP_BASE_FUZZING_FUZZ_CHECK_H_
