// kube::plugin_sdk — write a kubecpp plugin as a C++ class; get the C entry point from a macro.
//
// The header-only SDK for plugin authors, over the C ABI of plugins/abi/kube_plugin.h. It
// depends on nothing but the C++ standard library and that header, and is compiled into the
// plugin (so SDK and host versions are independent: only the ABI version matters).
// Guide: docs/plugins.md.
//
//   #include "plugins/sdk/plugin.h"
//
//   class PodsByNode : public kube::plugin_sdk::IndexPlugin {
//    public:
//     static constexpr kube::plugin_sdk::PluginInfo kInfo = {
//         .name = "pods-by-node",
//         .version = "1.0.0",
//         .description = "indexes pods by spec.nodeName",
//         .concurrency = kube::plugin_sdk::Concurrency::kConcurrent,
//     };
//     explicit PodsByNode(std::string_view config) { ... throw Error to refuse a config ... }
//     kube::plugin_sdk::Status Index(const kube::plugin_sdk::Object& pod,
//                                    kube::plugin_sdk::IndexValues& values) const override {
//       if (auto node = pod.Field("spec.nodeName"); node && !node->empty()) values.Add(*node);
//       return {};
//     }
//   };
//
//   KUBE_PLUGIN_DEFINE(PodsByNode)
//
// What the class provides:
//   - `static constexpr PluginInfo kInfo` (name: 1-63 of [a-z0-9.-]);
//   - a constructor taking (std::string_view config) or
//     (std::string_view config, const PluginContext& context): one object per instance, i.e.
//     per informer; throw Error (e.g. kInvalidArgument) to refuse the config;
//   - Index (IndexPlugin) or Transform (TransformPlugin);
//   - optionally `static Status InitPlugin(const PluginContext&)` and
//     `static void ShutdownPlugin()` for plugin-wide setup (rarely needed: keep no mutable
//     global state).
//
// Threads: with Concurrency::kConcurrent, Index/Transform run concurrently on one object from
// many threads (they are const: keep per-instance state immutable after construction, or
// synchronize it). With kSerialized the host never overlaps calls on one instance. Different
// instances always run in parallel.
//
// Exceptions: every exception is caught at the C boundary (see status.h for the mapping); none
// ever reaches the host.
#ifndef KUBECPP_PLUGINS_SDK_PLUGIN_H_
#define KUBECPP_PLUGINS_SDK_PLUGIN_H_

#include <cstddef>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "plugins/abi/kube_plugin.h"
#include "plugins/sdk/object.h"
#include "plugins/sdk/status.h"

namespace kube::plugin_sdk {

enum class Concurrency {
  kSerialized,  // the host serializes calls per instance
  kConcurrent,  // Index/Transform are safe to call concurrently on one instance
};

struct PluginInfo {
  const char* name = nullptr;
  const char* version = nullptr;
  const char* description = nullptr;
  Concurrency concurrency = Concurrency::kSerialized;
};

enum class LogSeverity : int32_t {
  kInfo = KUBE_PLUGIN_LOG_INFO,
  kWarning = KUBE_PLUGIN_LOG_WARNING,
  kError = KUBE_PLUGIN_LOG_ERROR,
};

// PluginContext logs through the host, attributed to the library (InitPlugin) or the instance
// (constructor). Keep it as long as the instance lives; Log is thread-safe.
class PluginContext {
 public:
  PluginContext(const kube_host_api* host, kube_host_context* context)
      : host_(host), context_(context) {}

  void Log(LogSeverity severity, std::string_view message) const noexcept {
    host_->log(context_, static_cast<kube_plugin_log_severity>(severity), message.data(),
               message.size());
  }

 private:
  const kube_host_api* host_;
  kube_host_context* context_;
};

class IndexPlugin {
 public:
  virtual ~IndexPlugin() = default;
  // Index emits the values `object` is indexed under (none is fine).
  virtual Status Index(const Object& object, IndexValues& values) const = 0;
};

class TransformPlugin {
 public:
  virtual ~TransformPlugin() = default;
  // Transform edits `object`; must be idempotent. On error the host discards the edits.
  virtual Status Transform(MutableObject& object) const = 0;
};

namespace sdk_internal {

// Report hands `status` to the host and returns its code; never throws.
inline kube_plugin_status Report(const kube_host_api* host, kube_host_error* error,
                                 const Status& status) noexcept {
  kube_plugin_status code = static_cast<kube_plugin_status>(status.code());
  if (code == KUBE_PLUGIN_OK) code = KUBE_PLUGIN_INTERNAL;  // Error(Ok): a plugin bug
  const std::string& message = status.message();
  host->error_set_message(error, message.data(), message.size());
  return code;
}

inline kube_plugin_status ReportText(const kube_host_api* host, kube_host_error* error,
                                     kube_plugin_status code, const char* prefix,
                                     const char* detail) noexcept {
  try {
    const std::string message = std::string(prefix) + detail;
    host->error_set_message(error, message.data(), message.size());
  } catch (...) {
    host->error_set_message(error, prefix, std::char_traits<char>::length(prefix));
  }
  return code;
}

// Guard runs `body` (returning Status) and turns its result or any exception into a status.
template <typename Body>
kube_plugin_status Guard(const kube_host_api* host, kube_host_error* error, Body&& body) noexcept {
  try {
    const Status status = body();
    if (status.ok()) return KUBE_PLUGIN_OK;
    return Report(host, error, status);
  } catch (const Error& e) {
    return Report(host, error, e.status());
  } catch (const std::bad_alloc&) {
    return ReportText(host, error, KUBE_PLUGIN_RESOURCE_EXHAUSTED, "out of memory", "");
  } catch (const std::exception& e) {
    return ReportText(host, error, KUBE_PLUGIN_INTERNAL, "uncaught exception: ", e.what());
  } catch (...) {
    return ReportText(host, error, KUBE_PLUGIN_UNKNOWN,
                      "uncaught exception of a type not derived from std::exception", "");
  }
}

template <typename T>
constexpr bool kIsIndex = std::is_base_of_v<IndexPlugin, T>;
template <typename T>
constexpr bool kIsTransform = std::is_base_of_v<TransformPlugin, T>;

// Box is one instance: the plugin object and its log context.
template <typename T>
struct Box {
  Box(const kube_host_api* host, kube_host_context* context, std::string_view config)
      : host(host), context(host, context), plugin(Make(config, this->context)) {}

  static T Make(std::string_view config, const PluginContext& context) {
    if constexpr (std::is_constructible_v<T, std::string_view, const PluginContext&>) {
      return T(config, context);
    } else {
      return T(config);
    }
  }

  const kube_host_api* host;
  PluginContext context;
  T plugin;
};

template <typename T>
struct Adapter {
  static_assert(kIsIndex<T> != kIsTransform<T>,
                "a plugin class derives from exactly one of IndexPlugin and TransformPlugin");
  static_assert(std::is_constructible_v<T, std::string_view> ||
                    std::is_constructible_v<T, std::string_view, const PluginContext&>,
                "a plugin class is constructible from (std::string_view config) or "
                "(std::string_view config, const PluginContext&)");

  static Box<T>* Unbox(kube_plugin_instance* instance) {
    return reinterpret_cast<Box<T>*>(instance);
  }

  static kube_plugin_status Init(const kube_host_api* host, kube_host_context* context,
                                 kube_host_error* error) noexcept {
    return Guard(host, error, [&]() -> Status {
      if constexpr (requires { T::InitPlugin(std::declval<const PluginContext&>()); }) {
        return T::InitPlugin(PluginContext(host, context));
      } else {
        return Status();
      }
    });
  }

  static void Shutdown() noexcept {
    if constexpr (requires { T::ShutdownPlugin(); }) {
      try {
        T::ShutdownPlugin();
      } catch (...) {
        // Nothing to report to: the library is going away.
      }
    }
  }

  static kube_plugin_status Create(const kube_host_api* host, kube_host_context* context,
                                   const char* config, size_t config_size,
                                   kube_plugin_instance** instance,
                                   kube_host_error* error) noexcept {
    return Guard(host, error, [&]() -> Status {
      auto box = std::make_unique<Box<T>>(host, context, View(config, config_size));
      *instance = reinterpret_cast<kube_plugin_instance*>(box.release());
      return Status();
    });
  }

  static void Destroy(kube_plugin_instance* instance) noexcept {
    try {
      delete Unbox(instance);
    } catch (...) {
      // Destructors should not throw; if one does, the instance is gone regardless.
    }
  }

  static kube_plugin_status Index(kube_plugin_instance* instance, const kube_host_object* object,
                                  kube_host_index_sink* sink, kube_host_error* error) noexcept {
    Box<T>* box = Unbox(instance);
    return Guard(box->host, error, [&]() -> Status {
      if constexpr (kIsIndex<T>) {
        const Object view(box->host, object);
        IndexValues values(box->host, sink);
        return static_cast<const IndexPlugin&>(box->plugin).Index(view, values);
      } else {
        return Status(StatusCode::kUnimplemented, "not an index plugin");
      }
    });
  }

  static kube_plugin_status Transform(kube_plugin_instance* instance,
                                      const kube_host_object* object, kube_host_editor* editor,
                                      kube_host_error* error) noexcept {
    Box<T>* box = Unbox(instance);
    return Guard(box->host, error, [&]() -> Status {
      if constexpr (kIsTransform<T>) {
        MutableObject mutable_object(box->host, object, editor);
        return static_cast<const TransformPlugin&>(box->plugin).Transform(mutable_object);
      } else {
        return Status(StatusCode::kUnimplemented, "not a transform plugin");
      }
    });
  }

  static constexpr kube_plugin_api kApi = {
      .struct_size = KUBE_PLUGIN_API_SIZE_1_0,
      .abi_major = KUBE_PLUGIN_ABI_MAJOR,
      .abi_minor = KUBE_PLUGIN_ABI_MINOR,
      .name = T::kInfo.name,
      .version = T::kInfo.version,
      .description = T::kInfo.description,
      .kind = kIsIndex<T> ? KUBE_PLUGIN_KIND_INDEX : KUBE_PLUGIN_KIND_TRANSFORM,
      .flags =
          T::kInfo.concurrency == Concurrency::kConcurrent ? KUBE_PLUGIN_FLAG_CONCURRENT_CALLS : 0u,
      .init = &Init,
      .shutdown = &Shutdown,
      .create = &Create,
      .destroy = &Destroy,
      .index = kIsIndex<T> ? &Index : nullptr,
      .transform = kIsTransform<T> ? &Transform : nullptr,
  };
};

}  // namespace sdk_internal

// EntryFor<T> is T's entry function; KUBE_PLUGIN_DEFINE exports it as kube_plugin_entry. A host
// that links a plugin class statically can pass it to PluginLibrary::Bind directly.
template <typename T>
const kube_plugin_api* EntryFor(const kube_host_api* host) noexcept {
  // The host checks versions and reports mismatches field by field; the table is returned to
  // any host of this major so that it can. A host too old to hold the 1.0 callbacks is refused.
  if (host == nullptr) return nullptr;
  if (host->abi_major == KUBE_PLUGIN_ABI_MAJOR && host->struct_size < KUBE_HOST_API_SIZE_1_0) {
    return nullptr;
  }
  return &sdk_internal::Adapter<T>::kApi;
}

}  // namespace kube::plugin_sdk

// KUBE_PLUGIN_DEFINE(Class) defines the plugin's exported entry point for `Class`. Use it once
// per shared object, at namespace scope, outside any namespace.
#define KUBE_PLUGIN_DEFINE(Class)                                         \
  extern "C" KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry( \
      const kube_host_api* host) {                                        \
    return ::kube::plugin_sdk::EntryFor<Class>(host);                     \
  }

#endif  // KUBECPP_PLUGINS_SDK_PLUGIN_H_
