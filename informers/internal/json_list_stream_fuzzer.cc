// libFuzzer target for JsonListStreamDecoder (docs/fuzzing.md). Input: byte 0 picks the
// chunking, byte 1 the limits (small values exercise ResourceExhausted), the rest is the body.
// Checks:
//   - fed whole, in chunks from the control byte, and one byte at a time, the decoder gives the
//     same status code, items, kind and ListMeta;
//   - every item is the body's own bytes, in order;
//   - with the default limits it succeeds exactly when the whole-body parse
//     (informers/testing/json_list_oracle.h) does, and then with the same type, items (as JSON
//     values) and ListMeta.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "base/fuzzing/chunks.h"
#include "base/fuzzing/fuzz_check.h"
#include "boost/json/value.hpp"
#include "client/api/json_format.h"
#include "client/api/meta/v1/meta.pb.h"
#include "informers/internal/json_list_stream.h"
#include "informers/testing/json_list_oracle.h"

namespace {

using kube::fuzzing::FuzzCheck;
using kube::informers::internal::JsonListStreamDecoder;
using kube::informers::internal::JsonListStreamLimits;

struct Result {
  absl::Status status;
  std::vector<std::string> items;
  std::string type;
  std::string meta;
};

Result Decode(const std::vector<absl::string_view>& chunks, JsonListStreamLimits limits) {
  Result result;
  JsonListStreamDecoder d(
      [&](absl::string_view api_version, absl::string_view kind) {
        result.type = std::string(api_version) + "|" + std::string(kind);
        return absl::OkStatus();
      },
      [&](absl::string_view item) {
        result.items.emplace_back(item);
        return absl::OkStatus();
      },
      limits);
  for (absl::string_view chunk : chunks) {
    result.status = d.Feed(chunk);
    if (!result.status.ok()) return result;
  }
  absl::StatusOr<kube::api::meta::v1::ListMeta> meta = d.Finish();
  result.status = meta.status();
  if (meta.ok()) result.meta = meta->SerializeAsString();
  return result;
}

void ExpectSame(const Result& a, const Result& b, absl::string_view body) {
  FuzzCheck(a.status.code() == b.status.code(), "chunking changed the outcome", a.status.ToString(),
            b.status.ToString());
  FuzzCheck(a.items == b.items, "chunking changed the items", body);
  if (a.status.ok()) {
    FuzzCheck(a.type == b.type && a.meta == b.meta, "chunking changed the type or ListMeta", body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t chunking = data[0];
  const uint8_t limit_byte = data[1];
  const absl::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  JsonListStreamLimits limits;
  const bool default_limits = limit_byte >= 64;
  if (!default_limits) {
    limits.max_item_bytes = 1 + limit_byte;
    limits.max_small_field_bytes = 1 + limit_byte / 2;
  }

  const Result whole = Decode({body}, limits);
  ExpectSame(whole, Decode(kube::fuzzing::Chunks(body, chunking), limits), body);
  if (body.size() <= 4096) {
    std::vector<absl::string_view> bytes;
    for (size_t i = 0; i < body.size(); ++i) bytes.push_back(body.substr(i, 1));
    ExpectSame(whole, Decode(bytes, limits), body);
  }

  size_t at = 0;
  for (const std::string& item : whole.items) {
    const size_t found = body.find(item, at);
    FuzzCheck(found != absl::string_view::npos, "an item is not the body's next bytes", body, item);
    at = found + item.size();
  }

  if (!default_limits) return 0;
  const kube::informers::testing::WholeJsonList oracle =
      kube::informers::testing::ParseWholeJsonList(body);
  FuzzCheck(whole.status.ok() == oracle.status.ok(), "stream and whole-body parse disagree",
            whole.status.ToString(), oracle.status.ToString());
  if (!oracle.status.ok()) return 0;
  FuzzCheck(whole.type == oracle.api_version + "|" + oracle.kind, "the type differs", whole.type);
  FuzzCheck(whole.items.size() == oracle.items.size(), "the item count differs", body);
  for (size_t i = 0; i < whole.items.size(); ++i) {
    const absl::StatusOr<boost::json::value> item = kube::api::ParseJson(whole.items[i]);
    FuzzCheck(item.ok() && *item == oracle.items[i], "an item differs", whole.items[i]);
  }
  FuzzCheck(whole.meta == oracle.meta.SerializeAsString(), "the ListMeta differs", body);
  return 0;
}
