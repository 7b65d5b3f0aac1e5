// kube::meta::LabelSelector — label selectors with exactly apimachinery's grammar and semantics
// (k8s.io/apimachinery/pkg/labels), as the apiserver applies them to `labelSelector=`.
//
// Where it sits: informers and listers filter cached objects with Matches; indexers read
// requirements() / RequiresExactMatch to answer `key=value` from an index instead of a scan; the
// REST client sends String(). Protobuf-free and Boost-free: labels are read through LabelView,
// a two-pointer view over any string map (absl/std maps, a protobuf Map field) or a lookup
// callback, so matching never copies an object's labels.
//
// Grammar (client/meta/docs/selectors.md has the details):
//   selector    := "" | requirement ("," requirement)*
//   requirement := ["!"] KEY                                   exists / does not exist
//                | KEY ("=" | "==" | "!=") VALUE                VALUE may be empty
//                | KEY ("in" | "notin") "(" VALUE ("," VALUE)* ")"
//                | KEY (">" | "<") INTEGER                      decimal int64, label-value syntax
//   whitespace (space, \t, \r, \n) separates tokens; KEY and VALUE are validated as label keys and
//   values (client/meta/validation.h).
//
// Semantics worth knowing (all apimachinery's):
//   * "!=" and "notin" match objects that lack the key; ">"/"<" never match a missing key or a
//     value that is not an integer.
//   * Parse sorts requirements by key (stable: equal keys keep their written order), and the
//     values of "in"/"notin" sorted and de-duplicated; String() prints that canonical form, so
//     Parse(s)->String() is what the apiserver would print and Parse(String()) round-trips.
//   * The empty selector matches everything; Nothing() matches nothing (and prints as "", like
//     apimachinery's, so do not send a Nothing() selector to the server).
//
// Thread-safety: LabelSelector and LabelRequirement are immutable values; every const method may
// be called concurrently. A LabelView must not outlive what it views.
#ifndef KUBECPP_CLIENT_META_LABELS_H_
#define KUBECPP_CLIENT_META_LABELS_H_

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace kube::meta {

// LabelOperator is a requirement's relation between a label and its values.
enum class LabelOperator : uint8_t {
  kIn,            // key in (v1,v2)
  kNotIn,         // key notin (v1,v2)
  kEquals,        // key=v
  kDoubleEquals,  // key==v (same meaning as kEquals; kept apart so String() round-trips)
  kNotEquals,     // key!=v
  kExists,        // key
  kDoesNotExist,  // !key
  kGreaterThan,   // key>7
  kLessThan,      // key<7
};

// LabelOperatorName is apimachinery's selection.Operator spelling: "in", "notin", "=", "==",
// "!=", "exists", "!", "gt", "lt".
absl::string_view LabelOperatorName(LabelOperator op);

namespace labels_internal {

// A map from strings to strings that can be searched by key: absl::flat_hash_map,
// std::map, std::unordered_map, google::protobuf::Map<std::string, std::string>, ...
template <typename M>
concept StringMap = std::constructible_from<typename M::key_type, absl::string_view> &&
    requires(const M& m, const typename M::key_type& k) {
  { m.find(k) != m.end() } -> std::convertible_to<bool>;
  { m.find(k)->second } -> std::convertible_to<absl::string_view>;
};

// Maps hashed with Abseil's default string hash (absl::flat_hash_map<std::string, V> and kin),
// which are searched with an absl::string_view. Other transparent maps take std::string_view
// (and fail to compile, rather than fail to match, when given an absl::string_view).
template <typename M>
constexpr bool kAbslStringHashed = [] {
  if constexpr (requires {
                  typename M::hasher;
                  typename M::key_equal;
                }) {
    using Reference = absl::flat_hash_map<std::string, int>;
    return std::is_same_v<typename M::hasher, typename Reference::hasher> &&
           std::is_same_v<typename M::key_equal, typename Reference::key_equal>;
  } else {
    return false;
  }
}();

}  // namespace labels_internal

// LabelView is a non-owning, read-only view of an object's labels: one lookup function. Build one
// from a string map (implicitly) or from a callback; it costs two pointers and a call per key.
class LabelView {
 public:
  // From any string map. Maps with heterogeneous lookup (absl::flat_hash_map, protobuf Map,
  // std::map with std::less<>) are searched with the view directly, others with a std::string
  // built from it.
  template <labels_internal::StringMap M>
  LabelView(const M& labels)  // NOLINT(google-explicit-constructor): a view, like string_view
      : object_(&labels), lookup_(&LookupInMap<M>) {}

  // FromFunction wraps `lookup`, callable as std::optional<absl::string_view>(absl::string_view
  // key): nullopt when the label is absent. The view holds a pointer to `lookup`, which must
  // outlive it.
  template <typename F>
  requires std::convertible_to<std::invoke_result_t<const F&, absl::string_view>,
                               std::optional<absl::string_view>>
  static LabelView FromFunction(const F& lookup) {
    return LabelView(&lookup, [](const void* f, absl::string_view key) {
      return std::optional<absl::string_view>((*static_cast<const F*>(f))(key));
    });
  }

  // Get returns the value of label `key`, or nullopt when the object has no such label. The
  // view points into the viewed map.
  std::optional<absl::string_view> Get(absl::string_view key) const {
    return lookup_(object_, key);
  }

 private:
  using LookupFn = std::optional<absl::string_view> (*)(const void*, absl::string_view);
  LabelView(const void* object, LookupFn lookup) : object_(object), lookup_(lookup) {}

  template <typename M>
  static std::optional<absl::string_view> LookupInMap(const void* object, absl::string_view key) {
    const M& map = *static_cast<const M*>(object);
    auto found = [&map](const auto& it) -> std::optional<absl::string_view> {
      if (it == map.end()) return std::nullopt;
      return absl::string_view(it->second);
    };
    std::string_view std_key(key.data(), key.size());
    if constexpr (labels_internal::kAbslStringHashed<M>) {
      return found(map.find(key));
    } else if constexpr (requires { map.find(std_key); }) {
      // Transparent standard containers (std::map<std::string, V, std::less<>>) and
      // google::protobuf::Map<std::string, V>, which looks up any std::string_view.
      return found(map.find(std_key));
    } else {
      return found(map.find(typename M::key_type(key)));
    }
  }

  const void* object_;
  LookupFn lookup_;
};

// LabelRequirement is one condition of a selector: key, operator, values.
class LabelRequirement {
 public:
  // Create validates like apimachinery's NewRequirement: the key is a label key; every value is
  // a label value; in/notin need at least one value, =/==/!= exactly one, exists/!exists none,
  // >/< exactly one decimal int64. InvalidArgument otherwise. Values are kept sorted; duplicates
  // are kept (as apimachinery does for LabelSelector match expressions; Parse never makes any).
  static absl::StatusOr<LabelRequirement> Create(std::string key, LabelOperator op,
                                                 std::vector<std::string> values);

  const std::string& key() const { return key_; }
  LabelOperator op() const { return op_; }
  // values are sorted (byte order). Empty for kExists / kDoesNotExist.
  absl::Span<const std::string> values() const { return values_; }

  bool Matches(LabelView labels) const;

  // String is apimachinery's form: "k=v", "k==v", "k!=v", "k in (a,b)", "k notin (a,b)", "k",
  // "!k", "k>5", "k<5".
  std::string String() const;
  void AppendString(std::string* out) const;

  friend bool operator==(const LabelRequirement& a, const LabelRequirement& b) {
    return a.key_ == b.key_ && a.op_ == b.op_ && a.values_ == b.values_;
  }
  template <typename H>
  friend H AbslHashValue(H h, const LabelRequirement& r) {
    return H::combine(std::move(h), r.key_, r.op_, r.values_);
  }

 private:
  LabelRequirement(std::string key, LabelOperator op, std::vector<std::string> values,
                   int64_t bound)
      : key_(std::move(key)), op_(op), values_(std::move(values)), bound_(bound) {}
  bool HasValue(absl::string_view value) const;

  std::string key_;
  LabelOperator op_;
  std::vector<std::string> values_;
  int64_t bound_;  // the parsed integer of kGreaterThan / kLessThan
};

class LabelSelector {
 public:
  // The empty selector: matches everything (= Everything()).
  LabelSelector() = default;

  static LabelSelector Everything() { return LabelSelector(); }
  // Nothing matches no object. It has no requirements and String() is "" (as apimachinery's);
  // use IsNothing() to tell it from Everything().
  static LabelSelector Nothing();

  // Parse reads the text form (grammar above). InvalidArgument for bad input, with the byte
  // offset of the offending token and what was expected there.
  static absl::StatusOr<LabelSelector> Parse(absl::string_view text);

  // FromRequirements ANDs already-validated requirements, sorted by key (stably).
  static LabelSelector FromRequirements(std::vector<LabelRequirement> requirements);

  // FromSet is the selector matching exactly the given labels (key=value for each entry), as
  // apimachinery's ValidatedSelectorFromSet; an empty set gives Everything(). InvalidArgument if
  // a key or value is invalid. `set` is any range of (key, value) pairs.
  template <typename Map>
  static absl::StatusOr<LabelSelector> FromSet(const Map& set) {
    std::vector<LabelRequirement> requirements;
    for (const auto& [key, value] : set) {
      absl::StatusOr<LabelRequirement> r =
          LabelRequirement::Create(std::string(key), LabelOperator::kEquals, {std::string(value)});
      if (!r.ok()) return r.status();
      requirements.push_back(*std::move(r));
    }
    return FromRequirements(std::move(requirements));
  }

  // Add returns this selector with `r` ANDed in (Nothing() stays Nothing()).
  LabelSelector Add(LabelRequirement r) const&;
  LabelSelector Add(LabelRequirement r) &&;

  // Matches is true when every requirement matches `labels` (always for Everything(), never for
  // Nothing()).
  bool Matches(LabelView labels) const;

  // Empty is true when the selector does not restrict anything (Everything()). False for
  // Nothing(), as in apimachinery.
  bool Empty() const { return !nothing_ && requirements_.empty(); }
  bool IsNothing() const { return nothing_; }

  // requirements in canonical order (sorted by key), for indexers and for inspection.
  absl::Span<const LabelRequirement> requirements() const { return requirements_; }

  // RequiresExactMatch returns the value that `key` must have for the selector to match, when
  // the first requirement on `key` is =, == or an "in" with a single value (apimachinery's
  // semantics); nullopt otherwise. An indexer on `key` can then serve the lookup. The view
  // points into this selector.
  std::optional<absl::string_view> RequiresExactMatch(absl::string_view key) const;

  // String is the canonical text form (requirements sorted by key, comma-separated).
  std::string String() const;

  friend bool operator==(const LabelSelector& a, const LabelSelector& b) {
    return a.nothing_ == b.nothing_ && a.requirements_ == b.requirements_;
  }
  template <typename H>
  friend H AbslHashValue(H h, const LabelSelector& s) {
    return H::combine(std::move(h), s.nothing_, s.requirements_);
  }

 private:
  std::vector<LabelRequirement> requirements_;  // sorted by key, stably
  bool nothing_ = false;
};

}  // namespace kube::meta

#endif  // KUBECPP_CLIENT_META_LABELS_H_
