#include "plugins/host/internal/host_api.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "plugins/host/field_path.h"

namespace kube::plugins::internal {
namespace {

constexpr kube_plugin_status kMaxKnownStatus = KUBE_PLUGIN_UNAUTHENTICATED;

absl::string_view View(const char* data, size_t size) {
  if (data == nullptr) return {};
  return absl::string_view(data, size);
}

kube_plugin_status Code(const absl::Status& status) {
  return static_cast<kube_plugin_status>(status.code());
}

// Record remembers a failed callback on the call, so that a plugin error without a message can
// still be explained. NOT_FOUND is an ordinary answer, not a failure.
kube_plugin_status Record(kube_host_error* call, absl::Status status) {
  const kube_plugin_status code = Code(status);
  if (call != nullptr && !status.ok() && status.code() != absl::StatusCode::kNotFound) {
    call->last_callback_error = std::move(status);
  }
  return code;
}

bool KnownMap(kube_plugin_map map) {
  return map == KUBE_PLUGIN_MAP_LABELS || map == KUBE_PLUGIN_MAP_ANNOTATIONS;
}

absl::Status UnknownMap(absl::string_view callback, kube_plugin_map map) {
  return absl::InvalidArgumentError(absl::StrCat(callback, ": unknown map ", map));
}

void SetOut(absl::string_view value, const char** data, size_t* size) {
  *data = value.data();
  *size = value.size();
}

absl::StatusOr<FieldPath> ParsePath(absl::string_view callback, const char* path, size_t size) {
  absl::StatusOr<FieldPath> parsed = FieldPath::Parse(View(path, size));
  if (!parsed.ok())
    return absl::Status(parsed.status().code(),
                        absl::StrCat(callback, ": ", parsed.status().message()));
  return parsed;
}

// CachedPath parses `path` through a small per-thread cache. Plugins ask for the same few paths
// on every object (spec.nodeName, ...), and parsing (a vector of strings) was the largest part of
// an object_field call. Per thread: no lock on the hot path; bounded: cleared when full, so a
// plugin asking for ever new paths costs memory only up to the bound. Only valid paths are
// cached. The reference stays valid until the next CachedPath call on this thread.
absl::StatusOr<const FieldPath*> CachedPath(absl::string_view callback, const char* path,
                                            size_t size) {
  constexpr size_t kMaxCachedPaths = 64;
  thread_local absl::flat_hash_map<std::string, FieldPath> cache;
  const absl::string_view text = View(path, size);
  if (auto it = cache.find(text); it != cache.end()) return &it->second;
  absl::StatusOr<FieldPath> parsed = ParsePath(callback, path, size);
  if (!parsed.ok()) return parsed.status();
  if (cache.size() >= kMaxCachedPaths) cache.clear();
  return &cache.emplace(std::string(text), *std::move(parsed)).first->second;
}

// ---- the callbacks ---------------------------------------------------------------------------
// Each is noexcept: an exception from an ObjectView implementation (bad_alloc, ...) becomes
// INTERNAL instead of unwinding through the plugin's C frames.

void ErrorSetMessage(kube_host_error* error, const char* message, size_t size) noexcept {
  if (error == nullptr) return;
  try {
    absl::string_view text = View(message, size);
    error->message = std::string(text.substr(0, error->max_message_bytes));
    error->has_message = true;
  } catch (...) {
    error->has_message = false;
  }
}

void Log(kube_host_context* context, kube_plugin_log_severity severity, const char* message,
         size_t size) noexcept {
  if (context == nullptr || !context->sink) return;
  try {
    PluginLogSeverity level = PluginLogSeverity::kInfo;
    if (severity == KUBE_PLUGIN_LOG_WARNING) level = PluginLogSeverity::kWarning;
    if (severity >= KUBE_PLUGIN_LOG_ERROR) level = PluginLogSeverity::kError;
    context->sink(level, context->source,
                  View(message, size).substr(0, context->max_message_bytes));
  } catch (...) {
    // A log line is not worth failing anything for.
  }
}

kube_plugin_representation ObjectRepresentation(const kube_host_object* object) noexcept {
  if (object == nullptr) return 0;
  try {
    return static_cast<kube_plugin_representation>(object->view->representation());
  } catch (...) {
    return 0;
  }
}

kube_plugin_status ObjectIdentity(const kube_host_object* object, kube_plugin_identity which,
                                  const char** value, size_t* value_size) noexcept {
  if (object == nullptr || value == nullptr || value_size == nullptr) {
    return KUBE_PLUGIN_INVALID_ARGUMENT;
  }
  try {
    const ObjectView& v = *object->view;
    switch (which) {
      case KUBE_PLUGIN_IDENTITY_KIND:
        SetOut(v.Kind(), value, value_size);
        return KUBE_PLUGIN_OK;
      case KUBE_PLUGIN_IDENTITY_API_VERSION:
        SetOut(v.ApiVersion(), value, value_size);
        return KUBE_PLUGIN_OK;
      case KUBE_PLUGIN_IDENTITY_NAMESPACE:
        SetOut(v.Namespace(), value, value_size);
        return KUBE_PLUGIN_OK;
      case KUBE_PLUGIN_IDENTITY_NAME:
        SetOut(v.Name(), value, value_size);
        return KUBE_PLUGIN_OK;
      case KUBE_PLUGIN_IDENTITY_UID:
        SetOut(v.Uid(), value, value_size);
        return KUBE_PLUGIN_OK;
      case KUBE_PLUGIN_IDENTITY_RESOURCE_VERSION:
        SetOut(v.ResourceVersion(), value, value_size);
        return KUBE_PLUGIN_OK;
      default:
        return Record(object->call, absl::InvalidArgumentError(
                                        absl::StrCat("object_identity: unknown field ", which)));
    }
  } catch (...) {
    return Record(object->call, absl::InternalError("object_identity: the object view threw"));
  }
}

kube_plugin_status ObjectField(const kube_host_object* object, const char* path, size_t path_size,
                               const char** value, size_t* value_size) noexcept {
  if (object == nullptr || value == nullptr || value_size == nullptr) {
    return KUBE_PLUGIN_INVALID_ARGUMENT;
  }
  try {
    absl::StatusOr<const FieldPath*> parsed = CachedPath("object_field", path, path_size);
    if (!parsed.ok()) return Record(object->call, parsed.status());
    absl::StatusOr<FieldValue> field = object->view->Field(**parsed);
    if (!field.ok()) {
      return Record(object->call, absl::Status(field.status().code(),
                                               absl::StrCat("object_field(", (*parsed)->String(),
                                                            "): ", field.status().message())));
    }
    if (field->owned()) {
      object->arena.push_front(std::move(*field).TakeOwned());
      SetOut(object->arena.front(), value, value_size);
    } else {
      SetOut(field->text(), value, value_size);
    }
    return KUBE_PLUGIN_OK;
  } catch (...) {
    return Record(object->call, absl::InternalError("object_field: the object view threw"));
  }
}

kube_plugin_status ObjectMapGet(const kube_host_object* object, kube_plugin_map map,
                                const char* key, size_t key_size, const char** value,
                                size_t* value_size) noexcept {
  if (object == nullptr || value == nullptr || value_size == nullptr) {
    return KUBE_PLUGIN_INVALID_ARGUMENT;
  }
  if (!KnownMap(map)) return Record(object->call, UnknownMap("object_map_get", map));
  try {
    std::optional<absl::string_view> found =
        object->view->MapValue(static_cast<MetadataMap>(map), View(key, key_size));
    if (!found.has_value()) return KUBE_PLUGIN_NOT_FOUND;
    SetOut(*found, value, value_size);
    return KUBE_PLUGIN_OK;
  } catch (...) {
    return Record(object->call, absl::InternalError("object_map_get: the object view threw"));
  }
}

kube_plugin_status ObjectMapForEach(const kube_host_object* object, kube_plugin_map map,
                                    kube_plugin_map_visitor visitor,
                                    void* visitor_context) noexcept {
  if (object == nullptr || visitor == nullptr) return KUBE_PLUGIN_INVALID_ARGUMENT;
  if (!KnownMap(map)) return Record(object->call, UnknownMap("object_map_for_each", map));
  try {
    object->view->ForEachMapEntry(
        static_cast<MetadataMap>(map), [&](absl::string_view key, absl::string_view value) {
          return visitor(visitor_context, key.data(), key.size(), value.data(), value.size()) == 0;
        });
    return KUBE_PLUGIN_OK;
  } catch (...) {
    return Record(object->call, absl::InternalError("object_map_for_each: the object view threw"));
  }
}

size_t ObjectOwnerReferenceCount(const kube_host_object* object) noexcept {
  if (object == nullptr) return 0;
  try {
    return object->view->OwnerReferenceCount();
  } catch (...) {
    return 0;
  }
}

int32_t Tristate(std::optional<bool> value) {
  if (!value.has_value()) return KUBE_PLUGIN_BOOL_UNSET;
  return *value ? KUBE_PLUGIN_BOOL_TRUE : KUBE_PLUGIN_BOOL_FALSE;
}

kube_plugin_status ObjectOwnerReference(const kube_host_object* object, size_t index,
                                        kube_plugin_owner_reference* reference) noexcept {
  if (object == nullptr || reference == nullptr) return KUBE_PLUGIN_INVALID_ARGUMENT;
  // Every field of ABI 1.0 is filled; a struct smaller than that was not built from this ABI.
  constexpr size_t kSize_1_0 =
      KUBE_PLUGIN_END_OF(kube_plugin_owner_reference, block_owner_deletion);
  if (reference->struct_size < kSize_1_0) {
    return Record(object->call, absl::InvalidArgumentError(absl::StrCat(
                                    "object_owner_reference: struct_size ", reference->struct_size,
                                    " is smaller than ", kSize_1_0)));
  }
  try {
    if (index >= object->view->OwnerReferenceCount()) {
      return Record(object->call, absl::OutOfRangeError(
                                      absl::StrCat("object_owner_reference: index ", index, " of ",
                                                   object->view->OwnerReferenceCount())));
    }
    const OwnerReferenceView owner = object->view->OwnerReference(index);
    SetOut(owner.api_version, &reference->api_version, &reference->api_version_size);
    SetOut(owner.kind, &reference->kind, &reference->kind_size);
    SetOut(owner.name, &reference->name, &reference->name_size);
    SetOut(owner.uid, &reference->uid, &reference->uid_size);
    reference->controller = Tristate(owner.controller);
    reference->block_owner_deletion = Tristate(owner.block_owner_deletion);
    return KUBE_PLUGIN_OK;
  } catch (...) {
    return Record(object->call,
                  absl::InternalError("object_owner_reference: the object view threw"));
  }
}

kube_plugin_status IndexSinkEmit(kube_host_index_sink* sink, const char* value,
                                 size_t value_size) noexcept {
  if (sink == nullptr) return KUBE_PLUGIN_INVALID_ARGUMENT;
  if (!sink->error.ok()) return Code(sink->error);
  try {
    if (value_size > sink->limits->max_index_value_bytes) {
      sink->error = absl::ResourceExhaustedError(absl::StrCat("index value of ", value_size,
                                                              " bytes is over the limit of ",
                                                              sink->limits->max_index_value_bytes));
      return Code(sink->error);
    }
    if (sink->values.size() >= sink->limits->max_index_values) {
      sink->error = absl::ResourceExhaustedError(absl::StrCat(
          "more than ", sink->limits->max_index_values, " index values for one object"));
      return Code(sink->error);
    }
    sink->values.push_back(std::string(View(value, value_size)));
    return KUBE_PLUGIN_OK;
  } catch (...) {
    sink->error = absl::ResourceExhaustedError("out of memory storing an index value");
    return Code(sink->error);
  }
}

kube_plugin_status EditorRemoveField(kube_host_editor* editor, const char* path,
                                     size_t path_size) noexcept {
  if (editor == nullptr) return KUBE_PLUGIN_INVALID_ARGUMENT;
  try {
    absl::StatusOr<FieldPath> parsed = ParsePath("editor_remove_field", path, path_size);
    if (!parsed.ok()) return Record(editor->call, parsed.status());
    absl::Status status = editor->editor->RemoveField(*parsed);
    if (status.ok()) return KUBE_PLUGIN_OK;
    return Record(editor->call,
                  absl::Status(status.code(), absl::StrCat("editor_remove_field(", parsed->String(),
                                                           "): ", status.message())));
  } catch (...) {
    return Record(editor->call,
                  absl::InternalError("editor_remove_field: the object editor threw"));
  }
}

kube_plugin_status EditorMapSet(kube_host_editor* editor, kube_plugin_map map, const char* key,
                                size_t key_size, const char* value, size_t value_size) noexcept {
  if (editor == nullptr) return KUBE_PLUGIN_INVALID_ARGUMENT;
  if (!KnownMap(map)) return Record(editor->call, UnknownMap("editor_map_set", map));
  try {
    absl::Status status = editor->editor->SetMapValue(static_cast<MetadataMap>(map),
                                                      View(key, key_size), View(value, value_size));
    if (status.ok()) return KUBE_PLUGIN_OK;
    return Record(editor->call,
                  absl::Status(status.code(), absl::StrCat("editor_map_set: ", status.message())));
  } catch (...) {
    return Record(editor->call, absl::InternalError("editor_map_set: the object editor threw"));
  }
}

kube_plugin_status EditorMapRemove(kube_host_editor* editor, kube_plugin_map map, const char* key,
                                   size_t key_size) noexcept {
  if (editor == nullptr) return KUBE_PLUGIN_INVALID_ARGUMENT;
  if (!KnownMap(map)) return Record(editor->call, UnknownMap("editor_map_remove", map));
  try {
    absl::Status status =
        editor->editor->RemoveMapValue(static_cast<MetadataMap>(map), View(key, key_size));
    if (status.ok()) return KUBE_PLUGIN_OK;
    return Record(editor->call, absl::Status(status.code(), absl::StrCat("editor_map_remove: ",
                                                                         status.message())));
  } catch (...) {
    return Record(editor->call, absl::InternalError("editor_map_remove: the object editor threw"));
  }
}

constexpr kube_host_api kHostApi = {
    .struct_size = KUBE_HOST_API_SIZE_1_0,
    .abi_major = KUBE_PLUGIN_ABI_MAJOR,
    .abi_minor = KUBE_PLUGIN_ABI_MINOR,
    .error_set_message = &ErrorSetMessage,
    .log = &Log,
    .object_representation = &ObjectRepresentation,
    .object_identity = &ObjectIdentity,
    .object_field = &ObjectField,
    .object_map_get = &ObjectMapGet,
    .object_map_for_each = &ObjectMapForEach,
    .object_owner_reference_count = &ObjectOwnerReferenceCount,
    .object_owner_reference = &ObjectOwnerReference,
    .index_sink_emit = &IndexSinkEmit,
    .editor_remove_field = &EditorRemoveField,
    .editor_map_set = &EditorMapSet,
    .editor_map_remove = &EditorMapRemove,
};

// The table must describe exactly the ABI this host was built with.
static_assert(KUBE_PLUGIN_ABI_MINOR == 0, "a new minor version needs a new host table size");

}  // namespace

const kube_host_api* HostApi() { return &kHostApi; }

std::string StatusName(kube_plugin_status code) {
  if (code < 0 || code > kMaxKnownStatus) return absl::StrCat("code ", code);
  std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name;
}

absl::Status StatusFromPlugin(kube_plugin_status code, const kube_host_error& error,
                              absl::string_view what) {
  if (code == KUBE_PLUGIN_OK) return absl::OkStatus();
  if (code < 0 || code > kMaxKnownStatus) {
    std::string message = absl::StrCat(what, " returned unknown status code ", code,
                                       " (valid codes are 0 to ", kMaxKnownStatus, ")");
    if (error.has_message) absl::StrAppend(&message, ": ", error.message);
    return absl::InternalError(message);
  }
  const auto status_code = static_cast<absl::StatusCode>(code);
  if (error.has_message && !error.message.empty()) {
    return absl::Status(status_code, absl::StrCat(what, ": ", error.message));
  }
  std::string message = absl::StrCat(what, " returned ", StatusName(code), " without a message");
  if (!error.last_callback_error.ok()) {
    absl::StrAppend(&message, " (last failed host callback: ", error.last_callback_error.ToString(),
                    ")");
  }
  return absl::Status(status_code, message);
}

}  // namespace kube::plugins::internal
