#include "client/api/testing/unknown_fields.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/api/internal/zero_value.h"
#include "client/api/json_options.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/unknown_field_set.h"

namespace kube::api::testing {
namespace {

namespace pb = google::protobuf;
using FD = pb::FieldDescriptor;

void Walk(const pb::Message& message, const std::string& path, std::vector<std::string>& found) {
  const pb::Reflection* reflection = message.GetReflection();
  const pb::UnknownFieldSet& unknown = reflection->GetUnknownFields(message);
  if (!unknown.empty()) {
    std::vector<int> numbers;
    for (int i = 0; i < unknown.field_count(); ++i) numbers.push_back(unknown.field(i).number());
    found.push_back(absl::StrCat(path.empty() ? "<root>" : path, " (",
                                 message.GetDescriptor()->full_name(), "): unknown field numbers ",
                                 absl::StrJoin(numbers, ",")));
  }
  std::vector<const FD*> fields;
  reflection->ListFields(message, &fields);
  for (const FD* field : fields) {
    if (field->cpp_type() != FD::CPPTYPE_MESSAGE) continue;
    std::string child = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        Walk(reflection->GetRepeatedMessage(message, field, i), absl::StrCat(child, "[", i, "]"),
             found);
      }
    } else {
      Walk(reflection->GetMessage(message, field), child, found);
    }
  }
}

// IsZero: a scalar at its zero value; a message field never counts as zero here.
bool IsZero(const pb::Message& message, const FD* field) {
  if (field->cpp_type() == FD::CPPTYPE_MESSAGE) return false;
  return api::internal::IsZeroScalarValue(message, field);
}

bool IsZeroMessage(const pb::Message& message) {
  const pb::Reflection* reflection = message.GetReflection();
  std::vector<const FD*> fields;
  reflection->ListFields(message, &fields);
  for (const FD* field : fields) {
    if (field->is_repeated()) return false;
    if (field->cpp_type() == FD::CPPTYPE_MESSAGE) {
      if (!IsZeroMessage(reflection->GetMessage(message, field))) return false;
    } else if (!IsZero(message, field)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<std::string> FindUnknownFields(const google::protobuf::Message& message) {
  std::vector<std::string> found;
  Walk(message, "", found);
  return found;
}

namespace {

void ClearZeros(google::protobuf::Message* message, bool strings) {
  const pb::Reflection* reflection = message->GetReflection();
  std::vector<const FD*> fields;
  reflection->ListFields(*message, &fields);
  for (const FD* field : fields) {
    if (field->cpp_type() == FD::CPPTYPE_MESSAGE) {
      if (!field->is_repeated() && field->options().GetExtension(json_omit_zero) &&
          IsZeroMessage(reflection->GetMessage(*message, field))) {
        reflection->ClearField(message, field);
        continue;
      }
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          ClearZeros(reflection->MutableRepeatedMessage(message, field, i), strings);
        }
      } else {
        ClearZeros(reflection->MutableMessage(message, field), strings);
      }
      continue;
    }
    if (field->is_repeated() || field->options().GetExtension(json_keep_zero)) continue;
    if (!strings && field->cpp_type() == FD::CPPTYPE_STRING) continue;
    if (IsZero(*message, field)) reflection->ClearField(message, field);
  }
}

}  // namespace

void ClearZeroScalars(google::protobuf::Message* message) { ClearZeros(message, /*strings=*/true); }

void ClearZeroNumbers(google::protobuf::Message* message) {
  ClearZeros(message, /*strings=*/false);
}

}  // namespace kube::api::testing
