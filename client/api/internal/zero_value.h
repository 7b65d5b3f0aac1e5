// IsZeroScalarValue: whether a singular scalar (non-message) protobuf field holds its type's zero
// value, as Go's IsZero sees it. Shared by the JSON writer (omitempty) and the unknown-field test
// helpers; each decides for itself what a message-typed field means.
#ifndef KUBECPP_CLIENT_API_INTERNAL_ZERO_VALUE_H_
#define KUBECPP_CLIENT_API_INTERNAL_ZERO_VALUE_H_

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace kube::api::internal {

// Precondition: `field` is singular and not of message type.
bool IsZeroScalarValue(const google::protobuf::Message& message,
                       const google::protobuf::FieldDescriptor* field);

}  // namespace kube::api::internal

#endif  // KUBECPP_CLIENT_API_INTERNAL_ZERO_VALUE_H_
