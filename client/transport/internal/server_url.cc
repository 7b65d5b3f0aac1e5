#include "client/transport/internal/server_url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kube::transport::internal {

absl::StatusOr<ServerUrl> ParseServerUrl(absl::string_view url) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("server URL \"", url, "\": ", why));
  };
  ServerUrl result;
  absl::string_view rest = url;
  const size_t scheme_end = rest.find("://");
  if (scheme_end != absl::string_view::npos) {
    const std::string scheme = absl::AsciiStrToLower(rest.substr(0, scheme_end));
    if (scheme == "https") {
      result.tls = true;
    } else if (scheme == "http") {
      result.tls = false;
    } else {
      return bad("scheme must be https or http");
    }
    rest.remove_prefix(scheme_end + 3);
  }
  const size_t authority_end = rest.find_first_of("/?#");
  if (authority_end != absl::string_view::npos &&
      rest.find_first_of("?#", authority_end) != absl::string_view::npos) {
    return bad("a query or fragment is not allowed");
  }
  const absl::string_view authority = rest.substr(0, authority_end);
  if (authority.empty()) return bad("no host");
  if (absl::StrContains(authority, '@')) return bad("user info is not allowed");

  absl::string_view host = authority;
  absl::string_view port;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return bad("unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("junk after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    if (colon != absl::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
  }
  if (host.empty()) return bad("no host");
  result.port = result.tls ? 443 : 80;
  if (!port.empty()) {
    uint32_t value = 0;
    if (!absl::SimpleAtoi(port, &value) || value == 0 || value > 65535) return bad("bad port");
    result.port = static_cast<uint16_t>(value);
  }
  result.host = absl::AsciiStrToLower(host);
  result.authority = std::string(authority);
  result.base_url = absl::StrCat(result.tls ? "https" : "http", "://", authority);
  return result;
}

}  // namespace kube::transport::internal
