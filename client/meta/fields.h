// kube::meta::FieldSelector — field selectors with exactly apimachinery's grammar and
// semantics (k8s.io/apimachinery/pkg/fields), as the apiserver reads `fieldSelector=`.
//
// Where it sits: the REST client sends String(); informers and listers filter with Matches
// through a field accessor (the object's kind knows how to read "spec.nodeName"); indexers use
// RequiresExactMatch to serve "field=value" from an index. Which fields the apiserver accepts
// for each kind is data in client/meta/selectable_fields.h. No protobuf, no Boost.
//
// Grammar (client/meta/docs/selectors.md has the details):
//   selector := term ("," term)*          empty terms are skipped; "" selects everything, and so
//                                         do terms with neither field nor value ("=", "!=")
//   term     := FIELD ("=" | "==" | "!=") VALUE
//   The first "!=", "==" or "=" in a term splits it; FIELD is taken verbatim (no escapes, not
//   validated: the apiserver rejects unknown fields per kind). In VALUE, ',' and '=' must be
//   escaped as "\," and "\=", and '\' as "\\"; no other escape exists ('!' is plain data).
//
// Semantics (all apimachinery's): a field the object lacks reads as "" — "f=" matches it,
// "f!=x" matches it. "=" and "==" are the same operator and print as "=".
//
// Thread-safety: FieldSelector is an immutable value; const methods may be called concurrently.
#ifndef KUBECPP_CLIENT_META_FIELDS_H_
#define KUBECPP_CLIENT_META_FIELDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace kube::meta {

enum class FieldOperator : uint8_t {
  kEquals,     // field=value (also written field==value)
  kNotEquals,  // field!=value
};

// FieldRequirement is one term: apimachinery's fields.Requirement.
struct FieldRequirement {
  std::string field;
  FieldOperator op = FieldOperator::kEquals;
  std::string value;  // unescaped

  // String is "field=escaped-value" or "field!=escaped-value".
  std::string String() const;

  friend bool operator==(const FieldRequirement&, const FieldRequirement&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const FieldRequirement& r) {
    return H::combine(std::move(h), r.field, r.op, r.value);
  }
};

// FieldAccessor reads one field of an object: its value, or nullopt when the object has no such
// field (which matches like ""). Non-owning: any callable with this signature, std::function
// included, converts to it for the duration of the call.
using FieldAccessor = absl::FunctionRef<std::optional<std::string>(absl::string_view field)>;

// FieldSet is a plain field -> value map (apimachinery's fields.Set).
using FieldSet = absl::flat_hash_map<std::string, std::string>;

class FieldSelector {
 public:
  // The empty selector: matches everything.
  FieldSelector() = default;

  static FieldSelector Everything() { return FieldSelector(); }
  // Nothing matches nothing; prints as "" (as apimachinery's); tell it apart with IsNothing().
  static FieldSelector Nothing();

  // Parse reads the text form. InvalidArgument for a term with no operator, an unescaped ',' or
  // '=' in a value, or a bad escape, naming the term and its byte offset.
  static absl::StatusOr<FieldSelector> Parse(absl::string_view text);

  // FromSet selects objects whose fields equal every entry (no validation, as apimachinery).
  static FieldSelector FromSet(const FieldSet& fields);

  // FromRequirements ANDs the given terms (no validation), in canonical order.
  static FieldSelector FromRequirements(std::vector<FieldRequirement> requirements);

  bool Matches(FieldAccessor fields) const;
  bool Matches(const FieldSet& fields) const;

  // Empty is true when nothing is restricted (Everything()). False for Nothing().
  bool Empty() const { return !nothing_ && requirements_.empty(); }
  bool IsNothing() const { return nothing_; }

  // requirements in canonical order (sorted by their String()).
  absl::Span<const FieldRequirement> requirements() const { return requirements_; }

  // RequiresExactMatch returns the value of the first "field=value" term on `field`, if any
  // (apimachinery's semantics): an index on that field can serve the lookup. Points into this
  // selector.
  std::optional<absl::string_view> RequiresExactMatch(absl::string_view field) const;

  // String is the canonical text form: terms sorted, values escaped, "==" written "=".
  std::string String() const;

  friend bool operator==(const FieldSelector& a, const FieldSelector& b) {
    return a.nothing_ == b.nothing_ && a.requirements_ == b.requirements_;
  }
  template <typename H>
  friend H AbslHashValue(H h, const FieldSelector& s) {
    return H::combine(std::move(h), s.nothing_, s.requirements_);
  }

 private:
  std::vector<FieldRequirement> requirements_;  // sorted by String()
  bool nothing_ = false;
};

// EscapeFieldValue escapes '\', ',' and '=' with a backslash (apimachinery's EscapeValue).
std::string EscapeFieldValue(absl::string_view value);

// UnescapeFieldValue reverses EscapeFieldValue, with apimachinery's UnescapeValue rules:
// InvalidArgument for an unescaped ',' or '=', for '\' followed by anything but '\', ',' or
// '=', and for a trailing '\'. Like apimachinery, a value that needed unescaping has each
// invalid UTF-8 byte replaced by U+FFFD.
absl::StatusOr<std::string> UnescapeFieldValue(absl::string_view escaped);

}  // namespace kube::meta

#endif  // KUBECPP_CLIENT_META_FIELDS_H_
