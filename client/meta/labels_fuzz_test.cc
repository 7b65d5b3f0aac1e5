// Fuzz-style tests of the label selector parser: thousands of grammar-built and mutated inputs
// (deterministic seeds). Parsing must never crash (run under --config=asan too), and every
// accepted selector must survive a round trip through its canonical String().
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "client/meta/labels.h"
#include "client/meta/testing/selector_corpus.h"
#include "gtest/gtest.h"

namespace kube::meta {
namespace {

constexpr int kInputs = 20000;

void CheckRoundTrip(const std::string& input, int* accepted) {
  absl::StatusOr<LabelSelector> s = LabelSelector::Parse(input);
  if (!s.ok()) {
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    return;
  }
  ++*accepted;
  std::string canonical = s->String();
  absl::StatusOr<LabelSelector> again = LabelSelector::Parse(canonical);
  ASSERT_TRUE(again.ok()) << "\"" << absl::CHexEscape(input) << "\" printed as \""
                          << absl::CHexEscape(canonical) << "\": " << again.status();
  EXPECT_EQ(*again, *s) << absl::CHexEscape(input);
  EXPECT_EQ(again->String(), canonical) << absl::CHexEscape(input);
  for (size_t i = 1; i < s->requirements().size(); ++i) {
    EXPECT_LE(s->requirements()[i - 1].key(), s->requirements()[i].key());
  }
}

TEST(LabelSelectorFuzzTest, GrammarBuiltAndMutatedInputsRoundTrip) {
  int accepted = 0;
  for (const std::string& input : testing::LabelSelectorCorpus(/*seed=*/1, kInputs)) {
    CheckRoundTrip(input, &accepted);
    if (HasFatalFailure()) return;
  }
  // The corpus must exercise both sides; if the generator drifted to all-invalid (or
  // all-valid) input this test would prove little.
  EXPECT_GT(accepted, kInputs / 10);
  EXPECT_LT(accepted, kInputs * 9 / 10);
}

TEST(LabelSelectorFuzzTest, RandomBytesNeverCrash) {
  std::mt19937 rng(2);
  std::uniform_int_distribution<int> len(0, 40);
  std::uniform_int_distribution<int> byte(0, 255);
  int accepted = 0;
  for (int i = 0; i < kInputs; ++i) {
    std::string input;
    int n = len(rng);
    for (int j = 0; j < n; ++j) input.push_back(static_cast<char>(byte(rng)));
    CheckRoundTrip(input, &accepted);
    if (HasFatalFailure()) return;
  }
}

TEST(LabelSelectorFuzzTest, MatchingAcceptedSelectorsNeverCrashesAndIsConsistent) {
  std::vector<absl::flat_hash_map<std::string, std::string>> label_sets = {
      {},
      {{"app", "web"}, {"tier", "1"}},
      {{"in", "notin"}, {"a", ""}, {"version", "42"}},
      {{"example.com/app", "prod"}, {"env", "9223372036854775807"}, {"x9", "-1"}},
  };
  for (const std::string& input : testing::LabelSelectorCorpus(/*seed=*/4, 5000)) {
    absl::StatusOr<LabelSelector> s = LabelSelector::Parse(input);
    if (!s.ok()) continue;
    for (const auto& labels : label_sets) {
      bool all = true;
      for (const LabelRequirement& r : s->requirements()) all = all && r.Matches(labels);
      EXPECT_EQ(s->Matches(labels), all) << absl::CHexEscape(input);
    }
  }
}

}  // namespace
}  // namespace kube::meta
