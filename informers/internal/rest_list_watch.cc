#include "informers/internal/rest_list_watch.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/sync.h"
#include "client/api/builtin_kinds.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/api/protobuf_parse.h"
#include "google/protobuf/message.h"
#include "informers/internal/json_list_stream.h"
#include "informers/internal/proto_list_stream.h"

namespace kube::informers::internal {

namespace {

constexpr absl::string_view kAcceptProtobuf =
    "application/vnd.kubernetes.protobuf, application/json";
constexpr absl::string_view kAcceptJson = "application/json";
// Metadata-only (the apiserver converts every object to meta.k8s.io/v1 PartialObjectMetadata).
constexpr absl::string_view kAcceptMetadataListProtobuf =
    "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,"
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
constexpr absl::string_view kAcceptMetadataListJson =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
constexpr absl::string_view kAcceptMetadataProtobuf =
    "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,"
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
constexpr absl::string_view kAcceptMetadataJson =
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

absl::string_view AcceptFor(const RestListerWatcherOptions& o, bool watch) {
  const bool protobuf = o.format == WireFormat::kProtobuf;
  if (!o.metadata_only) return protobuf ? kAcceptProtobuf : kAcceptJson;
  if (watch) return protobuf ? kAcceptMetadataProtobuf : kAcceptMetadataJson;
  return protobuf ? kAcceptMetadataListProtobuf : kAcceptMetadataListJson;
}

const api::Registry& RegistryOf(const RestListerWatcherOptions& options) {
  return options.registry != nullptr ? *options.registry : api::DefaultRegistry();
}

// CheckListKind is the one check of a LIST body's kind, for both wires: the named kind's
// message must be a list of `item_type` with a ListMeta. The shape decides, not the registry's
// list flag: meta.k8s.io/v1 PartialObjectMetadataList is registered as a plain kind (it is no
// resource's list), yet is exactly such a list. The field numbers are what the protobuf decoder
// reads (XList: 1 metadata, 2 items); the JSON decoder reads the same fields by name.
absl::Status CheckListKind(const api::Registry& registry, absl::string_view resource,
                           absl::string_view api_version, absl::string_view kind,
                           const google::protobuf::Descriptor* item_type) {
  const api::KindInfo* info = registry.FindByKind(api_version, kind);
  const google::protobuf::Descriptor* d =
      info != nullptr && info->prototype != nullptr ? info->prototype->GetDescriptor() : nullptr;
  const google::protobuf::FieldDescriptor* items =
      d != nullptr ? d->FindFieldByName("items") : nullptr;
  const google::protobuf::FieldDescriptor* metadata =
      d != nullptr ? d->FindFieldByName("metadata") : nullptr;
  if (items == nullptr || !items->is_repeated() || items->message_type() != item_type ||
      items->number() != 2 || metadata == nullptr || metadata->number() != 1 ||
      metadata->message_type() != api::meta::v1::ListMeta::descriptor()) {
    return absl::InvalidArgumentError(absl::StrCat("LIST ", resource, " returned ", api_version,
                                                   " ", kind, ", not a list of ",
                                                   item_type->name()));
  }
  return absl::OkStatus();
}

}  // namespace

// ---- WatchQueue --------------------------------------------------------------------------------

void WatchQueue::SetCall(std::shared_ptr<rest::WatchCall> call) {
  bool stop_now;
  {
    MutexLock l(&mu_);
    call_ = call;
    stop_now = closed_;
  }
  if (stop_now) call->Stop();
}

bool WatchQueue::OnEvent(rest::WatchEvent event) {
  MutexLock l(&mu_);
  if (closed_) return true;  // the call is being stopped; drop
  queue_.push_back(std::move(event));
  if (queue_.size() >= capacity_) {
    paused_ = true;
    ++pauses_;
    return false;
  }
  return true;
}

void WatchQueue::OnEnd(const absl::Status& status) {
  MutexLock l(&mu_);
  end_ = status;
}

absl::StatusOr<std::optional<rest::WatchEvent>> WatchQueue::Next() {
  std::shared_ptr<rest::WatchCall> resume;
  rest::WatchEvent event;
  {
    MutexLock l(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return closed_ || !queue_.empty() || end_.has_value();
    };
    AwaitCondition(mu_, absl::Condition(&ready));
    if (closed_) return std::nullopt;
    if (queue_.empty()) {
      // Ended, everything delivered. Cancelled can only come from Close(), handled above, or
      // from the transport shutting down: both are a clean end to the reader.
      if (end_->ok() || end_->code() == absl::StatusCode::kCancelled) return std::nullopt;
      return *end_;
    }
    event = std::move(queue_.front());
    queue_.pop_front();
    if (paused_ && queue_.size() <= capacity_ / 2) {
      paused_ = false;
      resume = call_;
    }
  }
  // Outside the lock: Resume may deliver the next events on this thread (WatchQueue::OnEvent).
  if (resume != nullptr) resume->Resume();
  return std::optional<rest::WatchEvent>(std::move(event));
}

void WatchQueue::Close() {
  std::shared_ptr<rest::WatchCall> call;
  {
    MutexLock l(&mu_);
    if (closed_) return;
    closed_ = true;
    queue_.clear();
    call = call_;
  }
  // Outside the lock: Stop may call OnEnd on this thread.
  if (call != nullptr) call->Stop();
}

int64_t WatchQueue::pauses() const {
  MutexLock l(&mu_);
  return pauses_;
}

// ---- RestListWatchCore -------------------------------------------------------------------------

RestListWatchCore::RestListWatchCore(std::shared_ptr<rest::RestClient> client,
                                     RestListerWatcherOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      protobuf_codec_(RegistryOf(options_)),
      json_codec_(RegistryOf(options_)) {}

rest::Request RestListWatchCore::NewRequest(const ListOptions& o, bool watch) const {
  rest::Request r = client_->Get();
  r.GroupVersion(options_.group, options_.version);
  if (!options_.ns.empty()) r.Namespace(options_.ns);
  r.Resource(options_.resource);
  r.Accept(AcceptFor(options_, watch));
  if (!o.label_selector.empty()) r.Param("labelSelector", o.label_selector);
  if (!o.field_selector.empty()) r.Param("fieldSelector", o.field_selector);
  // An empty resourceVersion is "most recent" and means the same whether sent or not; it is sent
  // when resourceVersionMatch needs one (streaming lists send `resourceVersion=`).
  if (!o.resource_version.empty() || !o.resource_version_match.empty()) {
    r.Param("resourceVersion", o.resource_version);
  }
  if (!o.resource_version_match.empty()) {
    r.Param("resourceVersionMatch", o.resource_version_match);
  }
  if (o.limit > 0) r.Param("limit", absl::StrCat(o.limit));
  if (!o.continue_token.empty()) r.Param("continue", o.continue_token);
  if (o.allow_watch_bookmarks) r.Param("allowWatchBookmarks", "true");
  if (o.send_initial_events) r.Param("sendInitialEvents", "true");
  if (o.timeout_seconds > 0) r.Param("timeoutSeconds", absl::StrCat(o.timeout_seconds));
  return r;
}

absl::StatusOr<DecodedList> RestListWatchCore::List(
    const ListOptions& options, const google::protobuf::Descriptor* item_type,
    absl::FunctionRef<void(DecodedObject)> sink) const {
  rest::Request r = NewRequest(options, /*watch=*/false);
  r.Timeout(options_.list_timeout);
  if (options.cancel != nullptr) r.CancelWith(options.cancel);
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(item_type);
  if (prototype == nullptr) {
    return absl::InternalError(absl::StrCat("no generated message for ", item_type->full_name()));
  }
  const api::Registry& registry = RegistryOf(options_);
  auto check_type = [&](absl::string_view api_version, absl::string_view kind) {
    return CheckListKind(registry, options_.resource, api_version, kind, item_type);
  };
  // Both wires stream: each item is decoded and handed to `sink` as soon as its bytes are in;
  // only one item's bytes (plus the chunk being read) are held. Which decoder runs follows the
  // response's Content-Type (a protobuf request may be answered in JSON, e.g. for CRDs).
  ProtoListStreamDecoder proto_decoder(check_type, [&](absl::string_view bytes) -> absl::Status {
    absl::StatusOr<DecodedObject> item =
        DecodeOnOwnArena(*prototype, bytes.size(), protobuf_arena_sizer_,
                         [&](google::protobuf::Message* m) -> absl::Status {
                           if (api::ParseWithoutEmptyStrings(bytes, m)) {
                             return absl::OkStatus();
                           }
                           return absl::InvalidArgumentError(absl::StrCat(
                               "LIST ", options_.resource, ": malformed ", item_type->name()));
                         });
    if (!item.ok()) return item.status();
    sink(*std::move(item));
    return absl::OkStatus();
  });
  int64_t json_items = 0;
  // Items of a typed JSON list carry no kind/apiVersion; DecodeInto does not need them (and
  // refuses an item that names another kind).
  JsonListStreamDecoder json_decoder(check_type, [&](absl::string_view bytes) -> absl::Status {
    absl::StatusOr<DecodedObject> item = DecodeOnOwnArena(
        *prototype, bytes.size(), json_arena_sizer_,
        [&](google::protobuf::Message* m) -> absl::Status {
          absl::Status s = json_codec_.DecodeInto(bytes, m);
          if (s.ok()) return s;
          return absl::Status(s.code(), absl::StrCat("LIST ", options_.resource, ": item ",
                                                     json_items, ": ", s.message()));
        });
    if (!item.ok()) return item.status();
    ++json_items;
    sink(*std::move(item));
    return absl::OkStatus();
  });
  bool protobuf = false;
  bool started = false;
  absl::StatusOr<rest::Result> result =
      r.DoStream([&](absl::string_view content_type, absl::string_view chunk) {
        if (!started) {
          started = true;
          protobuf = absl::StartsWithIgnoreCase(content_type, rest::kProtobufMediaType);
        }
        return protobuf ? proto_decoder.Feed(chunk) : json_decoder.Feed(chunk);
      });
  if (!result.ok()) return result.status();
  if (!started)
    protobuf = absl::StartsWithIgnoreCase(result->content_type, rest::kProtobufMediaType);
  absl::StatusOr<api::meta::v1::ListMeta> meta =
      protobuf ? proto_decoder.Finish() : json_decoder.Finish();
  if (!meta.ok()) {
    return absl::Status(meta.status().code(),
                        absl::StrCat("LIST ", options_.resource, ": ", meta.status().message()));
  }
  DecodedList out;
  out.resource_version = meta->resourceversion();
  out.continue_token = meta->continue_();
  return out;
}

absl::StatusOr<std::shared_ptr<WatchQueue>> RestListWatchCore::Watch(
    const ListOptions& options) const {
  auto queue = std::make_shared<WatchQueue>(options_.watch_queue_capacity);
  absl::StatusOr<std::shared_ptr<rest::WatchCall>> call =
      NewRequest(options, /*watch=*/true).Watch(queue);
  if (!call.ok()) return call.status();
  queue->SetCall(*std::move(call));
  return queue;
}

absl::StatusOr<DecodedObject> RestListWatchCore::Decode(
    const rest::WatchEvent& event, const google::protobuf::Message& prototype) const {
  const bool protobuf = event.encoding == rest::WireEncoding::kProtobuf;
  const api::Codec& codec =
      protobuf ? static_cast<const api::Codec&>(protobuf_codec_) : json_codec_;
  return DecodeOnOwnArena(
      prototype, event.object.size(), protobuf ? protobuf_arena_sizer_ : json_arena_sizer_,
      [&](google::protobuf::Message* m) { return codec.DecodeInto(event.object, m); });
}

}  // namespace kube::informers::internal
