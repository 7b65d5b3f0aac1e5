// kube::plugin_sdk::Object, MutableObject and IndexValues — C++ views of the host's accessor,
// editor and sink callbacks (plugins/abi/kube_plugin.h).
//
// Part of the header-only plugin SDK (plugins/sdk/plugin.h; guide: docs/plugins.md). These are
// thin, stateless wrappers around the handles of one plugin call: they are valid only during
// the Index/Transform call that received them, and so is every std::string_view they return —
// and, in a transform, only until the next edit. Copy a string (std::string(view)) to keep it.
//
// Failures the host reports in answer to ordinary questions are values (an absent field or
// label is std::nullopt). Unexpected ones (a malformed field path, an edit the host refuses,
// an index value over the host's limits) throw Error with the host's code; the SDK turns it
// into the call's status.
//
// Thread-safety: an Object may be read from the thread running the call only.
#ifndef KUBECPP_PLUGINS_SDK_OBJECT_H_
#define KUBECPP_PLUGINS_SDK_OBJECT_H_

#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "plugins/abi/kube_plugin.h"
#include "plugins/sdk/status.h"

namespace kube::plugin_sdk {

// Representation mirrors KUBE_PLUGIN_REPRESENTATION_*.
enum class Representation : uint32_t {
  kUnknown = 0,
  kTyped = KUBE_PLUGIN_REPRESENTATION_TYPED,
  kUnstructured = KUBE_PLUGIN_REPRESENTATION_UNSTRUCTURED,
  kMetadataOnly = KUBE_PLUGIN_REPRESENTATION_METADATA_ONLY,
};

// OwnerReference is one entry of metadata.ownerReferences.
struct OwnerReference {
  std::string_view api_version;
  std::string_view kind;
  std::string_view name;
  std::string_view uid;
  std::optional<bool> controller;
  std::optional<bool> block_owner_deletion;
};

namespace sdk_internal {

inline std::string_view View(const char* data, size_t size) {
  return data == nullptr ? std::string_view() : std::string_view(data, size);
}

inline std::optional<bool> Tristate(int32_t value) {
  if (value == KUBE_PLUGIN_BOOL_TRUE) return true;
  if (value == KUBE_PLUGIN_BOOL_FALSE) return false;
  return std::nullopt;
}

[[noreturn]] inline void ThrowHostError(kube_plugin_status code, std::string what) {
  throw Error(static_cast<StatusCode>(code),
              what + " failed with status code " + std::to_string(code));
}

// MapVisitor adapts a C++ callable to kube_plugin_map_visitor, carrying any exception it
// throws across the host's C frames instead of through them.
template <typename F>
struct MapVisitor {
  F* visit;
  std::exception_ptr error;

  static int32_t Call(void* context, const char* key, size_t key_size, const char* value,
                      size_t value_size) noexcept {
    auto* self = static_cast<MapVisitor*>(context);
    try {
      const std::string_view k = View(key, key_size);
      const std::string_view v = View(value, value_size);
      if constexpr (std::is_same_v<std::invoke_result_t<F&, std::string_view, std::string_view>,
                                   bool>) {
        return (*self->visit)(k, v) ? 0 : 1;
      } else {
        (*self->visit)(k, v);
        return 0;
      }
    } catch (...) {
      self->error = std::current_exception();
      return 1;
    }
  }
};

}  // namespace sdk_internal

// Object reads the object a plugin call is about.
class Object {
 public:
  Object(const kube_host_api* host, const kube_host_object* object)
      : host_(host), object_(object) {}

  Representation representation() const {
    const kube_plugin_representation r = host_->object_representation(object_);
    if (r < KUBE_PLUGIN_REPRESENTATION_TYPED || r > KUBE_PLUGIN_REPRESENTATION_METADATA_ONLY) {
      return Representation::kUnknown;
    }
    return static_cast<Representation>(r);
  }

  std::string_view Kind() const { return Identity(KUBE_PLUGIN_IDENTITY_KIND); }
  std::string_view ApiVersion() const { return Identity(KUBE_PLUGIN_IDENTITY_API_VERSION); }
  std::string_view Namespace() const { return Identity(KUBE_PLUGIN_IDENTITY_NAMESPACE); }
  std::string_view Name() const { return Identity(KUBE_PLUGIN_IDENTITY_NAME); }
  std::string_view Uid() const { return Identity(KUBE_PLUGIN_IDENTITY_UID); }
  std::string_view ResourceVersion() const {
    return Identity(KUBE_PLUGIN_IDENTITY_RESOURCE_VERSION);
  }

  // FieldResult is the host's raw answer for a field path.
  struct FieldResult {
    StatusCode code = StatusCode::kOk;
    std::string_view value;  // when code is kOk
  };

  // TryField reads the scalar at `path` (e.g. "spec.nodeName",
  // "metadata.labels['app']") and returns the host's code as is: kOk, kNotFound,
  // kInvalidArgument (malformed path / not in the schema), kFailedPrecondition (not a scalar,
  // or outside metadata on a metadata-only object).
  FieldResult TryField(std::string_view path) const {
    const char* data = nullptr;
    size_t size = 0;
    const kube_plugin_status code =
        host_->object_field(object_, path.data(), path.size(), &data, &size);
    return FieldResult{static_cast<StatusCode>(code), sdk_internal::View(data, size)};
  }

  // Field is TryField for the common case: the value, std::nullopt when the object has no such
  // field (kNotFound) or cannot have it (kFailedPrecondition on a metadata-only object);
  // throws Error for anything else (a malformed path is a bug in the plugin).
  std::optional<std::string_view> Field(std::string_view path) const {
    const FieldResult result = TryField(path);
    if (result.code == StatusCode::kOk) return result.value;
    if (result.code == StatusCode::kNotFound) return std::nullopt;
    if (result.code == StatusCode::kFailedPrecondition &&
        representation() == Representation::kMetadataOnly) {
      return std::nullopt;
    }
    sdk_internal::ThrowHostError(static_cast<kube_plugin_status>(result.code),
                                 "reading field \"" + std::string(path) + "\"");
  }

  std::optional<std::string_view> Label(std::string_view key) const {
    return MapGet(KUBE_PLUGIN_MAP_LABELS, key);
  }
  std::optional<std::string_view> Annotation(std::string_view key) const {
    return MapGet(KUBE_PLUGIN_MAP_ANNOTATIONS, key);
  }

  // ForEachLabel calls visit(key, value) for every label; `visit` returns void, or bool where
  // false stops. An exception from `visit` propagates to the caller (never through the host).
  template <typename F>
  void ForEachLabel(F&& visit) const {
    ForEach(KUBE_PLUGIN_MAP_LABELS, visit);
  }
  template <typename F>
  void ForEachAnnotation(F&& visit) const {
    ForEach(KUBE_PLUGIN_MAP_ANNOTATIONS, visit);
  }

  size_t OwnerReferenceCount() const { return host_->object_owner_reference_count(object_); }

  OwnerReference OwnerReferenceAt(size_t index) const {
    kube_plugin_owner_reference raw = {};
    raw.struct_size = sizeof(raw);
    const kube_plugin_status code = host_->object_owner_reference(object_, index, &raw);
    if (code != KUBE_PLUGIN_OK) {
      sdk_internal::ThrowHostError(code, "reading owner reference " + std::to_string(index));
    }
    return OwnerReference{sdk_internal::View(raw.api_version, raw.api_version_size),
                          sdk_internal::View(raw.kind, raw.kind_size),
                          sdk_internal::View(raw.name, raw.name_size),
                          sdk_internal::View(raw.uid, raw.uid_size),
                          sdk_internal::Tristate(raw.controller),
                          sdk_internal::Tristate(raw.block_owner_deletion)};
  }

  std::vector<OwnerReference> OwnerReferences() const {
    std::vector<OwnerReference> out;
    const size_t count = OwnerReferenceCount();
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) out.push_back(OwnerReferenceAt(i));
    return out;
  }

 protected:
  const kube_host_api* host() const { return host_; }

 private:
  std::string_view Identity(kube_plugin_identity which) const {
    const char* data = nullptr;
    size_t size = 0;
    const kube_plugin_status code = host_->object_identity(object_, which, &data, &size);
    if (code != KUBE_PLUGIN_OK) {
      sdk_internal::ThrowHostError(code, "reading identity field " + std::to_string(which));
    }
    return sdk_internal::View(data, size);
  }

  std::optional<std::string_view> MapGet(kube_plugin_map map, std::string_view key) const {
    const char* data = nullptr;
    size_t size = 0;
    const kube_plugin_status code =
        host_->object_map_get(object_, map, key.data(), key.size(), &data, &size);
    if (code == KUBE_PLUGIN_NOT_FOUND) return std::nullopt;
    if (code != KUBE_PLUGIN_OK) sdk_internal::ThrowHostError(code, "reading a metadata map");
    return sdk_internal::View(data, size);
  }

  template <typename F>
  void ForEach(kube_plugin_map map, F& visit) const {
    sdk_internal::MapVisitor<F> visitor{&visit, nullptr};
    const kube_plugin_status code =
        host_->object_map_for_each(object_, map, &sdk_internal::MapVisitor<F>::Call, &visitor);
    if (visitor.error) std::rethrow_exception(visitor.error);
    if (code != KUBE_PLUGIN_OK) sdk_internal::ThrowHostError(code, "iterating a metadata map");
  }

  const kube_host_api* host_;
  const kube_host_object* object_;
};

// MutableObject is the object a transform edits. Reads see earlier edits; every edit
// invalidates the string_views read before it.
class MutableObject : public Object {
 public:
  MutableObject(const kube_host_api* host, const kube_host_object* object, kube_host_editor* editor)
      : Object(host, object), editor_(editor) {}

  // RemoveField removes whatever is at `path`; a no-op when absent. Throws Error for a
  // malformed path or a field the host keeps (kind, apiVersion, metadata.name, ...).
  void RemoveField(std::string_view path) {
    Check(host()->editor_remove_field(editor_, path.data(), path.size()),
          "removing field \"" + std::string(path) + "\"");
  }
  // ClearManagedFields removes metadata.managedFields, the usual first cut for a smaller cache.
  void ClearManagedFields() { RemoveField("metadata.managedFields"); }

  void SetLabel(std::string_view key, std::string_view value) {
    Check(host()->editor_map_set(editor_, KUBE_PLUGIN_MAP_LABELS, key.data(), key.size(),
                                 value.data(), value.size()),
          "setting a label");
  }
  void RemoveLabel(std::string_view key) {
    Check(host()->editor_map_remove(editor_, KUBE_PLUGIN_MAP_LABELS, key.data(), key.size()),
          "removing a label");
  }
  void SetAnnotation(std::string_view key, std::string_view value) {
    Check(host()->editor_map_set(editor_, KUBE_PLUGIN_MAP_ANNOTATIONS, key.data(), key.size(),
                                 value.data(), value.size()),
          "setting an annotation");
  }
  void RemoveAnnotation(std::string_view key) {
    Check(host()->editor_map_remove(editor_, KUBE_PLUGIN_MAP_ANNOTATIONS, key.data(), key.size()),
          "removing an annotation");
  }

 private:
  static void Check(kube_plugin_status code, std::string what) {
    if (code != KUBE_PLUGIN_OK) sdk_internal::ThrowHostError(code, std::move(what));
  }

  kube_host_editor* editor_;
};

// IndexValues collects the values an index plugin emits for one object. The host copies each
// value; duplicates are fine (the host removes them).
class IndexValues {
 public:
  IndexValues(const kube_host_api* host, kube_host_index_sink* sink) : host_(host), sink_(sink) {}

  // Add emits one value. Throws Error (RESOURCE_EXHAUSTED) past the host's limits on the size
  // or number of values; the host then fails the call however the plugin continues.
  void Add(std::string_view value) {
    const kube_plugin_status code = host_->index_sink_emit(sink_, value.data(), value.size());
    if (code != KUBE_PLUGIN_OK) sdk_internal::ThrowHostError(code, "emitting an index value");
  }

 private:
  const kube_host_api* host_;
  kube_host_index_sink* sink_;
};

}  // namespace kube::plugin_sdk

#endif  // KUBECPP_PLUGINS_SDK_OBJECT_H_
