#include "client/rest/warning.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace kube::rest {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

absl::Status Malformed(absl::string_view value, size_t at, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed Warning header (", what, " at byte ",
                                                 at, "): ", value.substr(0, 256)));
}

// ReadQuoted reads a quoted-string starting at `*i` (a '"'), resolving quoted-pairs.
absl::Status ReadQuoted(absl::string_view v, size_t* i, std::string* out) {
  if (*i >= v.size() || v[*i] != '"') return Malformed(v, *i, "expected '\"'");
  for (size_t j = *i + 1; j < v.size(); ++j) {
    const char c = v[j];
    if (c == '\\') {
      if (++j >= v.size()) break;
      out->push_back(v[j]);
    } else if (c == '"') {
      *i = j + 1;
      return absl::OkStatus();
    } else {
      out->push_back(c);
    }
  }
  return Malformed(v, v.size(), "unterminated quoted text");
}

}  // namespace

absl::StatusOr<std::vector<Warning>> ParseWarningHeader(absl::string_view v) {
  std::vector<Warning> warnings;
  size_t i = 0;
  for (;;) {
    while (i < v.size() && (IsSpace(v[i]) || v[i] == ',')) ++i;  // empty list elements allowed
    if (i >= v.size()) break;
    Warning w;
    // warn-code: three digits.
    if (i + 3 > v.size() || !absl::ascii_isdigit(static_cast<unsigned char>(v[i])) ||
        !absl::ascii_isdigit(static_cast<unsigned char>(v[i + 1])) ||
        !absl::ascii_isdigit(static_cast<unsigned char>(v[i + 2]))) {
      return Malformed(v, i, "expected a 3-digit code");
    }
    w.code = (v[i] - '0') * 100 + (v[i + 1] - '0') * 10 + (v[i + 2] - '0');
    i += 3;
    if (i >= v.size() || v[i] != ' ') return Malformed(v, i, "expected a space after the code");
    ++i;
    // warn-agent: host[:port] or a pseudonym; anything up to the next space, never quoted.
    const size_t agent_start = i;
    while (i < v.size() && !IsSpace(v[i]) && v[i] != '"' && v[i] != ',') ++i;
    if (i == agent_start) return Malformed(v, i, "expected an agent");
    w.agent = std::string(v.substr(agent_start, i - agent_start));
    if (i >= v.size() || v[i] != ' ') return Malformed(v, i, "expected a space after the agent");
    ++i;
    if (absl::Status s = ReadQuoted(v, &i, &w.text); !s.ok()) return s;
    // Optional warn-date: SP quoted HTTP-date.
    size_t j = i;
    while (j < v.size() && IsSpace(v[j])) ++j;
    if (j < v.size() && v[j] == '"') {
      std::string date;
      if (absl::Status s = ReadQuoted(v, &j, &date); !s.ok()) return s;
      i = j;
    }
    while (i < v.size() && IsSpace(v[i])) ++i;
    if (i < v.size() && v[i] != ',') return Malformed(v, i, "expected ',' between warnings");
    warnings.push_back(std::move(w));
  }
  return warnings;
}

std::vector<Warning> ParseWarningHeaders(const std::vector<absl::string_view>& values) {
  std::vector<Warning> all;
  for (absl::string_view value : values) {
    absl::StatusOr<std::vector<Warning>> parsed = ParseWarningHeader(value);
    if (!parsed.ok()) continue;
    for (Warning& w : *parsed) all.push_back(std::move(w));
  }
  return all;
}

}  // namespace kube::rest
