// YAML <-> Kubernetes JSON for the kubecpp tool: `get -o yaml` renders the server's JSON as
// YAML, and `apply -f` / `delete -f` read manifests written in YAML (or JSON, which is YAML).
#ifndef KUBECPP_TOOLS_KUBECPP_YAML_JSON_H_
#define KUBECPP_TOOLS_KUBECPP_YAML_JSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "boost/json/value.hpp"

namespace kube::tool {

// JsonToYaml renders a JSON value as a YAML document, keys sorted as kubectl prints them.
// Strings that YAML would read as another type ("true", "1", "") are quoted.
std::string JsonToYaml(const boost::json::value& value);

// YamlDocumentsToJson reads every document of a YAML stream ("---" separated) as JSON values,
// with the scalars typed the way Kubernetes' YAML reader (YAML 1.1) types them: null, booleans
// (true/false/yes/no/on/off), integers, floats, else strings; quoted scalars are strings.
// Empty documents are skipped. InvalidArgument for malformed YAML, with the line.
absl::StatusOr<std::vector<boost::json::value>> YamlDocumentsToJson(absl::string_view text);

}  // namespace kube::tool

#endif  // KUBECPP_TOOLS_KUBECPP_YAML_JSON_H_
