// Test-only generators of label and field selector strings: grammar-built ones (mostly valid,
// some invalid pieces on purpose) and byte-level mutations of them. Deterministic for a seed, so
// a failure reproduces. Used by the fuzz-style unit tests and by selector_apiserver_test, which
// asks the real apiserver about the same strings.
#ifndef KUBECPP_CLIENT_META_TESTING_SELECTOR_CORPUS_H_
#define KUBECPP_CLIENT_META_TESTING_SELECTOR_CORPUS_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace kube::meta::testing {

// RandomLabelSelector builds a selector from label-selector pieces (keys, operators, values,
// whitespace), most of them valid.
std::string RandomLabelSelector(std::mt19937& rng);

// RandomFieldSelector builds a field selector from field names, operators and values with and
// without escapes.
std::string RandomFieldSelector(std::mt19937& rng);

// Mutate applies 1..3 random byte edits (insert, delete, replace, duplicate a span) with bytes
// drawn mostly from selector syntax: operators, whitespace, NUL, backslash, letters, 0xFF.
std::string Mutate(std::string s, std::mt19937& rng);

// LabelSelectorCorpus / FieldSelectorCorpus: `n` strings for `seed`, half grammar-built, half
// mutated.
std::vector<std::string> LabelSelectorCorpus(uint32_t seed, int n);
std::vector<std::string> FieldSelectorCorpus(uint32_t seed, int n);

// QueryEscape percent-encodes every byte but [A-Za-z0-9-._~], for a URL query value.
std::string QueryEscape(absl::string_view s);

}  // namespace kube::meta::testing

#endif  // KUBECPP_CLIENT_META_TESTING_SELECTOR_CORPUS_H_
