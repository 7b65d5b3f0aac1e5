// Test helpers that write protobuf wire data by hand, for tests of the readers in client/rest.
#ifndef KUBECPP_CLIENT_REST_INTERNAL_PROTO_WIRE_TESTING_H_
#define KUBECPP_CLIENT_REST_INTERNAL_PROTO_WIRE_TESTING_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace kube::rest::internal::testing {

// VarintField encodes field `number` as a varint.
std::string VarintField(int number, uint64_t value);
// BytesField encodes field `number` as a length-delimited value.
std::string BytesField(int number, absl::string_view value);
// Envelope is "k8s\0" + runtime.Unknown{typeMeta{apiVersion, kind}, raw}, with the empty
// contentEncoding and contentType the apiserver writes.
std::string Envelope(absl::string_view api_version, absl::string_view kind, absl::string_view raw);
// Frame prefixes `message` with its 4-byte big-endian length.
std::string Frame(absl::string_view message);

}  // namespace kube::rest::internal::testing

#endif  // KUBECPP_CLIENT_REST_INTERNAL_PROTO_WIRE_TESTING_H_
