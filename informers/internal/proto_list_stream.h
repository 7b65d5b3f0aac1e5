// kube::informers::internal::ProtoListStreamDecoder — decodes a protobuf LIST response body
// ("k8s\0" + runtime.Unknown whose raw is an XList) incrementally, as its bytes arrive.
//
// Why: a LIST of many objects must not be held whole in memory (once as the body, again as the
// decoded XList). This decoder keeps at most one item's bytes plus the unparsed tail of the
// current chunk (and the small typeMeta / ListMeta), and hands each item's serialized message to
// `on_item` as soon as its last byte arrives. Fields it does not need are skipped without being
// buffered.
//
//   ProtoListStreamDecoder d(check_type, on_item);
//   for (chunk : body) if (absl::Status s = d.Feed(chunk); !s.ok()) return s;
//   absl::StatusOr<api::meta::v1::ListMeta> meta = d.Finish();
//
// Wire shape walked: Unknown{1 typeMeta, 2 raw, 3 contentEncoding, 4 contentType}; raw is
// XList{1 metadata ListMeta, 2 repeated items}. typeMeta must precede raw (the apiserver writes
// fields in number order), so the kind is checked before any item is handed out. A non-empty
// contentEncoding is refused. Malformed, oversized or truncated input is InvalidArgument /
// ResourceExhausted with a message saying where; never a crash.
//
// Thread-safety: none; one decoder per body, fed from one thread at a time.
#ifndef KUBECPP_INFORMERS_INTERNAL_PROTO_LIST_STREAM_H_
#define KUBECPP_INFORMERS_INTERNAL_PROTO_LIST_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/api/meta/v1/meta.pb.h"

namespace kube::informers::internal {

struct ProtoListStreamLimits {
  // An item (one object's message) larger than this is ResourceExhausted.
  size_t max_item_bytes = size_t{64} << 20;
  // typeMeta, ListMeta, contentType and contentEncoding are small; larger is ResourceExhausted.
  size_t max_small_field_bytes = size_t{1} << 20;
};

class ProtoListStreamDecoder {
 public:
  // TypeCheck sees the envelope's apiVersion and kind before any item; an error stops decoding.
  using TypeCheck =
      std::function<absl::Status(absl::string_view api_version, absl::string_view kind)>;
  // ItemSink receives each item's serialized message (valid only during the call).
  using ItemSink = std::function<absl::Status(absl::string_view item)>;

  ProtoListStreamDecoder(TypeCheck check_type, ItemSink on_item, ProtoListStreamLimits limits = {});

  // Feed consumes the next bytes of the body. After an error the decoder stays failed.
  absl::Status Feed(absl::string_view chunk);
  // Finish checks the body ended at a message boundary, with typeMeta and raw seen, and returns
  // the list's ListMeta (empty when the list had none).
  absl::StatusOr<api::meta::v1::ListMeta> Finish();

  int64_t items() const { return items_; }
  // buffered_high_water is the most bytes held at once (for tests and metrics).
  size_t buffered_high_water() const { return high_water_; }

 private:
  enum class State { kMagic, kHeader, kValue, kFailed };
  // Where a value being read goes.
  enum class Target { kSkip, kTypeMeta, kContentEncoding, kContentType, kListMeta, kItem };

  absl::Status Step(bool* progressed);
  absl::Status StartField(int number, int wire_type, uint64_t value, size_t header_bytes);
  absl::Status FinishValue();
  absl::Status Fail(absl::Status status);

  TypeCheck check_type_;
  ItemSink on_item_;
  const ProtoListStreamLimits limits_;

  State state_ = State::kMagic;
  absl::Status error_;
  std::string buf_;  // unparsed bytes (headers, or the value being collected)
  size_t pos_ = 0;   // parse position in buf_
  Target target_ = Target::kSkip;
  uint64_t value_remaining_ = 0;  // bytes of the current value still to come
  std::string value_;             // the value being collected (not for kSkip)
  bool in_raw_ = false;           // inside Unknown.raw (the XList)
  uint64_t raw_remaining_ = 0;    // bytes of raw not yet consumed
  bool saw_type_ = false;
  bool saw_raw_ = false;
  std::string content_encoding_;
  std::string content_type_;
  std::string list_meta_;
  int64_t items_ = 0;
  size_t high_water_ = 0;
};

}  // namespace kube::informers::internal

#endif  // KUBECPP_INFORMERS_INTERNAL_PROTO_LIST_STREAM_H_
