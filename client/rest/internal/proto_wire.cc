#include "client/rest/internal/proto_wire.h"

#include <climits>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace kube::rest::internal {
namespace {

using ::google::protobuf::internal::WireFormatLite;
using ::google::protobuf::io::CodedInputStream;

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed protobuf message: ", what));
}

}  // namespace

absl::Status ForEachField(absl::string_view message,
                          absl::FunctionRef<absl::Status(const ProtoField&)> fn) {
  if (message.size() > static_cast<size_t>(INT_MAX)) return Malformed("message too large");
  const int size = static_cast<int>(message.size());
  CodedInputStream in(reinterpret_cast<const uint8_t*>(message.data()), size);
  for (;;) {
    if (in.CurrentPosition() == size) return absl::OkStatus();
    // Not ReadTag(): it is 0 for a literal zero tag even as the last byte (which must not pass
    // for the clean end of the message: Go rejects "illegal tag 0"), and it keeps the low 32
    // bits of a longer varint where libprotobuf rejects the message.
    uint64_t tag64 = 0;
    if (!in.ReadVarint64(&tag64) || tag64 == 0 || tag64 > UINT32_MAX) return Malformed("bad tag");
    const uint32_t tag = static_cast<uint32_t>(tag64);
    ProtoField field;
    field.number = WireFormatLite::GetTagFieldNumber(tag);
    if (field.number == 0) return Malformed("field number 0");
    switch (WireFormatLite::GetTagWireType(tag)) {
      case WireFormatLite::WIRETYPE_VARINT:
        field.type = WireType::kVarint;
        if (!in.ReadVarint64(&field.varint)) return Malformed("truncated varint");
        break;
      case WireFormatLite::WIRETYPE_FIXED64:
        field.type = WireType::kFixed64;
        if (!in.ReadLittleEndian64(&field.varint)) return Malformed("truncated fixed64");
        break;
      case WireFormatLite::WIRETYPE_FIXED32: {
        field.type = WireType::kFixed32;
        uint32_t value = 0;
        if (!in.ReadLittleEndian32(&value)) return Malformed("truncated fixed32");
        field.varint = value;
        break;
      }
      case WireFormatLite::WIRETYPE_LENGTH_DELIMITED: {
        field.type = WireType::kLengthDelimited;
        uint32_t length = 0;
        if (!in.ReadVarint32(&length)) return Malformed("truncated length");
        const int position = in.CurrentPosition();
        if (length > static_cast<uint32_t>(size - position)) {
          return Malformed("length-delimited field runs past the end");
        }
        field.bytes = message.substr(static_cast<size_t>(position), length);
        if (!in.Skip(static_cast<int>(length))) return Malformed("truncated bytes");
        break;
      }
      case WireFormatLite::WIRETYPE_START_GROUP:
        // Deprecated groups carry nothing client/rest reads: skip them whole (recursion-limited).
        if (!WireFormatLite::SkipField(&in, tag)) return Malformed("bad group");
        continue;
      default:
        return Malformed(absl::StrCat("unsupported wire type in tag ", tag));
    }
    if (absl::Status status = fn(field); !status.ok()) return status;
  }
}

absl::StatusOr<UnknownEnvelope> ParseUnknownEnvelope(absl::string_view body) {
  if (body.substr(0, kProtobufMagic.size()) != kProtobufMagic) {
    return absl::InvalidArgumentError("protobuf body does not start with the k8s\\0 magic");
  }
  UnknownEnvelope envelope;
  auto string_field = [](const ProtoField& field, std::string* out) {
    if (field.type != WireType::kLengthDelimited) return Malformed("string field with wrong type");
    out->assign(field.bytes.data(), field.bytes.size());
    return absl::OkStatus();
  };
  absl::Status status =
      ForEachField(body.substr(kProtobufMagic.size()), [&](const ProtoField& field) {
        switch (field.number) {
          case 1:  // typeMeta: runtime.TypeMeta {apiVersion = 1, kind = 2}
            if (field.type != WireType::kLengthDelimited) return Malformed("typeMeta");
            return ForEachField(field.bytes, [&](const ProtoField& type_meta) {
              if (type_meta.number == 1) return string_field(type_meta, &envelope.api_version);
              if (type_meta.number == 2) return string_field(type_meta, &envelope.kind);
              return absl::OkStatus();
            });
          case 2:  // raw
            if (field.type != WireType::kLengthDelimited) return Malformed("raw");
            envelope.raw = field.bytes;
            return absl::OkStatus();
          case 3:
            return string_field(field, &envelope.content_encoding);
          case 4:
            return string_field(field, &envelope.content_type);
          default:
            return absl::OkStatus();
        }
      });
  if (!status.ok()) return status;
  return envelope;
}

}  // namespace kube::rest::internal
