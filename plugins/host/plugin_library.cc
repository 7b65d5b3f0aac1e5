#include "plugins/host/plugin_library.h"

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/sync.h"
#include "plugins/host/internal/handshake.h"
#include "plugins/host/internal/host_api.h"

namespace kube::plugins {
namespace {

// Thrown-across-the-ABI message: only a plugin not built with the SDK (or with a bug in a
// callback it passed) can do this; catching it here keeps the process alive.
absl::Status ThrewAcrossAbi(absl::string_view what) {
  return absl::InternalError(
      absl::StrCat(what,
                   " let a C++ exception cross the C ABI (plugins must catch every exception; the "
                   "kubecpp plugin SDK does)"));
}

// Dedup keeps the first occurrence of each value, in order.
void Dedup(std::vector<std::string>& values) {
  if (values.size() < 2) return;
  if (values.size() <= 16) {
    std::vector<std::string> out;
    out.reserve(values.size());
    for (std::string& v : values) {
      bool seen = false;
      for (const std::string& o : out) seen = seen || o == v;
      if (!seen) out.push_back(std::move(v));
    }
    values = std::move(out);
    return;
  }
  absl::flat_hash_set<absl::string_view> seen;
  std::vector<std::string> out;
  out.reserve(values.size());
  for (const std::string& v : values) {
    if (seen.insert(v).second) out.push_back(v);
  }
  values = std::move(out);
}

std::string ObjectKey(const ObjectView& object) {
  if (object.Namespace().empty()) return std::string(object.Name());
  return absl::StrCat(object.Namespace(), "/", object.Name());
}

}  // namespace

// ---- Instance ---------------------------------------------------------------------------------

// Instance owns one kube_plugin_instance and a reference to its library, so the plugin's code
// stays loaded while the instance lives.
class PluginLibrary::Instance {
 public:
  Instance(std::shared_ptr<const PluginLibrary> library, std::unique_ptr<kube_host_context> context)
      : library_(std::move(library)), context_(std::move(context)) {}

  ~Instance() {
    if (instance_ == nullptr) return;
    MutexLock lock(&library_->lifecycle_mu_);
    try {
      library_->api_->destroy(instance_);
    } catch (...) {
      library_->options_.log_sink(PluginLogSeverity::kError, context_->source,
                                  ThrewAcrossAbi("destroy").message());
    }
  }

  const PluginLibrary& library() const { return *library_; }
  const kube_plugin_api& api() const { return *library_->api_; }
  kube_host_context* context() const { return context_.get(); }
  kube_plugin_instance* handle() const { return instance_; }
  void set_handle(kube_plugin_instance* instance) { instance_ = instance; }
  const std::string& source() const { return context_->source; }

  // CallGuard serializes calls for plugins that did not declare KUBE_PLUGIN_FLAG_CONCURRENT_CALLS.
  class CallGuard {
   public:
    explicit CallGuard(const Instance& instance)
        : mu_(instance.library_->info_.concurrent_calls ? nullptr : &instance.call_mu_) {
      if (mu_ != nullptr) LockMutex(*mu_);
    }
    ~CallGuard() {
      if (mu_ != nullptr) UnlockMutex(*mu_);
    }
    CallGuard(const CallGuard&) = delete;
    CallGuard& operator=(const CallGuard&) = delete;

   private:
    absl::Mutex* const mu_;
  };

 private:
  const std::shared_ptr<const PluginLibrary> library_;
  const std::unique_ptr<kube_host_context> context_;
  kube_plugin_instance* instance_ = nullptr;
  mutable absl::Mutex call_mu_;
};

// ---- IndexFunction / Transform ----------------------------------------------------------------

class PluginLibrary::PluginIndexFunction final : public IndexFunction {
 public:
  explicit PluginIndexFunction(std::unique_ptr<Instance> instance)
      : instance_(std::move(instance)) {}

  absl::string_view name() const override { return instance_->library().info().name; }

  absl::StatusOr<std::vector<std::string>> Index(const ObjectView& object) const override {
    const PluginLibrary& library = instance_->library();
    kube_host_error error(library.options_.limits.max_message_bytes);
    kube_host_object handle(&object, &error);
    kube_host_index_sink sink(&library.options_.limits);
    kube_plugin_status code;
    {
      Instance::CallGuard guard(*instance_);
      try {
        code = instance_->api().index(instance_->handle(), &handle, &sink, &error);
      } catch (...) {
        return ThrewAcrossAbi(What(object));
      }
    }
    if (!sink.error.ok()) {
      return absl::Status(sink.error.code(),
                          absl::StrCat(What(object), ": ", sink.error.message()));
    }
    // What(object) allocates: only on failure (it was most of a successful call's overhead).
    if (code != KUBE_PLUGIN_OK) return internal::StatusFromPlugin(code, error, What(object));
    Dedup(sink.values);
    return std::move(sink.values);
  }

 private:
  std::string What(const ObjectView& object) const {
    return absl::StrCat(instance_->library().Describe(), ": index ", ObjectKey(object));
  }

  const std::unique_ptr<Instance> instance_;
};

class PluginLibrary::PluginTransform final : public Transform {
 public:
  explicit PluginTransform(std::unique_ptr<Instance> instance) : instance_(std::move(instance)) {}

  absl::string_view name() const override { return instance_->library().info().name; }

  absl::Status Apply(ObjectEditor& object) const override {
    const PluginLibrary& library = instance_->library();
    // The key is taken before the plugin edits anything; the message is formatted only on
    // failure.
    const std::string key = ObjectKey(object);
    kube_host_error error(library.options_.limits.max_message_bytes);
    kube_host_object handle(&object, &error);
    kube_host_editor editor(&object, &error);
    kube_plugin_status code;
    {
      Instance::CallGuard guard(*instance_);
      try {
        code = instance_->api().transform(instance_->handle(), &handle, &editor, &error);
      } catch (...) {
        return ThrewAcrossAbi(absl::StrCat(library.Describe(), ": transform ", key));
      }
    }
    if (code == KUBE_PLUGIN_OK) return absl::OkStatus();
    return internal::StatusFromPlugin(code, error,
                                      absl::StrCat(library.Describe(), ": transform ", key));
  }

 private:
  const std::unique_ptr<Instance> instance_;
};

// ---- PluginLibrary ----------------------------------------------------------------------------

PluginLibrary::PluginLibrary(PrivateTag, const kube_plugin_api* api, PluginInfo info,
                             BindOptions options, std::function<void()> unload)
    : api_(api), info_(std::move(info)), options_(std::move(options)), unload_(std::move(unload)) {
  context_ = std::make_unique<kube_host_context>(info_.name, options_.log_sink,
                                                 options_.limits.max_message_bytes);
}

PluginLibrary::~PluginLibrary() {
  if (initialized_ && api_->shutdown != nullptr) {
    try {
      api_->shutdown();
    } catch (...) {
      options_.log_sink(PluginLogSeverity::kError, info_.name,
                        ThrewAcrossAbi("shutdown").message());
    }
  }
  if (unload_) unload_();
}

absl::StatusOr<std::shared_ptr<const PluginLibrary>> PluginLibrary::Bind(
    kube_plugin_entry_fn entry, std::string source, BindOptions options,
    std::function<void()> unload) {
  if (!options.log_sink) options.log_sink = StderrPluginLogSink();
  if (entry == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("plugin ", source, ": no entry function"));
  }
  const kube_plugin_api* api = nullptr;
  try {
    api = entry(internal::HostApi());
  } catch (...) {
    return ThrewAcrossAbi(absl::StrCat("plugin ", source, ": ", KUBE_PLUGIN_ENTRY_SYMBOL));
  }
  if (api == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("plugin ", source, ": ", KUBE_PLUGIN_ENTRY_SYMBOL,
                     " returned no function table (the plugin refused this host, ABI ",
                     KUBE_PLUGIN_ABI_MAJOR, ".", KUBE_PLUGIN_ABI_MINOR, ")"));
  }
  absl::StatusOr<PluginInfo> info = internal::CheckHandshake(*api, source);
  if (!info.ok()) {
    return absl::Status(info.status().code(),
                        absl::StrCat("plugin ", source, ": ", info.status().message()));
  }
  info->sha256 = options.sha256;
  // The library exists before init so that init's log context is the library's own. Until init
  // succeeds it has no unload action: on failure the caller still owns the handle.
  auto library = std::make_shared<PluginLibrary>(PrivateTag{}, api, *std::move(info),
                                                 std::move(options), nullptr);
  if (api->init != nullptr) {
    kube_host_error error(library->options_.limits.max_message_bytes);
    kube_plugin_status code;
    try {
      code = api->init(internal::HostApi(), library->context_.get(), &error);
    } catch (...) {
      return ThrewAcrossAbi(absl::StrCat(library->Describe(), ": init"));
    }
    absl::Status status =
        internal::StatusFromPlugin(code, error, absl::StrCat(library->Describe(), ": init"));
    if (!status.ok()) return status;
  }
  library->initialized_ = true;
  library->unload_ = std::move(unload);
  return std::shared_ptr<const PluginLibrary>(std::move(library));
}

std::string PluginLibrary::Describe() const {
  return absl::StrCat("plugin \"", info_.name, "\" (", info_.source, ")");
}

absl::StatusOr<std::unique_ptr<PluginLibrary::Instance>> PluginLibrary::NewInstance(
    PluginKind kind, absl::string_view config) const {
  if (info_.kind != kind) {
    return absl::FailedPreconditionError(absl::StrCat(
        Describe(), " is ", info_.kind == PluginKind::kIndex ? "an index" : "a transform",
        " plugin, not ", kind == PluginKind::kIndex ? "an index" : "a transform"));
  }
  MutexLock lock(&lifecycle_mu_);
  const uint64_t number = ++instances_created_;
  auto instance = std::make_unique<Instance>(
      shared_from_this(),
      std::make_unique<kube_host_context>(absl::StrCat(info_.name, "#", number), options_.log_sink,
                                          options_.limits.max_message_bytes));
  const std::string what = absl::StrCat(Describe(), ": create");
  kube_host_error error(options_.limits.max_message_bytes);
  kube_plugin_instance* handle = nullptr;
  kube_plugin_status code;
  try {
    code = api_->create(internal::HostApi(), instance->context(), config.data(), config.size(),
                        &handle, &error);
  } catch (...) {
    return ThrewAcrossAbi(what);
  }
  absl::Status status = internal::StatusFromPlugin(code, error, what);
  if (!status.ok()) return status;
  if (handle == nullptr) {
    return absl::InternalError(absl::StrCat(what, " returned OK but no instance"));
  }
  instance->set_handle(handle);
  return instance;
}

absl::StatusOr<std::unique_ptr<IndexFunction>> PluginLibrary::NewIndexFunction(
    absl::string_view config) const {
  absl::StatusOr<std::unique_ptr<Instance>> instance = NewInstance(PluginKind::kIndex, config);
  if (!instance.ok()) return instance.status();
  return std::make_unique<PluginIndexFunction>(*std::move(instance));
}

absl::StatusOr<std::unique_ptr<Transform>> PluginLibrary::NewTransform(
    absl::string_view config) const {
  absl::StatusOr<std::unique_ptr<Instance>> instance = NewInstance(PluginKind::kTransform, config);
  if (!instance.ok()) return instance.status();
  return std::make_unique<PluginTransform>(*std::move(instance));
}

}  // namespace kube::plugins
