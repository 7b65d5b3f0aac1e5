// Plugins scoped per informer, through the real factory, informer and plugin host: per-informer
// instances and identities, per-object failures counted while the informer keeps going, and each
// load-time failure mode refused with a clear error while running informers keep serving.
#include "plugins/informer/informer_plugins.h"

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/sync.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/meta/v1/meta.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "informers/factory.h"
#include "informers/proto_object_traits.h"
#include "informers/testing/fake_lister_watcher.h"
#include "plugins/host/plugin_loader.h"
#include "plugins/host/testing/runfiles.h"
#include "plugins/informer/plugin_errors.h"

namespace kube::plugins {
namespace {

namespace fs = std::filesystem;
using ::kube::api::core::v1::Pod;
using ::kube::api::meta::v1::PartialObjectMetadata;
using ::kube::informers::FactoryOptions;
using ::kube::informers::InformerConfig;
using ::kube::informers::InformerFactory;
using ::kube::informers::InformerLease;
using ::kube::informers::ListerWatcher;
using ::kube::informers::ListerWatcherMaker;
using ::kube::informers::ListPage;
using ::kube::informers::WatchEventType;
using ::kube::informers::testing::FakeListerWatcher;
using ::kube::informers::testing::FakeWatchStream;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const ObjectKind kPodKind{"v1", "Pod"};

std::string Example(const std::string& name) {
  return testing::RunfilePath("plugins/examples/lib" + name + ".so");
}
std::string Testdata(const std::string& name) {
  return testing::RunfilePath("plugins/host/testdata/lib" + name + ".so");
}

template <typename M>
std::shared_ptr<M> NewObject(const std::string& name, const std::string& node) {
  auto object = std::make_shared<M>();
  object->mutable_metadata()->set_namespace_("default");
  object->mutable_metadata()->set_name(name);
  object->mutable_metadata()->set_resourceversion("5");
  (*object->mutable_metadata()->mutable_annotations())["a.example.com/note"] = "a";
  (*object->mutable_metadata()->mutable_annotations())["b.example.com/note"] = "b";
  object->mutable_metadata()->add_managedfields()->set_manager("kubectl");
  if constexpr (std::is_same_v<M, Pod>) {
    if (!node.empty()) object->mutable_spec()->set_nodename(node);
  }
  return object;
}

// FakeApiserver serves the same objects to every informer the factory creates, and keeps each
// informer's watch stream so tests can push events after the initial list.
template <typename M>
class FakeApiserver {
 public:
  explicit FakeApiserver(std::vector<std::shared_ptr<M>> objects) : objects_(std::move(objects)) {}

  ListerWatcherMaker<M> Maker() {
    return [this](const InformerConfig<M>&) -> absl::StatusOr<std::unique_ptr<ListerWatcher<M>>> {
      auto lw = std::make_unique<FakeListerWatcher<M>>();
      std::vector<indexers::ObjectPtr<M>> items(objects_.begin(), objects_.end());
      lw->ExpectList(ListPage<M>{std::move(items), "10", ""});
      MutexLock lock(&mu_);
      watches_.push_back(lw->ExpectWatch());
      return std::unique_ptr<ListerWatcher<M>>(std::move(lw));
    };
  }
  std::shared_ptr<FakeWatchStream<M>> watch(size_t i) const {
    MutexLock lock(&mu_);
    return watches_.at(i);
  }

 private:
  const std::vector<std::shared_ptr<M>> objects_;
  mutable absl::Mutex mu_;
  std::vector<std::shared_ptr<FakeWatchStream<M>>> watches_ ABSL_GUARDED_BY(mu_);
};

FactoryOptions Options() {
  FactoryOptions options;
  options.random = [] { return 0.0; };
  options.use_watch_list = false;
  return options;
}

InformerConfig<Pod> PodsConfig() {
  InformerConfig<Pod> config;
  config.resource = "pods";
  return config;
}

template <typename M>
void Synced(InformerLease<M>& lease) {
  ASSERT_TRUE(lease.WaitForCacheSync(absl::Now() + absl::Seconds(10)));
}

// WaitFor polls `done` (bounded): events pushed into a watch reach the cache asynchronously.
template <typename F>
bool WaitFor(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return done();
}

class InformerPluginsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PluginLoaderOptions options;
    options.log_sink = [this](PluginLogSeverity, absl::string_view source,
                              absl::string_view message) {
      MutexLock lock(&log_mu_);
      log_.push_back(absl::StrCat(source, ": ", message));
    };
    auto loader = PluginLoader::Create(std::move(options));
    ASSERT_TRUE(loader.ok()) << loader.status();
    loader_ = *std::move(loader);
  }
  std::vector<std::string> Log() {
    MutexLock lock(&log_mu_);
    return log_;
  }

  absl::Mutex log_mu_;
  std::vector<std::string> log_ ABSL_GUARDED_BY(log_mu_);
  std::unique_ptr<PluginLoader> loader_;
};

// ---- scoping: instances, identity, lifetime ---------------------------------------------------

// The cache-pollution case with plugins: two informers on Pods from one factory load the same
// transform .so with different configs; each cache reflects only its own config.
TEST_F(InformerPluginsTest, SameTransformDifferentConfigsKeepSeparateCaches) {
  FakeApiserver<Pod> server({NewObject<Pod>("web-0", "node-a"), NewObject<Pod>("web-1", "")});
  InformerFactory<Pod> factory(server.Maker(), Options());
  auto errors = std::make_shared<PluginErrors>();

  InformerConfig<Pod> strip_a = PodsConfig();
  ASSERT_TRUE(AddPlugin(*loader_, {.path = Example("strip_metadata"), .config = "a.example.com/*"},
                        kPodKind, errors, strip_a)
                  .ok());
  InformerConfig<Pod> strip_b = PodsConfig();
  ASSERT_TRUE(AddPlugin(*loader_, {.path = Example("strip_metadata"), .config = "b.example.com/*"},
                        kPodKind, errors, strip_b)
                  .ok());
  EXPECT_NE(strip_a.IdentityKey(), strip_b.IdentityKey());

  auto lease_a = factory.Acquire(std::move(strip_a));
  auto lease_b = factory.Acquire(std::move(strip_b));
  ASSERT_TRUE(lease_a.ok() && lease_b.ok());
  EXPECT_EQ(factory.Size(), 2u);
  EXPECT_NE(lease_a->informer_id(), lease_b->informer_id());
  Synced(*lease_a);
  Synced(*lease_b);

  for (const char* name : {"default/web-0", "default/web-1"}) {
    indexers::ObjectPtr<Pod> a = lease_a->GetIndexer().GetByKey(name);
    indexers::ObjectPtr<Pod> b = lease_b->GetIndexer().GetByKey(name);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_FALSE(a->metadata().annotations().contains("a.example.com/note"));
    EXPECT_TRUE(a->metadata().annotations().contains("b.example.com/note"));
    EXPECT_TRUE(b->metadata().annotations().contains("a.example.com/note"));
    EXPECT_FALSE(b->metadata().annotations().contains("b.example.com/note"));
    EXPECT_EQ(a->metadata().managedfields_size(), 0);
    EXPECT_EQ(b->metadata().managedfields_size(), 0);
  }
  // The objects the fake server handed out were copied, not edited.
  EXPECT_EQ(errors->transform_errors(), 0u);

  // Events after the list go through each informer's own instance too.
  auto added = NewObject<Pod>("web-2", "node-b");
  server.watch(0)->Push(WatchEventType::kAdded, added);
  server.watch(1)->Push(WatchEventType::kAdded, added);
  ASSERT_TRUE(WaitFor([&] { return lease_a->GetIndexer().GetByKey("default/web-2") != nullptr; }));
  ASSERT_TRUE(WaitFor([&] { return lease_b->GetIndexer().GetByKey("default/web-2") != nullptr; }));
  EXPECT_THAT(lease_a->GetIndexer().GetByKey("default/web-2")->metadata().annotations(),
              ::testing::Not(::testing::Contains(::testing::Key("a.example.com/note"))));
  EXPECT_THAT(lease_b->GetIndexer().GetByKey("default/web-2")->metadata().annotations(),
              ::testing::Contains(::testing::Key("a.example.com/note")));
  EXPECT_EQ(added->metadata().managedfields_size(), 1) << "the pushed object was not edited";

  // A third consumer with config A's exact plugin and config shares informer A.
  InformerConfig<Pod> strip_a_again = PodsConfig();
  ASSERT_TRUE(AddPlugin(*loader_, {.path = Example("strip_metadata"), .config = "a.example.com/*"},
                        kPodKind, errors, strip_a_again)
                  .ok());
  auto lease_a_again = factory.Acquire(std::move(strip_a_again));
  ASSERT_TRUE(lease_a_again.ok());
  EXPECT_EQ(lease_a_again->informer_id(), lease_a->informer_id());
  EXPECT_EQ(factory.Size(), 2u);
}

TEST_F(InformerPluginsTest, IdentityCarriesRealPathDigestAndConfig) {
  auto library = loader_->Load(Example("pods_by_node"));
  ASSERT_TRUE(library.ok()) << library.status();
  const PluginInfo& info = (*library)->info();
  const std::string identity = PluginIdentity(info, "cfg");
  EXPECT_EQ(identity, absl::StrCat("plugin:", fs::canonical(Example("pods_by_node")).string(),
                                   ";sha256:", info.sha256, ";config:3:cfg"));
  EXPECT_EQ(info.sha256.size(), 64u);

  // Through a symlink: the same file, the same identity, the same informer.
  const std::string link = testing::TempDir() + "/link.so";
  fs::create_symlink(Example("pods_by_node"), link);
  InformerConfig<Pod> direct = PodsConfig();
  InformerConfig<Pod> via_link = PodsConfig();
  InformerConfig<Pod> other_config = PodsConfig();
  ASSERT_TRUE(
      AddPlugin(*loader_, {.path = Example("pods_by_node")}, kPodKind, nullptr, direct).ok());
  ASSERT_TRUE(AddPlugin(*loader_, {.path = link}, kPodKind, nullptr, via_link).ok());
  EXPECT_EQ(direct.IdentityKey(), via_link.IdentityKey());
  // pods-by-node refuses any config; label-pattern-like configs are covered by the transform
  // test above. A different index name is a different informer as well.
  ASSERT_TRUE(AddPlugin(*loader_, {.path = Example("pods_by_node"), .index_name = "node"}, kPodKind,
                        nullptr, other_config)
                  .ok());
  EXPECT_NE(direct.IdentityKey(), other_config.IdentityKey());
}

TEST_F(InformerPluginsTest, InstancesAreDestroyedWhenTheInformerGoes) {
  FakeApiserver<Pod> server({NewObject<Pod>("web-0", "node-a")});
  InformerFactory<Pod> factory(server.Maker(), Options());
  InformerConfig<Pod> config = PodsConfig();
  ASSERT_TRUE(AddPlugin(*loader_, {.path = Testdata("transform_fails"), .config = "mine"}, kPodKind,
                        nullptr, config)
                  .ok());
  EXPECT_THAT(Log(), ElementsAre(HasSubstr("created mine")));
  {
    auto lease = factory.Acquire(std::move(config));
    ASSERT_TRUE(lease.ok());
    Synced(*lease);
    auto second = factory.Acquire([&] {
      InformerConfig<Pod> same = PodsConfig();
      EXPECT_TRUE(AddPlugin(*loader_, {.path = Testdata("transform_fails"), .config = "mine"},
                            kPodKind, nullptr, same)
                      .ok());
      return same;
    }());
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->informer_id(), lease->informer_id());
    // The second consumer's instance was dropped at once; the informer's lives on.
    EXPECT_THAT(Log(), ElementsAre(HasSubstr("created mine"), HasSubstr("created mine"),
                                   HasSubstr("destroyed mine")));
    EXPECT_EQ(lease->GetIndexer().GetByKey("default/web-0")->metadata().labels().at("transformed"),
              "mine");
    second->Release();
    EXPECT_EQ(Log().size(), 3u) << "one lease is left";
  }
  EXPECT_EQ(factory.Size(), 0u);
  EXPECT_THAT(Log(), ElementsAre(HasSubstr("created mine"), HasSubstr("created mine"),
                                 HasSubstr("destroyed mine"), HasSubstr("destroyed mine")));
}

// ---- per-object failures: the informer keeps going -------------------------------------------

TEST_F(InformerPluginsTest, IndexErrorForOneObjectLeavesItOutOfThatIndexOnly) {
  FakeApiserver<Pod> server({NewObject<Pod>("good-0", "node-a"), NewObject<Pod>("bad-0", "node-a"),
                             NewObject<Pod>("good-1", "node-b")});
  InformerFactory<Pod> factory(server.Maker(), Options());
  std::vector<std::string> reported;
  absl::Mutex reported_mu;
  auto errors = std::make_shared<PluginErrors>([&](const PluginCallError& error) {
    MutexLock lock(&reported_mu);
    reported.push_back(error.String());
  });
  InformerConfig<Pod> config = PodsConfig();
  ASSERT_TRUE(
      AddPlugin(*loader_, {.path = Testdata("index_fails")}, kPodKind, errors, config).ok());
  ASSERT_TRUE(
      AddPlugin(*loader_, {.path = Example("pods_by_node")}, kPodKind, errors, config).ok());
  auto lease = factory.Acquire(std::move(config));
  ASSERT_TRUE(lease.ok());
  Synced(*lease);

  const auto& cache = lease->GetIndexer();
  EXPECT_EQ(cache.Size(), 3u) << "the object is stored";
  EXPECT_THAT(*cache.ListIndexFuncValues("index-fails"), UnorderedElementsAre("good-0", "good-1"));
  EXPECT_THAT(*cache.IndexKeys("pods-by-node", "node-a"),
              UnorderedElementsAre("default/good-0", "default/bad-0"))
      << "other indexes still file it";
  EXPECT_EQ(errors->index_errors(), 1u);
  {
    MutexLock lock(&reported_mu);
    ASSERT_THAT(reported, ElementsAre(HasSubstr("index \"index-fails\" failed for default/bad-0")));
    EXPECT_THAT(reported[0], HasSubstr(R"(names starting with "bad" cannot be indexed)"));
  }

  // Later events: a failing object, then a good one; both are stored.
  server.watch(0)->Push(WatchEventType::kAdded, NewObject<Pod>("bad-1", "node-c"));
  server.watch(0)->Push(WatchEventType::kAdded, NewObject<Pod>("good-2", "node-c"));
  ASSERT_TRUE(WaitFor([&] { return cache.GetByKey("default/good-2") != nullptr; }));
  EXPECT_NE(cache.GetByKey("default/bad-1"), nullptr);
  EXPECT_THAT(*cache.IndexKeys("pods-by-node", "node-c"),
              UnorderedElementsAre("default/bad-1", "default/good-2"));
  EXPECT_EQ(errors->index_errors(), 2u);
  EXPECT_TRUE(lease->HasSynced());
}

TEST_F(InformerPluginsTest, PluginThrowingIsCaughtByTheSdkAndCounted) {
  FakeApiserver<Pod> server({NewObject<Pod>("web-0", ""), NewObject<Pod>("throw", "")});
  InformerFactory<Pod> factory(server.Maker(), Options());
  auto errors = std::make_shared<PluginErrors>();
  InformerConfig<Pod> config = PodsConfig();
  ASSERT_TRUE(AddPlugin(*loader_, {.path = Testdata("throws_sdk")}, kPodKind, errors, config).ok());
  auto lease = factory.Acquire(std::move(config));
  ASSERT_TRUE(lease.ok());
  Synced(*lease);
  EXPECT_EQ(lease->GetIndexer().Size(), 2u);
  EXPECT_THAT(*lease->GetIndexer().ListIndexFuncValues("throws-sdk"), ElementsAre("web-0"));
  EXPECT_EQ(errors->index_errors(), 1u);
  ASSERT_TRUE(errors->last().has_value());
  EXPECT_EQ(errors->last()->name, "throw");
  EXPECT_EQ(errors->last()->status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(errors->last()->status.message(), HasSubstr("index threw on purpose"));

  // And the constructor throwing is a clear create error.
  InformerConfig<Pod> throwing = PodsConfig();
  absl::Status status = AddPlugin(*loader_, {.path = Testdata("throws_sdk"), .config = "throw"},
                                  kPodKind, errors, throwing)
                            .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("constructor threw on purpose"));
  EXPECT_THAT(throwing.indexers, IsEmpty());
}

TEST_F(InformerPluginsTest, TransformErrorStoresTheObjectUntransformed) {
  FakeApiserver<Pod> server({NewObject<Pod>("good-0", ""), NewObject<Pod>("bad-0", "")});
  InformerFactory<Pod> factory(server.Maker(), Options());
  auto errors = std::make_shared<PluginErrors>();
  InformerConfig<Pod> config = PodsConfig();
  ASSERT_TRUE(AddPlugin(*loader_, {.path = Testdata("transform_fails"), .config = "v1"}, kPodKind,
                        errors, config)
                  .ok());
  // A later step of the chain still runs on the object the failing step left alone.
  ASSERT_TRUE(
      AddPlugin(*loader_, {.path = Example("strip_metadata")}, kPodKind, errors, config).ok());
  auto lease = factory.Acquire(std::move(config));
  ASSERT_TRUE(lease.ok());
  Synced(*lease);
  auto good = lease->GetIndexer().GetByKey("default/good-0");
  auto bad = lease->GetIndexer().GetByKey("default/bad-0");
  ASSERT_NE(good, nullptr);
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(good->metadata().labels().at("transformed"), "v1");
  EXPECT_FALSE(bad->metadata().labels().contains("transformed")) << "the partial edit is dropped";
  EXPECT_EQ(bad->metadata().managedfields_size(), 0) << "strip-metadata ran after it";
  EXPECT_EQ(errors->transform_errors(), 1u);
  EXPECT_EQ(errors->index_errors(), 0u);
  EXPECT_THAT(errors->last()->String(),
              HasSubstr("transform \"transform-fails\" failed for default/bad-0: "
                        "FAILED_PRECONDITION"));
}

// ---- load-time failures: a clear error, the config unchanged, running informers unaffected ----

TEST_F(InformerPluginsTest, EveryLoadFailureIsClearAndLeavesRunningInformersServing) {
  FakeApiserver<Pod> server({NewObject<Pod>("web-0", "node-a")});
  InformerFactory<Pod> factory(server.Maker(), Options());
  InformerConfig<Pod> running = PodsConfig();
  ASSERT_TRUE(
      AddPlugin(*loader_, {.path = Example("pods_by_node")}, kPodKind, nullptr, running).ok());
  const std::string running_key = running.IdentityKey();
  auto lease = factory.Acquire(std::move(running));
  ASSERT_TRUE(lease.ok());
  Synced(*lease);

  const std::string other_digest = (*loader_->Load(Example("pods_by_node")))->info().sha256;
  const std::string allowed = testing::TempDir();
  auto confined = PluginLoader::Create({.allowed_directories = {allowed}});
  ASSERT_TRUE(confined.ok()) << confined.status();

  struct Case {
    const char* what;
    PluginLoader* loader;
    PluginUse use;
    absl::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"no entry symbol",
       loader_.get(),
       {.path = Testdata("no_entry")},
       absl::StatusCode::kInvalidArgument,
       "does not export kube_plugin_entry"},
      {"ABI major mismatch",
       loader_.get(),
       {.path = Testdata("abi_major_2")},
       absl::StatusCode::kFailedPrecondition,
       "abi_major"},
      {"unknown newer minor",
       loader_.get(),
       {.path = Testdata("newer_minor")},
       absl::StatusCode::kFailedPrecondition,
       "abi_minor"},
      {"missing required function",
       loader_.get(),
       {.path = Testdata("missing_function")},
       absl::StatusCode::kFailedPrecondition,
       "index"},
      {"create fails",
       loader_.get(),
       {.path = Testdata("create_fails"), .config = "nonsense"},
       absl::StatusCode::kInvalidArgument,
       "config \"nonsense\" is not valid: want key=value"},
      {"digest mismatch",
       loader_.get(),
       {.path = Example("strip_metadata"), .sha256 = other_digest},
       absl::StatusCode::kPermissionDenied,
       absl::StrCat("but ", other_digest, " is pinned")},
      {"outside the allowed directories",
       confined->get(),
       {.path = Example("pods_by_node")},
       absl::StatusCode::kPermissionDenied,
       "outside the allowed plugin directories"},
      {"index name taken",
       loader_.get(),
       {.path = Example("pods_by_node")},
       absl::StatusCode::kAlreadyExists,
       "already has an index named \"pods-by-node\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    InformerConfig<Pod> config = PodsConfig();
    if (c.code == absl::StatusCode::kAlreadyExists) {
      ASSERT_TRUE(AddPlugin(*loader_, c.use, kPodKind, nullptr, config).ok());
    }
    const std::string before = config.IdentityKey();
    absl::Status status = AddPlugin(*c.loader, c.use, kPodKind, nullptr, config).status();
    EXPECT_EQ(status.code(), c.code) << status;
    EXPECT_THAT(status.message(), HasSubstr(c.message));
    EXPECT_EQ(config.IdentityKey(), before) << "the config is unchanged";
  }
  EXPECT_THAT(Log(), IsEmpty());

  // The running informer still serves and still processes events.
  server.watch(0)->Push(WatchEventType::kAdded, NewObject<Pod>("web-1", "node-a"));
  ASSERT_TRUE(WaitFor([&] { return lease->GetIndexer().GetByKey("default/web-1") != nullptr; }));
  EXPECT_THAT(*lease->GetIndexer().IndexKeys("pods-by-node", "node-a"),
              UnorderedElementsAre("default/web-0", "default/web-1"));
  EXPECT_EQ(factory.Size(), 1u);
}

// ---- metadata-only objects ---------------------------------------------------------------------

TEST_F(InformerPluginsTest, MetadataOnlyInformersUseTheSamePlugins) {
  auto owned = NewObject<PartialObjectMetadata>("web-0", "");
  auto* owner = owned->mutable_metadata()->add_ownerreferences();
  owner->set_apiversion("apps/v1");
  owner->set_kind("ReplicaSet");
  owner->set_name("web-7d9f");
  owner->set_uid("u1");
  owner->set_controller(true);
  FakeApiserver<PartialObjectMetadata> server({owned});
  InformerFactory<PartialObjectMetadata> factory(server.Maker(), Options());
  auto errors = std::make_shared<PluginErrors>();
  InformerConfig<PartialObjectMetadata> config;
  config.resource = "pods";
  ASSERT_TRUE(AddPlugin(*loader_, {.path = Example("strip_metadata"), .config = "a.example.com/*"},
                        kPodKind, errors, config)
                  .ok());
  ASSERT_TRUE(
      AddPlugin(*loader_, {.path = Example("by_owner_kind")}, kPodKind, errors, config).ok());
  // spec.nodeName is outside metadata: the SDK's Field() answers "absent" on a metadata-only
  // object, so pods-by-node files it under nothing (no error).
  ASSERT_TRUE(
      AddPlugin(*loader_, {.path = Example("pods_by_node")}, kPodKind, errors, config).ok());
  auto lease = factory.Acquire(std::move(config));
  ASSERT_TRUE(lease.ok());
  Synced(*lease);
  auto cached = lease->GetIndexer().GetByKey("default/web-0");
  ASSERT_NE(cached, nullptr);
  EXPECT_FALSE(cached->metadata().annotations().contains("a.example.com/note"));
  EXPECT_EQ(cached->metadata().managedfields_size(), 0);
  EXPECT_THAT(*lease->GetIndexer().IndexKeys("by-owner-kind", "ReplicaSet/web-7d9f"),
              ElementsAre("default/web-0"));
  EXPECT_THAT(*lease->GetIndexer().ListIndexFuncValues("pods-by-node"), IsEmpty());
  EXPECT_EQ(errors->index_errors(), 0u);
  EXPECT_EQ(errors->transform_errors(), 0u);
}

TEST_F(InformerPluginsTest, OneIndexPluginTwiceUnderTwoNames) {
  FakeApiserver<Pod> server({NewObject<Pod>("bad-0", "node-a")});
  InformerFactory<Pod> factory(server.Maker(), Options());
  absl::Mutex mu;
  std::vector<std::string> names;
  auto errors = std::make_shared<PluginErrors>([&](const PluginCallError& error) {
    MutexLock lock(&mu);
    names.push_back(error.plugin);
  });
  InformerConfig<Pod> config = PodsConfig();
  ASSERT_TRUE(
      AddPlugin(*loader_, {.path = Testdata("index_fails")}, kPodKind, errors, config).ok());
  ASSERT_TRUE(AddPlugin(*loader_, {.path = Testdata("index_fails"), .index_name = "second"},
                        kPodKind, errors, config)
                  .ok());
  auto lease = factory.Acquire(std::move(config));
  ASSERT_TRUE(lease.ok()) << lease.status();
  Synced(*lease);
  EXPECT_TRUE(lease->GetIndexer().HasIndex("index-fails"));
  EXPECT_TRUE(lease->GetIndexer().HasIndex("second"));
  EXPECT_EQ(errors->index_errors(), 2u);
  MutexLock lock(&mu);
  EXPECT_THAT(names, UnorderedElementsAre("index-fails", "second"))
      << "an error names the index as the consumer called it";
}

TEST(ParsePluginUseTest, FileAndConfig) {
  EXPECT_EQ(ParsePluginUse("/p/lib.so")->path, "/p/lib.so");
  EXPECT_EQ(ParsePluginUse("/p/lib.so")->config, "");
  EXPECT_EQ(ParsePluginUse("/p/lib.so=a=b, c")->path, "/p/lib.so");
  EXPECT_EQ(ParsePluginUse("/p/lib.so=a=b, c")->config, "a=b, c");
  EXPECT_EQ(ParsePluginUse("=x").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePluginUse("/p/lib.so").value().sha256, "");
  absl::StatusOr<PluginUse> pinned = ParsePluginUse("/p/lib.so@sha256:AB12=k=v@sha256:x");
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  EXPECT_EQ(pinned->path, "/p/lib.so");
  EXPECT_EQ(pinned->sha256, "AB12");
  EXPECT_EQ(pinned->config, "k=v@sha256:x");  // the config is verbatim
  EXPECT_EQ(ParsePluginUse("/p/a@b.so")->path, "/p/a@b.so");
  EXPECT_EQ(ParsePluginUse("/p/lib.so@sha256:").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePluginUse("@sha256:ab").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kube::plugins
