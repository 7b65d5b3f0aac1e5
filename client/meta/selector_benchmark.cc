// Costs of parsing and matching selectors, and of object keys: the operations an informer does
// per object (Matches, key building) and per configuration (Parse).
//
//   bazel run -c opt //client/meta:selector_benchmark
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "client/meta/fields.h"
#include "client/meta/labels.h"
#include "client/meta/object_key.h"

namespace kube::meta {
namespace {

using FlatLabels = absl::flat_hash_map<std::string, std::string>;
using StdLabels = std::map<std::string, std::string>;

constexpr absl::string_view kSimple = "tier=frontend";
constexpr absl::string_view kComplex =
    "app.kubernetes.io/name=web,tier in (frontend,backend,cache),env notin (dev,test),"
    "!legacy,app.kubernetes.io/managed-by,generation>3";

// Typical object labels: ten entries, matching kComplex.
template <typename Map>
Map TypicalLabels() {
  Map labels;
  labels["app.kubernetes.io/name"] = "web";
  labels["app.kubernetes.io/instance"] = "web-prod";
  labels["app.kubernetes.io/managed-by"] = "helm";
  labels["app.kubernetes.io/version"] = "1.2.3";
  labels["tier"] = "frontend";
  labels["env"] = "prod";
  labels["generation"] = "7";
  labels["team"] = "platform";
  labels["pod-template-hash"] = "5d8f7c9b6";
  labels["region"] = "eu-west-1";
  return labels;
}

void BM_ParseLabelSelector(benchmark::State& state, absl::string_view text) {
  for (auto _ : state) {
    absl::StatusOr<LabelSelector> s = LabelSelector::Parse(text);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK_CAPTURE(BM_ParseLabelSelector, simple, kSimple);
BENCHMARK_CAPTURE(BM_ParseLabelSelector, complex, kComplex);

void BM_LabelSelectorString(benchmark::State& state) {
  LabelSelector s = *LabelSelector::Parse(kComplex);
  for (auto _ : state) benchmark::DoNotOptimize(s.String());
}
BENCHMARK(BM_LabelSelectorString);

template <typename Map>
void MatchLabels(benchmark::State& state, absl::string_view text) {
  LabelSelector s = *LabelSelector::Parse(text);
  Map labels = TypicalLabels<Map>();
  if (!s.Matches(labels)) state.SkipWithError("selector should match");
  for (auto _ : state) benchmark::DoNotOptimize(s.Matches(labels));
}
void BM_MatchLabelsFlatHashMap(benchmark::State& state, absl::string_view text) {
  MatchLabels<FlatLabels>(state, text);
}
BENCHMARK_CAPTURE(BM_MatchLabelsFlatHashMap, simple, kSimple);
BENCHMARK_CAPTURE(BM_MatchLabelsFlatHashMap, complex, kComplex);
// std::map has no heterogeneous lookup: each key costs a std::string (as protobuf maps may).
void BM_MatchLabelsStdMap(benchmark::State& state, absl::string_view text) {
  MatchLabels<StdLabels>(state, text);
}
BENCHMARK_CAPTURE(BM_MatchLabelsStdMap, complex, kComplex);

void BM_MatchLabelsThroughCallback(benchmark::State& state) {
  LabelSelector s = *LabelSelector::Parse(kComplex);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (auto& [k, v] : TypicalLabels<StdLabels>()) pairs.emplace_back(k, v);
  auto lookup = [&](absl::string_view key) -> std::optional<absl::string_view> {
    for (const auto& [k, v] : pairs) {
      if (k == key) return v;
    }
    return std::nullopt;
  };
  for (auto _ : state) benchmark::DoNotOptimize(s.Matches(LabelView::FromFunction(lookup)));
}
BENCHMARK(BM_MatchLabelsThroughCallback);

void BM_RequiresExactMatch(benchmark::State& state) {
  LabelSelector s = *LabelSelector::Parse(kComplex);
  for (auto _ : state) benchmark::DoNotOptimize(s.RequiresExactMatch("app.kubernetes.io/name"));
}
BENCHMARK(BM_RequiresExactMatch);

void BM_ParseFieldSelector(benchmark::State& state) {
  for (auto _ : state) {
    absl::StatusOr<FieldSelector> s =
        FieldSelector::Parse("spec.nodeName=node-1,status.phase!=Succeeded,metadata.name=a\\,b");
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_ParseFieldSelector);

void BM_MatchFields(benchmark::State& state) {
  FieldSelector s = *FieldSelector::Parse("spec.nodeName=node-1,status.phase!=Succeeded");
  std::string node = "node-1";
  std::string phase = "Running";
  auto fields = [&](absl::string_view f) -> std::optional<std::string> {
    if (f == "spec.nodeName") return node;
    if (f == "status.phase") return phase;
    return std::nullopt;
  };
  for (auto _ : state) benchmark::DoNotOptimize(s.Matches(fields));
}
BENCHMARK(BM_MatchFields);

void BM_ObjectKeyFromTrusted(benchmark::State& state) {
  std::string ns = "kube-system";
  std::string name = "coredns-5d78c9869d-abcde";
  for (auto _ : state) benchmark::DoNotOptimize(ObjectKey::FromTrusted(ns, name));
}
BENCHMARK(BM_ObjectKeyFromTrusted);

void BM_ObjectKeyParse(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(ObjectKey::Parse("kube-system/coredns-5d78c9869d-abcde"));
  }
}
BENCHMARK(BM_ObjectKeyParse);

void BM_ObjectKeyMapLookupByString(benchmark::State& state) {
  ObjectKeyMap<int> map;
  for (int i = 0; i < 10000; ++i) {
    map[ObjectKey::FromTrusted(absl::StrCat("ns-", i % 10), absl::StrCat("object-", i))] = i;
  }
  std::string key = "ns-7/object-4567";
  for (auto _ : state) benchmark::DoNotOptimize(map.find(absl::string_view(key)));
}
BENCHMARK(BM_ObjectKeyMapLookupByString);

}  // namespace
}  // namespace kube::meta
