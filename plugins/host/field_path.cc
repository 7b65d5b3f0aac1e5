#include "plugins/host/field_path.h"

#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace kube::plugins {
namespace {

bool IsFieldChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || c == '-';
}

absl::Status Malformed(absl::string_view text, size_t offset, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrFormat("invalid field path \"%s\": %s at offset %d",
                                                    absl::CHexEscape(text), why, offset));
}

}  // namespace

absl::StatusOr<FieldPath> FieldPath::Parse(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("invalid field path: empty");
  if (text.size() > kMaxLength) {
    return absl::InvalidArgumentError(
        absl::StrFormat("invalid field path: %d bytes, longer than %d", text.size(), kMaxLength));
  }
  FieldPath path;
  size_t i = 0;
  // A field is expected at the start and after every ".".
  bool expect_field = true;
  while (i < text.size()) {
    if (expect_field) {
      const size_t start = i;
      while (i < text.size() && IsFieldChar(text[i])) ++i;
      if (i == start) return Malformed(text, start, "expected a field name");
      path.Field(text.substr(start, i - start));
      expect_field = false;
      continue;
    }
    const char c = text[i];
    if (c == '.') {
      ++i;
      if (i == text.size()) return Malformed(text, i, "expected a field name after '.'");
      expect_field = true;
      continue;
    }
    if (c != '[') return Malformed(text, i, absl::StrCat("unexpected '", text.substr(i, 1), "'"));
    ++i;
    if (i == text.size()) return Malformed(text, i, "unterminated '['");
    if (text[i] == '\'' || text[i] == '"') {
      const char quote = text[i++];
      std::string key;
      bool closed = false;
      while (i < text.size()) {
        const char k = text[i++];
        if (k == quote) {
          closed = true;
          break;
        }
        if (k == '\\') {
          if (i == text.size()) break;
          const char escaped = text[i];
          if (escaped != '\\' && escaped != '\'' && escaped != '"') {
            return Malformed(text, i, "unknown escape (only \\\\, \\' and \\\" exist)");
          }
          key.push_back(escaped);
          ++i;
          continue;
        }
        key.push_back(k);
      }
      if (!closed) return Malformed(text, i, "unterminated quoted key");
      if (i == text.size() || text[i] != ']') return Malformed(text, i, "expected ']'");
      ++i;
      path.Key(key);
      continue;
    }
    const size_t start = i;
    size_t index = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      index = index * 10 + static_cast<size_t>(text[i] - '0');
      if (index > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
        return Malformed(text, start, "index too large");
      }
      ++i;
    }
    if (i == start) return Malformed(text, start, "expected an index or a quoted key");
    if (text[start] == '0' && i - start > 1) return Malformed(text, start, "index with leading 0");
    if (i == text.size() || text[i] != ']') return Malformed(text, i, "expected ']'");
    ++i;
    path.Index(index);
  }
  return path;
}

FieldPath& FieldPath::Field(absl::string_view name) {
  elements_.push_back(Element{Element::Kind::kField, std::string(name), 0});
  return *this;
}

FieldPath& FieldPath::Index(size_t index) {
  elements_.push_back(Element{Element::Kind::kIndex, std::string(), index});
  return *this;
}

FieldPath& FieldPath::Key(absl::string_view key) {
  elements_.push_back(Element{Element::Kind::kKey, std::string(key), 0});
  return *this;
}

bool FieldPath::HasPrefix(const FieldPath& prefix) const {
  if (prefix.elements_.size() > elements_.size()) return false;
  for (size_t i = 0; i < prefix.elements_.size(); ++i) {
    if (!(prefix.elements_[i] == elements_[i])) return false;
  }
  return true;
}

std::string FieldPath::String() const {
  std::string out;
  for (const Element& e : elements_) {
    switch (e.kind) {
      case Element::Kind::kField:
        if (!out.empty()) out.push_back('.');
        out += e.name;
        break;
      case Element::Kind::kIndex:
        absl::StrAppend(&out, "[", e.index, "]");
        break;
      case Element::Kind::kKey:
        out += "['";
        for (char c : e.name) {
          if (c == '\\' || c == '\'') out.push_back('\\');
          out.push_back(c);
        }
        out += "']";
        break;
    }
  }
  return out;
}

}  // namespace kube::plugins
