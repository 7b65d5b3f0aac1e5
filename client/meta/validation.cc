#include "client/meta/validation.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kube::meta {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// LabelNameChars: ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], without the length limit.
bool HasLabelNameShape(absl::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// One part of a DNS-1123 name: [a-z0-9]([-a-z0-9]*[a-z0-9])?, without the length limit.
bool HasDnsLabelShape(absl::string_view s) {
  if (s.empty() || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

bool HasDnsSubdomainShape(absl::string_view s) {
  while (true) {
    size_t dot = s.find('.');
    if (!HasDnsLabelShape(s.substr(0, dot))) return false;
    if (dot == absl::string_view::npos) return true;
    s.remove_prefix(dot + 1);
  }
}

std::string Quote(absl::string_view s) { return absl::StrCat("\"", absl::CHexEscape(s), "\""); }

constexpr absl::string_view kLabelNameRule =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
constexpr absl::string_view kDnsRule =
    "must consist of lower case alphanumeric characters or '-', and must start and end with an "
    "alphanumeric character";

}  // namespace

bool IsLabelKey(absl::string_view key) {
  size_t slash = key.find('/');
  absl::string_view name = key;
  if (slash != absl::string_view::npos) {
    absl::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (name.find('/') != absl::string_view::npos) return false;
    if (!IsDns1123Subdomain(prefix)) return false;
  }
  return name.size() <= kLabelNameMaxLength && HasLabelNameShape(name);
}

absl::Status ValidateLabelKey(absl::string_view key) {
  if (IsLabelKey(key)) return absl::OkStatus();
  absl::string_view name = key;
  size_t slash = key.find('/');
  if (slash != absl::string_view::npos) {
    absl::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (name.find('/') != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid label key ", Quote(key),
                       ": a label key is a name with an optional DNS subdomain prefix and one '/' "
                       "(e.g. 'example.com/MyName')"));
    }
    if (prefix.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid label key ", Quote(key), ": prefix part must be non-empty"));
    }
    if (absl::Status s = ValidateDns1123Subdomain(prefix); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid label key ", Quote(key), ": prefix part ", s.message()));
    }
  }
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid label key ", Quote(key), ": name part must be non-empty"));
  }
  if (name.size() > kLabelNameMaxLength) {
    return absl::InvalidArgumentError(absl::StrCat("invalid label key ", Quote(key),
                                                   ": name part must be no more than ",
                                                   kLabelNameMaxLength, " characters"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("invalid label key ", Quote(key), ": name part ", kLabelNameRule));
}

bool IsLabelValue(absl::string_view value) {
  return value.empty() || (value.size() <= kLabelNameMaxLength && HasLabelNameShape(value));
}

absl::Status ValidateLabelValue(absl::string_view value) {
  if (IsLabelValue(value)) return absl::OkStatus();
  if (value.size() > kLabelNameMaxLength) {
    return absl::InvalidArgumentError(absl::StrCat("invalid label value ", Quote(value),
                                                   ": must be no more than ", kLabelNameMaxLength,
                                                   " characters"));
  }
  return absl::InvalidArgumentError(absl::StrCat("invalid label value ", Quote(value),
                                                 ": a valid label must be an empty string or ",
                                                 kLabelNameRule));
}

bool IsDns1123Label(absl::string_view value) {
  return value.size() <= kDns1123LabelMaxLength && HasDnsLabelShape(value);
}

absl::Status ValidateDns1123Label(absl::string_view value) {
  if (IsDns1123Label(value)) return absl::OkStatus();
  if (value.size() > kDns1123LabelMaxLength) {
    return absl::InvalidArgumentError(absl::StrCat(Quote(value), " must be no more than ",
                                                   kDns1123LabelMaxLength, " characters"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      Quote(value), " is not a DNS-1123 label: a lowercase RFC 1123 label ", kDnsRule));
}

bool IsDns1123Subdomain(absl::string_view value) {
  return value.size() <= kDns1123SubdomainMaxLength && HasDnsSubdomainShape(value);
}

absl::Status ValidateDns1123Subdomain(absl::string_view value) {
  if (IsDns1123Subdomain(value)) return absl::OkStatus();
  if (value.size() > kDns1123SubdomainMaxLength) {
    return absl::InvalidArgumentError(absl::StrCat(Quote(value), " must be no more than ",
                                                   kDns1123SubdomainMaxLength, " characters"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(Quote(value), " is not a DNS-1123 subdomain: a lowercase RFC 1123 subdomain ",
                   kDnsRule, ", with '.' between parts"));
}

bool IsPathSegmentName(absl::string_view name) {
  return name != "." && name != ".." && name.find_first_of("/%") == absl::string_view::npos;
}

absl::Status ValidatePathSegmentName(absl::string_view name) {
  if (IsPathSegmentName(name)) return absl::OkStatus();
  if (name == "." || name == "..") {
    return absl::InvalidArgumentError(absl::StrCat("name may not be ", Quote(name)));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("name ", Quote(name), " may not contain '/' or '%'"));
}

}  // namespace kube::meta
