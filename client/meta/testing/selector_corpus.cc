#include "client/meta/testing/selector_corpus.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kube::meta::testing {
namespace {

template <typename T, size_t N>
const T& Pick(const T (&items)[N], std::mt19937& rng) {
  return items[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

bool Chance(std::mt19937& rng, int percent) {
  return std::uniform_int_distribution<int>(0, 99)(rng) < percent;
}

std::string Space(std::mt19937& rng) {
  static constexpr absl::string_view kSpaces[] = {"", "", "", " ", "  ", "\t", "\n", "\r"};
  return std::string(Pick(kSpaces, rng));
}

const std::string& LongName(int n) {
  static const std::string s63(63, 'x');
  static const std::string s64(64, 'x');
  return n == 63 ? s63 : s64;
}

std::string LabelKey(std::mt19937& rng) {
  static constexpr absl::string_view kKeys[] = {
      "app",
      "tier",
      "env",
      "a",
      "in",
      "notin",
      "version",
      "A.b-c_d",
      "x9",
      "example.com/app",
      "k8s.io/role",
      "a.b.c/d-e",
      "app.kubernetes.io/name",
      "-bad",
      "bad-",
      "Upper.Case/x",
      "a/b/c",
      "/x",
      "x/",
      "a_b",
      "ex_ample.com/a",
      "123",
      "a..b/c",
      "é",
  };
  int roll = std::uniform_int_distribution<int>(0, 39)(rng);
  if (roll == 0) return LongName(63);
  if (roll == 1) return LongName(64);
  if (roll == 2) return absl::StrCat("example.com/", LongName(63));
  return std::string(Pick(kKeys, rng));
}

std::string LabelValue(std::mt19937& rng) {
  static constexpr absl::string_view kValues[] = {
      "",
      "v",
      "web",
      "prod",
      "in",
      "notin",
      "a_b.c-d",
      "1",
      "01",
      "42",
      "-1",
      "+1",
      "x-",
      "_x",
      "9223372036854775807",
      "9223372036854775808",
      "A",
      "a b",
      "é",
      "0",
      "1e3",
  };
  int roll = std::uniform_int_distribution<int>(0, 29)(rng);
  if (roll == 0) return LongName(63);
  if (roll == 1) return LongName(64);
  return std::string(Pick(kValues, rng));
}

std::string LabelRequirementText(std::mt19937& rng) {
  std::string key = LabelKey(rng);
  switch (std::uniform_int_distribution<int>(0, 8)(rng)) {
    case 0:
      return absl::StrCat(Space(rng), key, Space(rng));
    case 1:
      return absl::StrCat(Space(rng), "!", Space(rng), key, Space(rng));
    case 2:
    case 3: {
      static constexpr absl::string_view kOps[] = {"=", "==", "!="};
      return absl::StrCat(key, Space(rng), Pick(kOps, rng), Space(rng), LabelValue(rng));
    }
    case 4:
    case 5:
    case 6: {
      std::string text = absl::StrCat(key, Chance(rng, 50) ? " in " : " notin ", Space(rng), "(");
      int n = std::uniform_int_distribution<int>(0, 3)(rng);
      for (int i = 0; i < n; ++i) {
        if (i > 0) absl::StrAppend(&text, ",", Space(rng));
        absl::StrAppend(&text, LabelValue(rng));
      }
      absl::StrAppend(&text, Space(rng), ")");
      return text;
    }
    default: {
      static constexpr absl::string_view kNumbers[] = {
          "0", "1", "7", "42", "01", "-3", "x", "9223372036854775807", ""};
      return absl::StrCat(key, Space(rng), Chance(rng, 50) ? ">" : "<", Space(rng),
                          Pick(kNumbers, rng));
    }
  }
}

std::string FieldName(std::mt19937& rng) {
  static constexpr absl::string_view kFields[] = {
      "metadata.name",
      "metadata.namespace",
      "spec.nodeName",
      "status.phase",
      "spec.bogus",
      "a",
      "",
      "a!b",
      "a\\,b",
      " metadata.name",
  };
  return std::string(Pick(kFields, rng));
}

std::string FieldValue(std::mt19937& rng) {
  static constexpr absl::string_view kValues[] = {
      "",     "x",       "node-1", "Running", "a\\,b", "a\\=b",    "a\\\\b", "a!b",
      "a\\x", "trail\\", "a=b",    "é",       "\xFF",  "a\\,\xFF", "sp ace", "!",
  };
  return std::string(Pick(kValues, rng));
}

}  // namespace

std::string RandomLabelSelector(std::mt19937& rng) {
  int n = std::uniform_int_distribution<int>(0, 4)(rng);
  std::string text;
  for (int i = 0; i < n; ++i) {
    if (i > 0) text.push_back(',');
    text += LabelRequirementText(rng);
  }
  return text;
}

std::string RandomFieldSelector(std::mt19937& rng) {
  int n = std::uniform_int_distribution<int>(0, 3)(rng);
  std::string text;
  for (int i = 0; i < n; ++i) {
    if (i > 0 || Chance(rng, 10)) text.push_back(',');
    static constexpr absl::string_view kOps[] = {"=", "==", "!="};
    text += absl::StrCat(FieldName(rng), Pick(kOps, rng), FieldValue(rng));
  }
  if (Chance(rng, 10)) text.push_back(',');
  return text;
}

std::string Mutate(std::string s, std::mt19937& rng) {
  static constexpr char kBytes[] = {'=',  '!',  '(',  ')', ',', '>',    '<',   ' ', '\t',
                                    '\n', '\0', '\\', '/', '.', '-',    '_',   'a', 'z',
                                    'A',  '0',  '9',  'i', 'n', '\xFF', '\xC3'};
  int edits = std::uniform_int_distribution<int>(1, 3)(rng);
  for (int e = 0; e < edits; ++e) {
    size_t pos = std::uniform_int_distribution<size_t>(0, s.size())(rng);
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
      case 0:
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos), Pick(kBytes, rng));
        break;
      case 1:
        if (pos < s.size()) s.erase(pos, 1);
        break;
      case 2:
        if (pos < s.size()) s[pos] = Pick(kBytes, rng);
        break;
      default: {
        size_t len = std::uniform_int_distribution<size_t>(0, 6)(rng);
        std::string span = s.substr(pos, len);
        s.insert(pos, span);
        break;
      }
    }
  }
  return s;
}

std::vector<std::string> LabelSelectorCorpus(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::string s = RandomLabelSelector(rng);
    out.push_back(i % 2 == 0 ? s : Mutate(std::move(s), rng));
  }
  return out;
}

std::vector<std::string> FieldSelectorCorpus(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::string s = RandomFieldSelector(rng);
    out.push_back(i % 2 == 0 ? s : Mutate(std::move(s), rng));
  }
  return out;
}

std::string QueryEscape(absl::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    unsigned char b = static_cast<unsigned char>(c);
    bool plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                 b == '-' || b == '.' || b == '_' || b == '~';
    if (plain) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
  }
  return out;
}

}  // namespace kube::meta::testing
