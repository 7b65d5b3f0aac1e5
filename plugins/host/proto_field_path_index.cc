#include "plugins/host/proto_field_path_index.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "plugins/host/proto_object_view.h"

namespace kube::plugins {
namespace {

using Element = FieldPath::Element;

FieldPath PathOf(const std::vector<Element>& elements, size_t count) {
  FieldPath path;
  for (size_t i = 0; i < count; ++i) {
    const Element& e = elements[i];
    switch (e.kind) {
      case Element::Kind::kField:
        path.Field(e.name);
        break;
      case Element::Kind::kIndex:
        path.Index(e.index);
        break;
      case Element::Kind::kKey:
        path.Key(e.name);
        break;
    }
  }
  return path;
}

// WildcardEnds finds each "[*]" outside quoted keys and returns `text` with them as "[0]" plus
// the offset just past each.
std::pair<std::string, std::vector<size_t>> ReplaceWildcards(absl::string_view text) {
  std::string out;
  std::vector<size_t> ends;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote != 0) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        out.push_back(text[++i]);
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    if (text.substr(i, 3) == "[*]") {
      out.append("[0]");
      i += 2;
      ends.push_back(out.size());
      continue;
    }
    out.push_back(c);
  }
  return {std::move(out), std::move(ends)};
}

}  // namespace

absl::StatusOr<CompiledFieldPath> CompiledFieldPath::Compile(
    absl::string_view text, const google::protobuf::Message& prototype) {
  auto [replaced, ends] = ReplaceWildcards(text);
  absl::StatusOr<FieldPath> path = FieldPath::Parse(replaced);
  if (!path.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("field path index \"", text, "\": ", path.status().message()));
  }
  const std::vector<Element>& elements = path->elements();
  if (elements.size() == 1 && elements[0].kind == Element::Kind::kField &&
      (elements[0].name == "kind" || elements[0].name == "apiVersion")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field path index \"", text, "\": protobuf objects carry no kind or apiVersion"));
  }
  CompiledFieldPath compiled;
  compiled.text_ = std::string(text);
  compiled.elements_ = elements;
  for (size_t end : ends) {
    // The prefix up to this "[0]" parses whenever the whole path did.
    absl::StatusOr<FieldPath> prefix = FieldPath::Parse(absl::string_view(replaced).substr(0, end));
    if (!prefix.ok()) return prefix.status();
    compiled.wildcards_.push_back(prefix->elements().size() - 1);
  }
  // On the empty message every schema-valid scalar path is NotFound; the rest of the view's
  // codes say why the path cannot be indexed.
  ProtoObjectView view(prototype, "", "");
  absl::StatusOr<FieldValue> probe = view.Field(*path);
  if (!probe.ok() && probe.status().code() != absl::StatusCode::kNotFound) {
    return absl::InvalidArgumentError(absl::StrCat("field path index \"", text, "\" on ",
                                                   prototype.GetDescriptor()->full_name(), ": ",
                                                   probe.status().message()));
  }
  return compiled;
}

std::vector<std::string> CompiledFieldPath::Values(const google::protobuf::Message& message) const {
  ProtoObjectView view(message, "", "");
  std::vector<std::string> out;
  if (wildcards_.empty()) {
    absl::StatusOr<FieldValue> value = view.Field(PathOf(elements_, elements_.size()));
    out.push_back(value.ok() ? std::string(value->text()) : "");
    return out;
  }
  std::vector<Element> elements = elements_;
  Expand(message, elements, 0, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void CompiledFieldPath::Expand(const google::protobuf::Message& message,
                               std::vector<Element>& elements, size_t wildcard,
                               std::vector<std::string>& out) const {
  ProtoObjectView view(message, "", "");
  if (wildcard == wildcards_.size()) {
    absl::StatusOr<FieldValue> value = view.Field(PathOf(elements, elements.size()));
    if (value.ok()) out.emplace_back(value->text());
    return;
  }
  size_t at = wildcards_[wildcard];
  absl::StatusOr<size_t> size = view.ListSize(PathOf(elements, at));
  if (!size.ok()) return;  // checked at Compile; only a metadata-only object could get here
  for (size_t i = 0; i < *size; ++i) {
    elements[at].index = i;
    Expand(message, elements, wildcard + 1, out);
  }
}

}  // namespace kube::plugins
