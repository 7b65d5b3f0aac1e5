#include "client/api/internal/zero_value.h"

#include <string>

namespace kube::api::internal {

bool IsZeroScalarValue(const google::protobuf::Message& message,
                       const google::protobuf::FieldDescriptor* field) {
  using FD = google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  switch (field->cpp_type()) {
    case FD::CPPTYPE_INT32:
      return reflection->GetInt32(message, field) == 0;
    case FD::CPPTYPE_INT64:
      return reflection->GetInt64(message, field) == 0;
    case FD::CPPTYPE_UINT32:
      return reflection->GetUInt32(message, field) == 0;
    case FD::CPPTYPE_UINT64:
      return reflection->GetUInt64(message, field) == 0;
    case FD::CPPTYPE_DOUBLE:
      return reflection->GetDouble(message, field) == 0;
    case FD::CPPTYPE_FLOAT:
      return reflection->GetFloat(message, field) == 0;
    case FD::CPPTYPE_BOOL:
      return !reflection->GetBool(message, field);
    case FD::CPPTYPE_ENUM:
      return reflection->GetEnumValue(message, field) == 0;
    case FD::CPPTYPE_STRING: {
      std::string scratch;
      return reflection->GetStringReference(message, field, &scratch).empty();
    }
    case FD::CPPTYPE_MESSAGE:
      return false;  // outside the precondition; callers handle messages themselves
  }
  return false;
}

}  // namespace kube::api::internal
