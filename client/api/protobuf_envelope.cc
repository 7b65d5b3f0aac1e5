#include "client/api/protobuf_envelope.h"

#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "client/api/runtime/runtime.pb.h"

namespace kube::api {

std::string WrapProtobuf(absl::string_view api_version, absl::string_view kind,
                         absl::string_view raw) {
  runtime::Unknown unknown;
  unknown.mutable_typemeta()->set_apiversion(std::string(api_version));
  unknown.mutable_typemeta()->set_kind(std::string(kind));
  unknown.set_raw(std::string(raw));
  // The apiserver writes both empty strings explicitly; so does kubecpp.
  unknown.set_contentencoding("");
  unknown.set_contenttype("");
  std::string body(kProtobufMagic);
  unknown.AppendToString(&body);
  return body;
}

absl::StatusOr<ProtobufEnvelope> UnwrapProtobuf(absl::string_view body) {
  if (body.size() < kProtobufMagic.size() ||
      body.substr(0, kProtobufMagic.size()) != kProtobufMagic) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a Kubernetes protobuf body: expected the magic 6b 38 73 00, got \"",
                     absl::CHexEscape(body.substr(0, kProtobufMagic.size())), "\""));
  }
  body.remove_prefix(kProtobufMagic.size());
  if (body.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return absl::InvalidArgumentError("protobuf body too large");
  }
  runtime::Unknown unknown;
  if (!unknown.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::InvalidArgumentError("malformed protobuf envelope (runtime.Unknown)");
  }
  if (!unknown.contentencoding().empty()) {
    return absl::UnimplementedError(
        absl::StrCat("unsupported protobuf content encoding \"", unknown.contentencoding(), "\""));
  }
  if (unknown.typemeta().kind().empty()) {
    return absl::InvalidArgumentError("protobuf envelope names no kind");
  }
  ProtobufEnvelope envelope;
  envelope.api_version = unknown.typemeta().apiversion();
  envelope.kind = unknown.typemeta().kind();
  envelope.raw = std::move(*unknown.mutable_raw());
  return envelope;
}

}  // namespace kube::api
