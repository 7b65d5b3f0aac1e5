#include "tools/kubecpp/yaml_json.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json.hpp"
#include "re2/re2.h"
#include "yaml-cpp/yaml.h"

namespace kube::tool {
namespace {

namespace json = boost::json;

bool IsNullWord(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// YAML 1.1 booleans, as go-yaml v2 (behind sigs.k8s.io/yaml) resolves them.
std::optional<bool> BoolWord(const std::string& s) {
  static const char* const kTrue[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                      "True", "TRUE", "on",  "On",  "ON"};
  static const char* const kFalse[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                       "False", "FALSE", "off", "Off", "OFF"};
  for (const char* w : kTrue) {
    if (s == w) return true;
  }
  for (const char* w : kFalse) {
    if (s == w) return false;
  }
  return std::nullopt;
}

json::value PlainScalar(const std::string& s) {
  if (IsNullWord(s)) return nullptr;
  if (std::optional<bool> b = BoolWord(s); b.has_value()) return *b;
  static const RE2 kInt(R"([-+]?[0-9]+)");
  static const RE2 kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (RE2::FullMatch(s, kInt)) {
    int64_t i;
    if (absl::SimpleAtoi(s, &i)) return i;
  }
  if (RE2::FullMatch(s, kFloat)) {
    double d;
    if (absl::SimpleAtod(s, &d)) return d;
  }
  return json::string(s);
}

absl::StatusOr<json::value> NodeToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return json::value(nullptr);
    case YAML::NodeType::Scalar:
      // A non-plain (quoted, literal, folded) scalar is tagged "!": always a string.
      if (node.Tag() == "!") return json::value(json::string(node.Scalar()));
      if (node.Tag() == "tag:yaml.org,2002:str") return json::value(json::string(node.Scalar()));
      return PlainScalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      json::array out;
      for (const YAML::Node& item : node) {
        absl::StatusOr<json::value> v = NodeToJson(item);
        if (!v.ok()) return v.status();
        out.push_back(*std::move(v));
      }
      return json::value(std::move(out));
    }
    case YAML::NodeType::Map: {
      json::object out;
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          return absl::InvalidArgumentError(
              absl::StrCat("line ", kv.first.Mark().line + 1, ": a mapping key must be a scalar"));
        }
        absl::StatusOr<json::value> v = NodeToJson(kv.second);
        if (!v.ok()) return v.status();
        out[kv.first.Scalar()] = *std::move(v);
      }
      return json::value(std::move(out));
    }
  }
  return json::value(nullptr);
}

// NeedsQuotes: a string YAML would not read back as the same string.
bool NeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  // YAML 1.1 timestamps: kubectl quotes them so no reader turns them into dates.
  static const RE2 kTimestamp(R"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?)");
  if (RE2::FullMatch(s, kTimestamp)) return true;
  json::value v = PlainScalar(s);
  return !v.is_string();
}

void Emit(YAML::Emitter& out, const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      out << YAML::Null;
      break;
    case json::kind::bool_:
      out << value.get_bool();
      break;
    case json::kind::int64:
      out << value.get_int64();
      break;
    case json::kind::uint64:
      out << value.get_uint64();
      break;
    case json::kind::double_:
      out << value.get_double();
      break;
    case json::kind::string: {
      std::string s(value.get_string());
      if (NeedsQuotes(s)) {
        out << YAML::DoubleQuoted << s;
      } else if (s.find('\n') != std::string::npos) {
        // A literal block ("|") reads back with exactly one final newline and needs a
        // non-blank first line; anything else multi-line is double-quoted with escapes.
        bool literal = s.back() == '\n' && (s.size() < 2 || s[s.size() - 2] != '\n') &&
                       s[0] != ' ' && s[0] != '\n';
        if (literal) {
          out << YAML::Literal << s;
        } else {
          out << YAML::DoubleQuoted << s;
        }
      } else {
        out << s;
      }
      break;
    }
    case json::kind::array:
      if (value.get_array().empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        break;
      }
      out << YAML::BeginSeq;
      for (const json::value& item : value.get_array()) Emit(out, item);
      out << YAML::EndSeq;
      break;
    case json::kind::object: {
      const json::object& object = value.get_object();
      if (object.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        break;
      }
      std::vector<const json::key_value_pair*> members;
      for (const json::key_value_pair& kv : object) members.push_back(&kv);
      std::sort(members.begin(), members.end(),
                [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out << YAML::BeginMap;
      for (const json::key_value_pair* kv : members) {
        out << YAML::Key << std::string(kv->key()) << YAML::Value;
        Emit(out, kv->value());
      }
      out << YAML::EndMap;
      break;
    }
  }
}

}  // namespace

std::string JsonToYaml(const json::value& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  Emit(out, value);
  return std::string(out.c_str()) + "\n";
}

absl::StatusOr<std::vector<json::value>> YamlDocumentsToJson(absl::string_view text) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("malformed YAML: ", e.what()));
  }
  std::vector<json::value> out;
  for (const YAML::Node& document : documents) {
    if (document.IsNull()) continue;
    absl::StatusOr<json::value> v = NodeToJson(document);
    if (!v.ok()) return v.status();
    out.push_back(*std::move(v));
  }
  return out;
}

}  // namespace kube::tool
