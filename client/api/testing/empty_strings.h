// Test helpers for ParseWithoutEmptyStrings (client/api/protobuf_parse.h): the reference for what
// it leaves unset, and the apiserver's habit of spelling out empty strings.
#ifndef KUBECPP_CLIENT_API_TESTING_EMPTY_STRINGS_H_
#define KUBECPP_CLIENT_API_TESTING_EMPTY_STRINGS_H_

#include "google/protobuf/message.h"

namespace kube::api::testing {

// ClearEmptyStrings clears, at every depth, each set and empty singular string or bytes field
// outside oneofs and maps that is not json_keep_zero: what ParseWithoutEmptyStrings leaves unset.
void ClearEmptyStrings(google::protobuf::Message* message);

// SetEmptyStrings sets, at every depth, each unset singular string field outside oneofs and maps
// to "", as the apiserver's protobuf encoder writes Go's empty strings; json_keep_zero fields
// too when `keep_zero_too` (the server sends those only when set, e.g. a Go *string).
void SetEmptyStrings(google::protobuf::Message* message, bool keep_zero_too);

}  // namespace kube::api::testing

#endif  // KUBECPP_CLIENT_API_TESTING_EMPTY_STRINGS_H_
