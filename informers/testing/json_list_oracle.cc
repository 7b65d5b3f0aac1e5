#include "informers/testing/json_list_oracle.h"

#include <cstdint>
#include <limits>
#include <set>

#include "absl/strings/str_cat.h"
#include "boost/json/basic_parser_impl.hpp"
#include "client/api/json_format.h"

namespace kube::informers::testing {
namespace {

namespace json = boost::json;

// TopLevelKeys collects the member names of the top-level object (boost::json's DOM keeps only
// the last of duplicates, so they are counted from the parse events).
struct TopLevelKeys {
  static constexpr size_t max_array_size = std::numeric_limits<size_t>::max();
  static constexpr size_t max_object_size = std::numeric_limits<size_t>::max();
  static constexpr size_t max_string_size = std::numeric_limits<size_t>::max();
  static constexpr size_t max_key_size = std::numeric_limits<size_t>::max();
  int depth = 0;
  std::string key;
  std::vector<std::string> keys;
  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) { return ++depth, true; }
  bool on_array_end(size_t, json::error_code&) { return --depth, true; }
  bool on_object_begin(json::error_code&) { return ++depth, true; }
  bool on_object_end(size_t, json::error_code&) { return --depth, true; }
  bool on_string_part(json::string_view, size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, size_t, json::error_code&) { return true; }
  bool on_key_part(json::string_view s, size_t, json::error_code&) {
    if (depth == 1) key.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, size_t, json::error_code&) {
    if (depth == 1) {
      key.append(s.data(), s.size());
      keys.push_back(std::move(key));
      key.clear();
    }
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

}  // namespace

WholeJsonList ParseWholeJsonList(absl::string_view body) {
  WholeJsonList out;
  absl::StatusOr<json::value> parsed = api::ParseJson(body);
  if (!parsed.ok()) {
    out.status = parsed.status();
    return out;
  }
  if (!parsed->is_object()) {
    out.status = absl::InvalidArgumentError("not an object");
    return out;
  }
  json::parse_options options;
  options.max_depth = 256;
  json::basic_parser<TopLevelKeys> keys_parser(options);
  json::error_code error;
  keys_parser.write_some(false, body.data(), body.size(), error);
  std::set<std::string> seen;
  for (const std::string& key : keys_parser.handler().keys) {
    if ((key == "kind" || key == "apiVersion" || key == "metadata" || key == "items") &&
        !seen.insert(key).second) {
      out.status = absl::InvalidArgumentError(absl::StrCat("duplicate ", key));
      return out;
    }
  }
  const json::object& object = parsed->get_object();
  for (absl::string_view name : {"kind", "apiVersion"}) {
    auto it = object.find(json::string_view(name.data(), name.size()));
    if (it == object.end()) continue;
    if (!it->value().is_string()) {
      out.status = absl::InvalidArgumentError(absl::StrCat(name, " is not a string"));
      return out;
    }
    const json::string& s = it->value().get_string();
    (name == "kind" ? out.kind : out.api_version).assign(s.data(), s.size());
  }
  if (out.kind.empty()) {
    out.status = absl::InvalidArgumentError("no kind");
    return out;
  }
  if (auto it = object.find("items"); it != object.end() && !it->value().is_null()) {
    if (!it->value().is_array()) {
      out.status = absl::InvalidArgumentError("items is not an array");
      return out;
    }
    for (const json::value& item : it->value().get_array()) {
      if (!item.is_object()) {
        out.status = absl::InvalidArgumentError("an item is not an object");
        out.items.clear();
        return out;
      }
      out.items.push_back(item);
    }
  }
  if (auto it = object.find("metadata"); it != object.end()) {
    out.status = api::JsonValueToMessage(it->value(), &out.meta);
    if (!out.status.ok()) out.items.clear();
  }
  return out;
}

}  // namespace kube::informers::testing
