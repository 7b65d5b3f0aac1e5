#include "client/rest/internal/proto_wire_testing.h"

#include "absl/strings/str_cat.h"

namespace kube::rest::internal::testing {
namespace {

std::string Varint(uint64_t value) {
  std::string out;
  do {
    uint8_t byte = value & 0x7F;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (value != 0);
  return out;
}

}  // namespace

std::string VarintField(int number, uint64_t value) {
  return absl::StrCat(Varint(static_cast<uint64_t>(number) << 3), Varint(value));
}

std::string BytesField(int number, absl::string_view value) {
  return absl::StrCat(Varint((static_cast<uint64_t>(number) << 3) | 2), Varint(value.size()),
                      value);
}

std::string Envelope(absl::string_view api_version, absl::string_view kind, absl::string_view raw) {
  const std::string type_meta = BytesField(1, api_version) + BytesField(2, kind);
  return absl::StrCat(absl::string_view("k8s\0", 4), BytesField(1, type_meta), BytesField(2, raw),
                      BytesField(3, ""), BytesField(4, ""));
}

std::string Frame(absl::string_view message) {
  const uint32_t n = static_cast<uint32_t>(message.size());
  std::string out;
  out.push_back(static_cast<char>((n >> 24) & 0xFF));
  out.push_back(static_cast<char>((n >> 16) & 0xFF));
  out.push_back(static_cast<char>((n >> 8) & 0xFF));
  out.push_back(static_cast<char>(n & 0xFF));
  out.append(message.data(), message.size());
  return out;
}

}  // namespace kube::rest::internal::testing
