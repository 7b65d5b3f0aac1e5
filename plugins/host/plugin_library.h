// kube::plugins::PluginLibrary — one plugin whose handshake passed, ready to create instances.
//
// Where it sits: PluginLoader (plugin_loader.h) finds, checks and dlopens a plugin file and
// binds its entry point into a PluginLibrary; each informer then creates its own instances
// (NewIndexFunction / NewTransform) from its own config bytes. Instances of one library share
// nothing but the code: two informers using the same .so with different configs never see each
// other's state.
//
// Lifetime: a PluginLibrary is held by std::shared_ptr; every instance it creates holds a
// reference too, so the plugin's code stays mapped while any instance lives, whoever dropped
// the library. When the last reference goes, the plugin's shutdown runs and the library is
// unloaded (the unload action given to Bind, dlclose for files).
//
// Errors: every failure, including a plugin misbehaving (unknown status code, error without a
// message, exception thrown across the C ABI), becomes an absl::Status whose message names the
// plugin; nothing a plugin returns can crash the host. (A plugin that corrupts memory or
// crashes can: plugins run in-process.)
//
// Thread-safety: all methods may be called concurrently. The host serializes create/destroy
// of one library and, for plugins without KUBE_PLUGIN_FLAG_CONCURRENT_CALLS, the calls on each
// instance.
#ifndef KUBECPP_PLUGINS_HOST_PLUGIN_LIBRARY_H_
#define KUBECPP_PLUGINS_HOST_PLUGIN_LIBRARY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "plugins/abi/kube_plugin.h"
#include "plugins/host/index_function.h"
#include "plugins/host/plugin_info.h"
#include "plugins/host/transform.h"

struct kube_host_context;

namespace kube::plugins {

class PluginLibrary : public std::enable_shared_from_this<PluginLibrary> {
 public:
  struct BindOptions {
    PluginLimits limits;
    PluginLogSink log_sink;  // empty: StderrPluginLogSink()
    std::string sha256;      // the file's digest, copied into info().sha256
  };

  // Bind calls `entry` with the host's callback table, checks the handshake (ABI major equal,
  // minor not newer than the host's, struct_size, name, kind, flags, required functions —
  // every mismatch listed, field by field, in one FailedPrecondition) and runs the plugin's
  // init. `source` names the plugin in messages (the file path). `unload` runs once, after the
  // plugin's shutdown, when the last reference to the library is gone; on error it is not
  // called (the caller still owns whatever it releases).
  //
  // PluginLoader calls this for files; code that links a plugin statically may call it with
  // that plugin's entry function.
  static absl::StatusOr<std::shared_ptr<const PluginLibrary>> Bind(kube_plugin_entry_fn entry,
                                                                   std::string source,
                                                                   BindOptions options,
                                                                   std::function<void()> unload);

  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const PluginInfo& info() const { return info_; }

  // NewIndexFunction creates an instance of an index plugin configured by `config` (opaque
  // bytes, passed to the plugin's create). FailedPrecondition for a transform plugin; the
  // plugin's own error (e.g. InvalidArgument for a bad pattern) when create fails.
  absl::StatusOr<std::unique_ptr<IndexFunction>> NewIndexFunction(absl::string_view config) const;

  // NewTransform creates an instance of a transform plugin configured by `config`.
  absl::StatusOr<std::unique_ptr<Transform>> NewTransform(absl::string_view config) const;

 private:
  class Instance;
  class PluginIndexFunction;
  class PluginTransform;

  struct PrivateTag {};

 public:
  // Constructed by Bind only (public for std::make_shared).
  PluginLibrary(PrivateTag, const kube_plugin_api* api, PluginInfo info, BindOptions options,
                std::function<void()> unload);

 private:
  absl::StatusOr<std::unique_ptr<Instance>> NewInstance(PluginKind kind,
                                                        absl::string_view config) const;
  // Prefix for messages: `plugin "<name>" (<source>)`.
  std::string Describe() const;

  const kube_plugin_api* const api_;
  const PluginInfo info_;
  const BindOptions options_;
  std::function<void()> unload_;
  std::unique_ptr<kube_host_context> context_;  // the library's log context
  bool initialized_ = false;                    // init ran and succeeded: shutdown is due

  // The plugin's create and destroy are serialized per library (ABI contract).
  mutable absl::Mutex lifecycle_mu_;
  mutable uint64_t instances_created_ ABSL_GUARDED_BY(lifecycle_mu_) = 0;
};

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_HOST_PLUGIN_LIBRARY_H_
