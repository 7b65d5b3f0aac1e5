#include "client/meta/fields.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/meta/internal/go_compat.h"

namespace kube::meta {
namespace {

constexpr absl::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// UnescapeAt is UnescapeFieldValue reporting the byte offset of an error within `escaped`.
absl::StatusOr<std::string> UnescapeAt(absl::string_view escaped, size_t* error_offset) {
  // Values without anything to unescape are taken verbatim (apimachinery's fast path, which is
  // also why only values that needed unescaping get U+FFFD for invalid UTF-8).
  if (escaped.find_first_of("\\,=") == absl::string_view::npos) return std::string(escaped);
  std::string out;
  out.reserve(escaped.size());
  size_t i = 0;
  while (i < escaped.size()) {
    char c = escaped[i];
    if (c == '\\') {
      if (i + 1 == escaped.size()) {
        *error_offset = i;
        return absl::InvalidArgumentError("invalid escape sequence: a trailing '\\'");
      }
      char next = escaped[i + 1];
      if (next != '\\' && next != ',' && next != '=') {
        *error_offset = i;
        internal::GoRune rune = internal::GoRuneWidth(escaped.substr(i + 1));
        return absl::InvalidArgumentError(absl::StrCat(
            "invalid escape sequence \"\\", absl::CHexEscape(escaped.substr(i + 1, rune.width)),
            "\": only '\\\\', '\\,' and '\\=' are escapes"));
      }
      out.push_back(next);
      i += 2;
      continue;
    }
    if (c == ',' || c == '=') {
      *error_offset = i;
      return absl::InvalidArgumentError(absl::StrCat("unescaped '", absl::string_view(&c, 1),
                                                     "' in value (write \"\\",
                                                     absl::string_view(&c, 1), "\")"));
    }
    internal::GoRune rune = internal::GoRuneWidth(escaped.substr(i));
    if (rune.valid) {
      absl::StrAppend(&out, escaped.substr(i, rune.width));
    } else {
      absl::StrAppend(&out, kReplacementCharacter);
    }
    i += rune.width;
  }
  return out;
}

void AppendEscaped(absl::string_view value, std::string* out) {
  for (char c : value) {
    if (c == '\\' || c == ',' || c == '=') out->push_back('\\');
    out->push_back(c);
  }
}

void AppendRequirement(const FieldRequirement& r, std::string* out) {
  out->append(r.field);
  out->append(r.op == FieldOperator::kEquals ? "=" : "!=");
  AppendEscaped(r.value, out);
}

}  // namespace

std::string FieldRequirement::String() const {
  std::string out;
  AppendRequirement(*this, &out);
  return out;
}

std::string EscapeFieldValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  AppendEscaped(value, &out);
  return out;
}

absl::StatusOr<std::string> UnescapeFieldValue(absl::string_view escaped) {
  size_t offset = 0;
  absl::StatusOr<std::string> value = UnescapeAt(escaped, &offset);
  if (!value.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid field selector value \"",
                                                   absl::CHexEscape(escaped), "\": at offset ",
                                                   offset, ": ", value.status().message()));
  }
  return value;
}

FieldSelector FieldSelector::Nothing() {
  FieldSelector s;
  s.nothing_ = true;
  return s;
}

absl::StatusOr<FieldSelector> FieldSelector::Parse(absl::string_view text) {
  auto error = [&](size_t offset, absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid field selector \"", absl::CHexEscape(text), "\": at offset ", offset, ": ", what));
  };
  std::vector<FieldRequirement> requirements;
  size_t start = 0;
  while (start <= text.size()) {
    // A term ends at the first ',' that is not escaped; a backslash escapes the next byte.
    size_t end = start;
    while (end < text.size() && text[end] != ',') end += text[end] == '\\' ? 2 : 1;
    end = std::min(end, text.size());
    absl::string_view term = text.substr(start, end - start);
    size_t term_offset = start;
    start = end + 1;
    if (term.empty()) continue;

    // The first position holding "!=", "==" or "=" (tried in that order) splits the term.
    size_t op_at = absl::string_view::npos;
    size_t op_len = 0;
    FieldOperator op = FieldOperator::kEquals;
    for (size_t i = 0; i < term.size(); ++i) {
      if (term[i] == '!' && i + 1 < term.size() && term[i + 1] == '=') {
        op_at = i;
        op_len = 2;
        op = FieldOperator::kNotEquals;
        break;
      }
      if (term[i] == '=') {
        op_at = i;
        op_len = i + 1 < term.size() && term[i + 1] == '=' ? 2 : 1;
        break;
      }
    }
    if (op_at == absl::string_view::npos) {
      return error(term_offset, absl::StrCat("term \"", absl::CHexEscape(term),
                                             "\" has no operator (=, == or !=)"));
    }
    size_t value_offset = term_offset + op_at + op_len;
    size_t bad = 0;
    absl::StatusOr<std::string> value = UnescapeAt(term.substr(op_at + op_len), &bad);
    if (!value.ok()) return error(value_offset + bad, value.status().message());
    // A term with neither field nor value ("=", "==", "!=") selects everything: apimachinery
    // drops it while parsing, and the apiserver accepts it for every kind.
    if (op_at == 0 && value->empty()) continue;
    requirements.push_back(
        FieldRequirement{std::string(term.substr(0, op_at)), op, *std::move(value)});
  }
  return FromRequirements(std::move(requirements));
}

FieldSelector FieldSelector::FromSet(const FieldSet& fields) {
  std::vector<FieldRequirement> requirements;
  requirements.reserve(fields.size());
  for (const auto& [field, value] : fields) {
    requirements.push_back(FieldRequirement{field, FieldOperator::kEquals, value});
  }
  return FromRequirements(std::move(requirements));
}

FieldSelector FieldSelector::FromRequirements(std::vector<FieldRequirement> requirements) {
  // Canonical order: by the printed term, which is how apimachinery orders the terms of a parsed
  // selector (it sorts the raw terms), so String() agrees with it except where a term was written
  // with "==".
  std::vector<std::pair<std::string, FieldRequirement>> keyed;
  keyed.reserve(requirements.size());
  for (FieldRequirement& r : requirements) {
    std::string printed = r.String();
    keyed.emplace_back(std::move(printed), std::move(r));
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  FieldSelector s;
  s.requirements_.reserve(keyed.size());
  for (auto& [printed, r] : keyed) s.requirements_.push_back(std::move(r));
  return s;
}

bool FieldSelector::Matches(FieldAccessor fields) const {
  if (nothing_) return false;
  for (const FieldRequirement& r : requirements_) {
    std::optional<std::string> value = fields(r.field);
    bool equal = value.has_value() ? *value == r.value : r.value.empty();
    if (equal != (r.op == FieldOperator::kEquals)) return false;
  }
  return true;
}

bool FieldSelector::Matches(const FieldSet& fields) const {
  if (nothing_) return false;
  for (const FieldRequirement& r : requirements_) {
    auto it = fields.find(r.field);
    bool equal = it != fields.end() ? it->second == r.value : r.value.empty();
    if (equal != (r.op == FieldOperator::kEquals)) return false;
  }
  return true;
}

std::optional<absl::string_view> FieldSelector::RequiresExactMatch(absl::string_view field) const {
  for (const FieldRequirement& r : requirements_) {
    if (r.op == FieldOperator::kEquals && r.field == field) return absl::string_view(r.value);
  }
  return std::nullopt;
}

std::string FieldSelector::String() const {
  std::string out;
  for (size_t i = 0; i < requirements_.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendRequirement(requirements_[i], &out);
  }
  return out;
}

}  // namespace kube::meta
