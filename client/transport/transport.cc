#include "client/transport/transport.h"

#include "absl/strings/match.h"

namespace kube::transport {

std::optional<absl::string_view> FindHeader(const Headers& headers, absl::string_view name) {
  for (const Header& header : headers) {
    if (absl::EqualsIgnoreCase(header.name, name)) return absl::string_view(header.value);
  }
  return std::nullopt;
}

std::vector<absl::string_view> FindHeaders(const Headers& headers, absl::string_view name) {
  std::vector<absl::string_view> values;
  for (const Header& header : headers) {
    if (absl::EqualsIgnoreCase(header.name, name)) values.emplace_back(header.value);
  }
  return values;
}

}  // namespace kube::transport
