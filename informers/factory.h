// kube::informers::InformerFactory<T> — shares informers of one object type between consumers,
// by identity = whole configuration (informers/informer_config.h; DESIGN.md decision 6).
//
// Acquire(config) returns an InformerLease: the informer for exactly that configuration, created
// and started on first use, shared with every other lease of an equal configuration. A lease
// offers reading and handler registration only — there is no call that changes a shared
// informer's configuration, so "asking for a conflicting change" cannot be expressed: a different
// configuration simply is a different informer. Informers are reference-counted by their leases
// and shut down when the last lease is released; handlers added through a lease are removed when
// that lease is released.
//
// Where it sits: consumers (controllers, the cached client, `kubecpp watch`) -> *factory* ->
// SharedIndexInformer -> ListerWatcher made by the factory's ListerWatcherMaker (the REST wiring
// supplies one per resource type; tests supply fakes).
//
// Thread-safety: all methods are thread-safe. Leases must not outlive the factory.
#ifndef KUBECPP_INFORMERS_FACTORY_H_
#define KUBECPP_INFORMERS_FACTORY_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/sync.h"
#include "informers/informer_config.h"
#include "informers/list_watcher.h"
#include "informers/shared_informer.h"

namespace kube::informers {

template <typename T>
class InformerFactory;

// ListerWatcherMaker builds the ListerWatcher for a configuration's resource, namespace and
// selectors (the selectors are also sent by the reflector as ListOptions).
template <typename T>
using ListerWatcherMaker =
    std::function<absl::StatusOr<std::unique_ptr<ListerWatcher<T>>>(const InformerConfig<T>&)>;

struct FactoryOptions {
  Clock* clock = &Clock::Real();
  std::function<double()> random;  // for watch timeouts; default absl::BitGen
  bool use_watch_list = true;
  std::function<void(const absl::Status&)> watch_error_handler;  // for every informer
};

// InformerLease is one consumer's share of an informer. Move-only; releasing (destroying) it
// removes its handlers and drops its reference.
template <indexers::KubeObject T>
class InformerLease {
 public:
  InformerLease(InformerLease&& other) noexcept { *this = std::move(other); }
  InformerLease& operator=(InformerLease&& other) noexcept {
    Release();
    factory_ = std::exchange(other.factory_, nullptr);
    key_ = std::move(other.key_);
    informer_ = std::exchange(other.informer_, nullptr);
    resync_period_ = other.resync_period_;
    MutexLock l(&other.mu_);
    MutexLock m(&mu_);
    registrations_ = std::move(other.registrations_);
    return *this;
  }
  ~InformerLease() { Release(); }

  // AddEventHandler registers a handler on the shared informer, resyncing at the configured
  // period unless `options` says otherwise.
  absl::StatusOr<std::shared_ptr<HandlerRegistration>> AddEventHandler(
      EventHandler<T> handler, std::optional<HandlerOptions> options = std::nullopt) {
    HandlerOptions o = options.value_or(HandlerOptions{.resync_period = resync_period_});
    auto reg = informer_->AddEventHandler(std::move(handler), o);
    if (reg.ok()) {
      MutexLock l(&mu_);
      registrations_.push_back(*reg);
    }
    return reg;
  }
  absl::Status RemoveEventHandler(const std::shared_ptr<HandlerRegistration>& registration) {
    {
      MutexLock l(&mu_);
      auto it = std::find(registrations_.begin(), registrations_.end(), registration);
      if (it == registrations_.end()) return absl::NotFoundError("not registered by this lease");
      registrations_.erase(it);
    }
    return informer_->RemoveEventHandler(registration);
  }

  bool HasSynced() const { return informer_->HasSynced(); }
  bool WaitForCacheSync(absl::Time deadline) { return informer_->WaitForCacheSync(deadline); }
  const indexers::Indexer<T>& GetIndexer() const { return informer_->GetIndexer(); }
  indexers::Lister<T> GetLister() const { return informer_->GetLister(); }
  InformerStats Stats() const { return informer_->Stats(); }
  const std::string& identity() const { return key_; }

  // informer_id: the same for leases sharing one informer (for tests and diagnostics).
  const void* informer_id() const { return informer_; }

  // Release gives the lease up now (also done by the destructor). Idempotent.
  void Release();

 private:
  friend class InformerFactory<T>;
  InformerLease(InformerFactory<T>* factory, std::string key, SharedIndexInformer<T>* informer,
                absl::Duration resync_period)
      : factory_(factory),
        key_(std::move(key)),
        informer_(informer),
        resync_period_(resync_period) {}

  InformerFactory<T>* factory_ = nullptr;
  std::string key_;
  SharedIndexInformer<T>* informer_ = nullptr;
  absl::Duration resync_period_;
  mutable absl::Mutex mu_;
  std::vector<std::shared_ptr<HandlerRegistration>> registrations_ ABSL_GUARDED_BY(mu_);
};

template <typename T>
class InformerFactory {
 public:
  InformerFactory(ListerWatcherMaker<T> maker, FactoryOptions options)
      : maker_(std::move(maker)), options_(std::move(options)) {}
  InformerFactory(const InformerFactory&) = delete;
  InformerFactory& operator=(const InformerFactory&) = delete;
  // Every lease must have been released.
  ~InformerFactory() = default;

  // Acquire returns a lease on the informer for `config`, creating and starting it if no lease
  // holds one. Errors: InvalidArgument for a Nothing() selector, the ListerWatcherMaker's, or
  // AlreadyExists for duplicate index names. config.resync_period only sets the lease's default
  // handler resync; it does not pick the informer.
  absl::StatusOr<InformerLease<T>> Acquire(InformerConfig<T> config) {
    // Nothing() prints as "" — on the wire that is "everything", the opposite of what was asked.
    if (config.label_selector.IsNothing()) {
      return absl::InvalidArgumentError(
          "label selector matches nothing: an informer cannot watch it (it would be sent as \"\", "
          "which selects everything)");
    }
    if (config.field_selector.IsNothing()) {
      return absl::InvalidArgumentError(
          "field selector matches nothing: an informer cannot watch it (it would be sent as \"\", "
          "which selects everything)");
    }
    std::string key = config.IdentityKey();
    MutexLock l(&mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      auto lw = maker_(config);
      if (!lw.ok()) return lw.status();
      SharedInformerOptions<T> o;
      o.reflector.clock = options_.clock;
      o.reflector.random = options_.random;
      o.reflector.use_watch_list = options_.use_watch_list;
      o.reflector.watch_error_handler = options_.watch_error_handler;
      o.reflector.label_selector = config.label_selector.String();
      o.reflector.field_selector = config.field_selector.String();
      o.transforms = config.transforms;
      o.indexers = config.indexers;
      auto informer = SharedIndexInformer<T>::Create(lw->get(), std::move(o));
      if (!informer.ok()) return informer.status();
      Entry entry{*std::move(lw), *std::move(informer), 0};
      entry.informer->Run();
      it = entries_.emplace(key, std::move(entry)).first;
    }
    ++it->second.leases;
    return InformerLease<T>(this, std::move(key), it->second.informer.get(), config.resync_period);
  }

  // Size is the number of live informers.
  size_t Size() const {
    MutexLock l(&mu_);
    return entries_.size();
  }

 private:
  friend class InformerLease<T>;
  struct Entry {
    std::unique_ptr<ListerWatcher<T>> lister_watcher;
    std::unique_ptr<SharedIndexInformer<T>> informer;
    int leases;
  };

  void Release(const std::string& key) {
    Entry dead;
    {
      MutexLock l(&mu_);
      auto it = entries_.find(key);
      if (it == entries_.end() || --it->second.leases > 0) return;
      dead = std::move(it->second);
      entries_.erase(it);
    }
    dead.informer->Shutdown();  // outside the lock: joins threads
  }

  const ListerWatcherMaker<T> maker_;
  const FactoryOptions options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

template <indexers::KubeObject T>
void InformerLease<T>::Release() {
  if (factory_ == nullptr) return;
  std::vector<std::shared_ptr<HandlerRegistration>> regs;
  {
    MutexLock l(&mu_);
    regs.swap(registrations_);
  }
  for (auto& r : regs) (void)informer_->RemoveEventHandler(r);
  std::exchange(factory_, nullptr)->Release(key_);
  informer_ = nullptr;
}

}  // namespace kube::informers

#endif  // KUBECPP_INFORMERS_FACTORY_H_
