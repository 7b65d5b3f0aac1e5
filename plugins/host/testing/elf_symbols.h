// kube::plugins::testing::ExportedSymbols — the symbols a shared object exports, read from its
// ELF dynamic symbol table (what `nm -D --defined-only` prints), without any external tool.
#ifndef KUBECPP_PLUGINS_HOST_TESTING_ELF_SYMBOLS_H_
#define KUBECPP_PLUGINS_HOST_TESTING_ELF_SYMBOLS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kube::plugins::testing {

// ExportedSymbols lists the defined global and weak symbols of the .dynsym section of the
// 64-bit little-endian ELF file at `path` (the ABI of every platform the project builds for),
// sorted. Undefined (imported) symbols are not listed.
absl::StatusOr<std::vector<std::string>> ExportedSymbols(absl::string_view path);

}  // namespace kube::plugins::testing

#endif  // KUBECPP_PLUGINS_HOST_TESTING_ELF_SYMBOLS_H_
