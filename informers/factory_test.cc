#include "informers/factory.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "base/testing/fake_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexers/index_func.h"
#include "indexers/testing/test_object.h"
#include "informers/testing/fake_lister_watcher.h"
#include "informers/testing/recording_handler.h"

namespace kube::informers {
namespace {

using ::kube::indexers::testing::MakeObject;
using ::kube::indexers::testing::TestObject;
using ::kube::informers::testing::FakeListerWatcher;
using ::kube::informers::testing::FakeWatchStream;
using ::kube::informers::testing::RecordingHandler;

// FakeCluster hands out one scripted FakeListerWatcher per informer the factory creates, serving
// the objects of the requested namespace, and remembers the watches so tests can see them closed.
class FakeCluster {
 public:
  ListerWatcherMaker<TestObject> Maker() {
    return [this](const InformerConfig<TestObject>& config)
               -> absl::StatusOr<std::unique_ptr<ListerWatcher<TestObject>>> {
      auto lw = std::make_unique<FakeListerWatcher<TestObject>>();
      std::vector<ObjectPtr<TestObject>> items;
      for (const auto& o : objects) {
        if (config.ns.empty() || o->ns == config.ns) items.push_back(o);
      }
      lw->ExpectList(ListPage<TestObject>{std::move(items), "10", ""});
      MutexLock l(&mu_);
      watches_.push_back(lw->ExpectWatch());
      ++made_;
      return std::unique_ptr<ListerWatcher<TestObject>>(std::move(lw));
    };
  }
  int made() const {
    MutexLock l(&mu_);
    return made_;
  }
  std::shared_ptr<FakeWatchStream<TestObject>> watch(int i) const {
    MutexLock l(&mu_);
    return watches_[i];
  }

  std::vector<ObjectPtr<TestObject>> objects = {
      MakeObject("ns1", "a", "1", {{"app", "web"}}, "full-a"),
      MakeObject("ns2", "b", "2", {{"app", "db"}}, "full-b"),
  };

 private:
  mutable absl::Mutex mu_;
  int made_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::shared_ptr<FakeWatchStream<TestObject>>> watches_ ABSL_GUARDED_BY(mu_);
};

class FactoryTest : public ::testing::Test {
 protected:
  FactoryOptions Options() {
    FactoryOptions o;
    o.clock = &clock_;
    o.random = [] { return 0.0; };
    o.use_watch_list = false;
    return o;
  }
  InformerConfig<TestObject> Pods() {
    InformerConfig<TestObject> c;
    c.resource = "pods";
    return c;
  }
  kube::testing::FakeClock clock_;
  FakeCluster cluster_;
};

Transform<TestObject> StripPayload() {
  return {"test:strip-payload", [](ObjectPtr<TestObject> in) {
            auto out = std::make_shared<TestObject>(*in);
            out->payload.clear();
            return ObjectPtr<TestObject>(out);
          }};
}

TEST_F(FactoryTest, EqualConfigsShareOneInformer) {
  InformerFactory<TestObject> factory(cluster_.Maker(), Options());
  auto c1 = Pods();
  c1.label_selector = *meta::LabelSelector::Parse("b=2,a=1");
  auto c2 = Pods();
  c2.label_selector = *meta::LabelSelector::Parse("a=1, b=2");  // same selector, other spelling
  auto a = factory.Acquire(c1);
  auto b = factory.Acquire(c2);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->informer_id(), b->informer_id());
  EXPECT_EQ(cluster_.made(), 1);  // one list+watch
  EXPECT_EQ(factory.Size(), 1u);
}

TEST_F(FactoryTest, AnyDifferenceInConfigIsAnotherInformer) {
  InformerFactory<TestObject> factory(cluster_.Maker(), Options());
  std::vector<InformerConfig<TestObject>> configs(7, Pods());
  configs[1].resource = "configmaps";
  configs[2].ns = "ns1";
  configs[3].label_selector = *meta::LabelSelector::Parse("app=web");
  configs[4].field_selector = *meta::FieldSelector::Parse("spec.nodeName=n1");
  configs[5].transforms.push_back(StripPayload());
  configs[6].indexers.push_back(indexers::LabelIndex<TestObject>("app"));
  std::vector<InformerLease<TestObject>> leases;
  for (auto& c : configs) {
    auto lease = factory.Acquire(c);
    ASSERT_TRUE(lease.ok());
    leases.push_back(*std::move(lease));
  }
  EXPECT_EQ(factory.Size(), configs.size());
  EXPECT_EQ(cluster_.made(), 7);
}

// Resync is a handler's business (client-go: per-handler resync), not the cache's: consumers that
// differ only in it share one informer, and each lease's handlers resync at that lease's period.
TEST_F(FactoryTest, ResyncPeriodIsNotIdentityEachLeaseResyncsAtItsOwnPeriod) {
  InformerFactory<TestObject> factory(cluster_.Maker(), Options());
  auto fast = Pods();
  fast.resync_period = absl::Seconds(30);
  auto slow = Pods();
  slow.resync_period = absl::Seconds(90);
  auto a = factory.Acquire(fast);
  auto b = factory.Acquire(slow);
  auto c = factory.Acquire(Pods());
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->informer_id(), b->informer_id());
  EXPECT_EQ(a->informer_id(), c->informer_id());
  EXPECT_EQ(a->identity(), b->identity());
  EXPECT_EQ(factory.Size(), 1u);
  EXPECT_EQ(cluster_.made(), 1);
  RecordingHandler<TestObject> ra, rb, rc;
  ASSERT_TRUE(a->AddEventHandler(ra.Handler()).ok());
  ASSERT_TRUE(b->AddEventHandler(rb.Handler()).ok());
  ASSERT_TRUE(c->AddEventHandler(rc.Handler()).ok());
  ASSERT_TRUE(ra.WaitFor(2) && rb.WaitFor(2) && rc.WaitFor(2));
  ASSERT_TRUE(clock_.BlockUntilDeadline(clock_.Now() + absl::Seconds(30)));
  clock_.Advance(absl::Seconds(30));
  ASSERT_TRUE(ra.WaitFor(4));  // a resynced both objects
  EXPECT_EQ(rb.size(), 2u);
  EXPECT_EQ(rc.size(), 2u);
}

// A Nothing() selector prints as "", which the server reads as "everything": refuse it rather
// than cache the opposite of what was asked for.
TEST_F(FactoryTest, NothingSelectorIsRejected) {
  InformerFactory<TestObject> factory(cluster_.Maker(), Options());
  auto labels = Pods();
  labels.label_selector = meta::LabelSelector::Nothing();
  auto got = factory.Acquire(labels);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << got.status();
  auto fields = Pods();
  fields.field_selector = meta::FieldSelector::Nothing();
  got = factory.Acquire(fields);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << got.status();
  EXPECT_EQ(factory.Size(), 0u);
  EXPECT_EQ(cluster_.made(), 0);
}

TEST_F(FactoryTest, OneConsumersTransformNamespaceAndIndexerNeverReachAnother) {
  InformerFactory<TestObject> factory(cluster_.Maker(), Options());
  auto stripped = Pods();
  stripped.ns = "ns1";
  stripped.transforms.push_back(StripPayload());
  stripped.indexers.push_back(indexers::LabelIndex<TestObject>("app"));
  auto a = factory.Acquire(stripped);
  auto b = factory.Acquire(Pods());
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(a->WaitForCacheSync(absl::InfiniteFuture()));
  ASSERT_TRUE(b->WaitForCacheSync(absl::InfiniteFuture()));
  // A: only ns1, payload stripped, label index present.
  EXPECT_EQ(a->GetIndexer().Size(), 1u);
  EXPECT_EQ(a->GetIndexer().GetByKey("ns1/a")->payload, "");
  EXPECT_TRUE(a->GetIndexer().HasIndex(indexers::LabelIndexName("app")));
  // B: everything, untouched, no extra index.
  EXPECT_EQ(b->GetIndexer().Size(), 2u);
  EXPECT_EQ(b->GetIndexer().GetByKey("ns1/a")->payload, "full-a");
  EXPECT_EQ(b->GetIndexer().GetByKey("ns2/b")->payload, "full-b");
  EXPECT_FALSE(b->GetIndexer().HasIndex(indexers::LabelIndexName("app")));
  EXPECT_NE(a->informer_id(), b->informer_id());
}

TEST_F(FactoryTest, LastLeaseStopsTheInformerAndRemovesItsHandlers) {
  InformerFactory<TestObject> factory(cluster_.Maker(), Options());
  auto a = factory.Acquire(Pods());
  auto b = factory.Acquire(Pods());
  ASSERT_TRUE(a.ok() && b.ok());
  RecordingHandler<TestObject> ra, rb;
  ASSERT_TRUE(a->AddEventHandler(ra.Handler()).ok());
  ASSERT_TRUE(b->AddEventHandler(rb.Handler()).ok());
  ASSERT_TRUE(ra.WaitFor(2));
  ASSERT_TRUE(rb.WaitFor(2));
  a->Release();
  EXPECT_EQ(factory.Size(), 1u);
  EXPECT_FALSE(cluster_.watch(0)->closed());
  cluster_.watch(0)->Push(WatchEventType::kAdded, MakeObject("ns3", "c", "11"));
  ASSERT_TRUE(rb.WaitFor(3));
  EXPECT_EQ(ra.size(), 2u);  // a's handler left with a
  b->Release();
  EXPECT_EQ(factory.Size(), 0u);
  EXPECT_TRUE(cluster_.watch(0)->closed());
  // A new lease for the same config starts a fresh informer.
  auto c = factory.Acquire(Pods());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(cluster_.made(), 2);
}

TEST_F(FactoryTest, LeaseUsesTheConfiguredResyncByDefault) {
  InformerFactory<TestObject> factory(cluster_.Maker(), Options());
  auto config = Pods();
  config.resync_period = absl::Seconds(30);
  auto lease = factory.Acquire(config);
  ASSERT_TRUE(lease.ok());
  RecordingHandler<TestObject> rec;
  ASSERT_TRUE(lease->AddEventHandler(rec.Handler()).ok());
  ASSERT_TRUE(rec.WaitFor(2));
  ASSERT_TRUE(lease->WaitForCacheSync(absl::InfiniteFuture()));
  ASSERT_TRUE(clock_.BlockUntilDeadline(clock_.Now() + absl::Seconds(30)));
  clock_.Advance(absl::Seconds(30));
  ASSERT_TRUE(rec.WaitFor(4));
}

TEST_F(FactoryTest, DuplicateIndexNamesAreRejected) {
  InformerFactory<TestObject> factory(cluster_.Maker(), Options());
  auto config = Pods();
  config.indexers.push_back(indexers::LabelIndex<TestObject>("app"));
  config.indexers.push_back(indexers::LabelIndex<TestObject>("app"));
  EXPECT_EQ(factory.Acquire(config).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(factory.Size(), 0u);
}

}  // namespace
}  // namespace kube::informers
