// kube::informers::testing::ParseWholeJsonList — the whole-body reading of a JSON LIST body that
// JsonListStreamDecoder (informers/internal/json_list_stream.h) must agree with: the body parsed
// at once by boost::json (nesting depth 256, as api::ParseJson and the codecs parse), then read
// as JsonCodec::Decode reads a list, with the stream decoder's documented extra rules (a repeated
// kind/apiVersion/metadata/items member, a non-string kind or apiVersion, a non-object item are
// errors). Test-only: it holds the whole DOM, which is what the stream decoder avoids.
#ifndef KUBECPP_INFORMERS_TESTING_JSON_LIST_ORACLE_H_
#define KUBECPP_INFORMERS_TESTING_JSON_LIST_ORACLE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "boost/json/value.hpp"
#include "client/api/meta/v1/meta.pb.h"

namespace kube::informers::testing {

struct WholeJsonList {
  absl::Status status;
  std::string api_version;
  std::string kind;
  std::vector<boost::json::value> items;
  api::meta::v1::ListMeta meta;
};

WholeJsonList ParseWholeJsonList(absl::string_view body);

}  // namespace kube::informers::testing

#endif  // KUBECPP_INFORMERS_TESTING_JSON_LIST_ORACLE_H_
