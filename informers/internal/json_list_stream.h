// kube::informers::internal::JsonListStreamDecoder — decodes a JSON LIST response body
// ({"kind": ..., "apiVersion": ..., "metadata": {...}, "items": [...]}) incrementally, as its
// bytes arrive; the JSON twin of ProtoListStreamDecoder (proto_list_stream.h).
//
// Why: a LIST of many objects must not be held whole in memory (once as the body, again as a
// DOM, again as the decoded XList). This decoder holds at most one item's bytes (none when an
// item lies inside one chunk: it is handed out as a view of the chunk), the small kind /
// apiVersion / metadata values and the current object key, and hands each element of `items` to
// `on_item` as soon as its last byte arrives. Members it does not know are skipped without being
// buffered.
//
//   JsonListStreamDecoder d(check_type, on_item);
//   for (chunk : body) if (absl::Status s = d.Feed(chunk); !s.ok()) return s;
//   absl::StatusOr<api::meta::v1::ListMeta> meta = d.Finish();
//
// What it accepts is exactly what boost::json::parse (nesting depth 256, as the codecs parse)
// accepts as a JSON object, in any chunking: members in any order, keys with escapes
// ("\u0069tems" is items), whitespace anywhere. Every value is checked by boost::json's
// incremental parser as it streams past (a skipped member too: it is validated, not stored), so
// a body this decoder accepts is one the whole-body decoder accepts, with the same items and
// ListMeta. It is stricter in three ways: a second "kind", "apiVersion", "metadata" or "items"
// member is refused (boost::json would keep the last, but the first items are already handed
// out); kind and apiVersion must be strings; every item must be an object. "items": null, [] and
// no items member all mean no items; "metadata": null or none mean an empty ListMeta.
//
// kind/apiVersion go to `check_type` as soon as both are known. The apiserver writes them first,
// so they are normally checked before any item. If items come first, they are handed out
// unchecked and the check runs once both are known, or at Finish (a missing apiVersion counts as
// "", as JsonCodec reads it; a missing kind is an error): the caller must therefore treat any
// error from Feed or Finish as failing the whole list and drop the items it already received
// (RestListWatchCore::List does: its page is discarded, and the Reflector keeps the cache as it
// was).
//
// Errors, with the byte offset in the body: malformed JSON, a top level that is not an object,
// bytes after the object, an item that is not an object -> InvalidArgument; a body that ends
// before the object does (Finish) -> DataLoss; an item larger than max_item_bytes, or a key,
// kind, apiVersion or metadata larger than max_small_field_bytes -> ResourceExhausted, before it
// is buffered whole. Errors from check_type / on_item are returned as they are. Errors are sticky.
//
// Thread-safety: none; one decoder per body, fed from one thread at a time.
#ifndef KUBECPP_INFORMERS_INTERNAL_JSON_LIST_STREAM_H_
#define KUBECPP_INFORMERS_INTERNAL_JSON_LIST_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/api/meta/v1/meta.pb.h"

namespace kube::informers::internal {

struct JsonListStreamLimits {
  // An item (one object's JSON) larger than this is ResourceExhausted.
  size_t max_item_bytes = size_t{64} << 20;
  // Keys, kind, apiVersion and metadata are small; larger is ResourceExhausted.
  size_t max_small_field_bytes = size_t{1} << 20;
};

class JsonListStreamDecoder {
 public:
  // TypeCheck sees the list's apiVersion and kind (see above for when); an error stops decoding.
  using TypeCheck =
      std::function<absl::Status(absl::string_view api_version, absl::string_view kind)>;
  // ItemSink receives each item's exact JSON bytes (valid only during the call).
  using ItemSink = std::function<absl::Status(absl::string_view item_json)>;

  JsonListStreamDecoder(TypeCheck check_type, ItemSink on_item, JsonListStreamLimits limits = {});
  ~JsonListStreamDecoder();
  JsonListStreamDecoder(const JsonListStreamDecoder&) = delete;
  JsonListStreamDecoder& operator=(const JsonListStreamDecoder&) = delete;

  // Feed consumes the next bytes of the body. After an error the decoder stays failed.
  absl::Status Feed(absl::string_view chunk);
  // Finish checks the body ended with the list object, runs a type check still pending, and
  // returns the list's ListMeta (empty when the list had none).
  absl::StatusOr<api::meta::v1::ListMeta> Finish();

  int64_t items() const { return items_; }
  // buffered_high_water is the most bytes held at once: the chunk being scanned plus what was
  // copied out of earlier chunks (an unfinished item, key or small value) and kind/apiVersion/
  // metadata (for tests and metrics).
  size_t buffered_high_water() const { return high_water_; }

 private:
  // Where the top-level scan is.
  enum class State {
    kStart,       // whitespace, then '{'
    kFirstKey,    // after '{': whitespace, then a key or '}'
    kKey,         // after ',': whitespace, then a key
    kInKey,       // reading a key
    kColon,       // whitespace, then ':'
    kValue,       // whitespace, then a member value
    kInValue,     // reading a member value (target_)
    kAfterValue,  // whitespace, then ',' or '}'
    kItemsFirst,  // after "items": [ — whitespace, then an item or ']'
    kItemsNext,   // after ',' in items: whitespace, then an item
    kInItem,      // reading an item
    kAfterItem,   // whitespace, then ',' or ']'
    kEnd,         // after the closing '}': whitespace only
    kFailed,
  };
  // Where a member value goes.
  enum class Target { kSkip, kKind, kApiVersion, kMetadata, kItems };
  // ValueReader runs boost::json's incremental parser over one value (defined in the .cc).
  class ValueReader;

  absl::Status Scan(absl::string_view chunk);
  // ReadValue feeds the value being read from chunk[*i]; on completion calls FinishKey /
  // FinishValue / FinishItem.
  absl::Status ReadValue(absl::string_view chunk, size_t* i);
  // StartValue begins reading a value whose first byte is chunk[at] (not consumed yet).
  void StartValue(State state, size_t limit, size_t at);
  absl::Status FinishKey(absl::string_view key_json);
  absl::Status FinishValue(absl::string_view value_json);
  absl::Status FinishItem(absl::string_view item_json);
  absl::Status MaybeCheckType(bool at_finish);
  absl::Status Fail(absl::Status status);
  absl::Status Unexpected(char c, uint64_t at, absl::string_view wanted);
  std::string Where() const;
  void NoteHeld();

  TypeCheck check_type_;
  ItemSink on_item_;
  const JsonListStreamLimits limits_;
  std::unique_ptr<ValueReader> member_reader_;  // keys and member values (nesting depth 1)
  std::unique_ptr<ValueReader> item_reader_;    // items (nesting depth 2)

  State state_ = State::kStart;
  absl::Status error_;
  uint64_t offset_ = 0;    // body offset of the current chunk's first byte
  size_t chunk_size_ = 0;  // size of the chunk being scanned (for the high-water mark)
  Target target_ = Target::kSkip;
  std::string key_name_;      // the member being read (unescaped), for messages
  uint64_t value_start_ = 0;  // body offset of the value being read
  uint64_t value_bytes_ = 0;  // bytes of it consumed so far
  size_t value_limit_ = 0;    // its size limit
  std::string value_;         // its bytes from earlier chunks (keys, small values, items)
  bool seen_kind_ = false;
  bool seen_api_version_ = false;
  bool seen_metadata_ = false;
  bool seen_items_ = false;
  bool type_checked_ = false;
  std::string kind_;
  std::string api_version_;
  api::meta::v1::ListMeta meta_;
  int64_t items_ = 0;
  size_t high_water_ = 0;
};

}  // namespace kube::informers::internal

#endif  // KUBECPP_INFORMERS_INTERNAL_JSON_LIST_STREAM_H_
