#include "client/api/testing/empty_strings.h"

#include "client/api/json_options.pb.h"
#include "google/protobuf/descriptor.h"

namespace kube::api::testing {
namespace {

namespace pb = ::google::protobuf;

// ForEachSubMessage calls `fn` on every set message held by `message`'s non-map fields.
template <typename Fn>
void ForEachSubMessage(pb::Message* message, Fn fn) {
  const pb::Descriptor* d = message->GetDescriptor();
  const pb::Reflection* r = message->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->is_map() || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int k = 0; k < r->FieldSize(*message, f); ++k)
        fn(r->MutableRepeatedMessage(message, f, k));
    } else if (r->HasField(*message, f)) {
      fn(r->MutableMessage(message, f));
    }
  }
}

bool SingularString(const pb::FieldDescriptor* f) {
  return f->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING && !f->is_repeated() &&
         f->containing_oneof() == nullptr;
}

}  // namespace

void ClearEmptyStrings(pb::Message* message) {
  const pb::Descriptor* d = message->GetDescriptor();
  const pb::Reflection* r = message->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (SingularString(f) && !f->options().GetExtension(json_keep_zero) &&
        r->HasField(*message, f) && r->GetString(*message, f).empty()) {
      r->ClearField(message, f);
    }
  }
  ForEachSubMessage(message, [](pb::Message* sub) { ClearEmptyStrings(sub); });
}

void SetEmptyStrings(pb::Message* message, bool keep_zero_too) {
  const pb::Descriptor* d = message->GetDescriptor();
  const pb::Reflection* r = message->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (SingularString(f) && (keep_zero_too || !f->options().GetExtension(json_keep_zero)) &&
        !r->HasField(*message, f)) {
      r->SetString(message, f, "");
    }
  }
  ForEachSubMessage(message,
                    [keep_zero_too](pb::Message* sub) { SetEmptyStrings(sub, keep_zero_too); });
}

}  // namespace kube::api::testing
