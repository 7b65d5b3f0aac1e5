// Test helpers for wire-compatibility checks of client/api messages.
#ifndef KUBECPP_CLIENT_API_TESTING_UNKNOWN_FIELDS_H_
#define KUBECPP_CLIENT_API_TESTING_UNKNOWN_FIELDS_H_

#include <string>
#include <vector>

#include "google/protobuf/message.h"

namespace kube::api::testing {

// FindUnknownFields lists every place in message (recursively: sub-messages, list elements, map
// values) holding protobuf fields its descriptor does not know, as "path: field numbers".
// Empty means every field the bytes carried was understood.
std::vector<std::string> FindUnknownFields(const google::protobuf::Message& message);

// ClearZeroScalars clears, recursively, every set non-message field holding its zero value
// unless it is marked json_keep_zero, and every json_omit_zero message field that is all zeros.
// The apiserver's protobuf writes such fields explicitly while its JSON omits them, so this
// brings a protobuf decode and a JSON decode of the same object to one form.
void ClearZeroScalars(google::protobuf::Message* message);

// ClearZeroNumbers is ClearZeroScalars leaving string and bytes fields alone: the protobuf codec
// already reads an empty omitempty string as absent (protobuf_parse.h), so a protobuf decode and
// a JSON decode must agree on strings as they are.
void ClearZeroNumbers(google::protobuf::Message* message);

}  // namespace kube::api::testing

#endif  // KUBECPP_CLIENT_API_TESTING_UNKNOWN_FIELDS_H_
