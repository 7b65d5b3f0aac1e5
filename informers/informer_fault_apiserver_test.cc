// Issue 6 acceptance, faults: an informer over real Pods must recover by itself — cache and
// handler equal to a fresh LIST afterwards, no lost and no phantom objects — when
//   (a) kube-apiserver is restarted under it (SIGTERM: the server closes every watch), with
//       writes right before the stop and right after the restart, while it backs off; while the
//       apiserver is down (connection refused) it must re-watch without ever listing;
//   (b) its resourceVersion is forced to expire (410): with the apiserver stopped, pods are
//       deleted directly in etcd (no watcher ever gets those DELETEs) and etcd is compacted at its
//       current revision; the restarted apiserver's watch cache starts there, so re-watching
//       from the informer's RV is "too old" and only a relist can drop the deleted pods;
//   (c) etcd is stopped for a few seconds and started again.
// These restart processes, so they run against a private control plane
// (tools/testenv/private_control_plane.h) that dies with this test, never the shared testenv.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/api/core/v1/pod.pb.h"
#include "gtest/gtest.h"
#include "informers/rest_lister_watcher.h"
#include "informers/shared_informer.h"
#include "informers/testing/live_cluster.h"
#include "tools/testenv/private_control_plane.h"
#include "tools/testenv/testenv.h"

namespace kube::informers {
namespace {

using api::core::v1::Pod;
using testing::KeyVersions;

constexpr int kPods = 200;

std::string PodName(int i) { return absl::StrFormat("p-%04d", i); }

class InformerFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testenv::Environment> shared = testenv::Load();
    ASSERT_TRUE(shared.ok()) << shared.status().message();
    absl::StatusOr<std::unique_ptr<testenv::PrivateControlPlane>> cp =
        testenv::PrivateControlPlane::Start(*shared);
    ASSERT_TRUE(cp.ok()) << cp.status();
    cp_ = *std::move(cp);
    absl::StatusOr<testing::LiveCluster> cluster = testing::LiveCluster::Connect(cp_->env());
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = std::make_unique<testing::LiveCluster>(*std::move(cluster));
    absl::StatusOr<std::string> ns = cluster_->CreateNamespace("kubecpp-fault-");
    ASSERT_TRUE(ns.ok()) << ns.status();
    ns_ = *ns;
    ASSERT_TRUE(testing::ParallelFor(kPods, 4, [&](int i) {
                  return cluster_->CreatePod(ns_, PodName(i));
                }).ok());
    next_pod_ = kPods;

    auto lw = RestListerWatcher<Pod>::Create(cluster_->client(), {.resource = "pods", .ns = ns_});
    ASSERT_TRUE(lw.ok()) << lw.status();
    lw_ = *std::move(lw);
    SharedInformerOptions<Pod> options;
    // Bounded test time: retries at most every 2 s (the default climbs to 30 s).
    options.reflector.backoff.max = absl::Seconds(2);
    auto informer = SharedIndexInformer<Pod>::Create(lw_.get(), std::move(options));
    ASSERT_TRUE(informer.ok()) << informer.status();
    informer_ = *std::move(informer);
    ASSERT_TRUE(informer_->AddEventHandler(seen_.Handler()).ok());
    informer_->Run();
    ASSERT_TRUE(informer_->WaitForCacheSync(absl::Now() + absl::Seconds(60)));
    ASSERT_EQ(informer_->GetIndexer().Size(), static_cast<size_t>(kPods));
  }

  void TearDown() override {
    // The informer first (its threads use the client), then the control plane and its
    // processes (the destructor stops them; they would die with this process anyway).
    if (informer_) informer_->Shutdown();
    informer_.reset();
    lw_.reset();
    cluster_.reset();
    cp_.reset();
  }

  // Churn creates, updates and deletes `n` pods each.
  void Churn(int n, absl::string_view tag) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(cluster_->CreatePod(ns_, PodName(next_pod_++)).ok());
    }
    KeyVersions live = CacheTruth();
    int updated = 0, deleted = 0;
    for (const auto& [key, rv] : live) {
      std::string name = key.substr(key.find('/') + 1);
      if (updated < n) {
        ASSERT_TRUE(
            cluster_
                ->PatchPod(ns_, name,
                           absl::StrCat(R"({"metadata":{"labels":{"phase":")", tag, R"("}}})"))
                .ok());
        ++updated;
      } else if (deleted < n) {
        ASSERT_TRUE(cluster_->DeletePod(ns_, name).ok());
        ++deleted;
      } else {
        break;
      }
    }
  }

  KeyVersions CacheTruth() {
    absl::StatusOr<KeyVersions> truth = cluster_->ListPods(ns_);
    EXPECT_TRUE(truth.ok()) << truth.status();
    return truth.ok() ? *truth : KeyVersions();
  }

  // ExpectConverged: after the writes stopped, the cache and the handler's view reach exactly
  // the fresh LIST (same keys, same RVs) by themselves.
  void ExpectConverged(absl::string_view phase) {
    KeyVersions truth = CacheTruth();
    absl::Time t0 = absl::Now();
    bool cache_ok = testing::WaitUntil(absl::Seconds(60), [&] {
      return testing::CacheVersions(informer_->GetIndexer()) == truth;
    });
    EXPECT_TRUE(cache_ok) << phase << ": cache != LIST\n"
                          << testing::DiffKeyVersions(
                                 truth, testing::CacheVersions(informer_->GetIndexer()));
    bool handler_ok =
        testing::WaitUntil(absl::Seconds(30), [&] { return seen_.LiveVersions() == truth; });
    EXPECT_TRUE(handler_ok) << phase << ": handler != LIST\n"
                            << testing::DiffKeyVersions(truth, seen_.LiveVersions());
    ReflectorStats s = informer_->Stats().reflector;
    std::printf(
        "%s: converged %s after the last write (%zu pods); lists %lld, watches %lld, watch "
        "errors %lld, list errors %lld, relists after 410 %lld, after other errors %lld (%s)\n",
        std::string(phase).c_str(), absl::FormatDuration(absl::Now() - t0).c_str(), truth.size(),
        static_cast<long long>(s.lists), static_cast<long long>(s.watches),
        static_cast<long long>(s.watch_errors), static_cast<long long>(s.list_errors),
        static_cast<long long>(s.relists_expired), static_cast<long long>(s.relists_error),
        s.last_relist_reason.c_str());
  }

  std::unique_ptr<testenv::PrivateControlPlane> cp_;
  std::unique_ptr<testing::LiveCluster> cluster_;
  std::string ns_;
  int next_pod_ = 0;
  std::unique_ptr<RestListerWatcher<Pod>> lw_;
  std::unique_ptr<SharedIndexInformer<Pod>> informer_;
  testing::LastSeenHandler<Pod> seen_;
};

TEST_F(InformerFaultTest, RecoversFromApiserverRestartExpiryAndEtcdOutage) {
  // (a) kube-apiserver restarted under the running informer.
  const int64_t watches_before = informer_->Stats().reflector.watches;
  Churn(10, "before-restart");
  ExpectConverged("before restart");
  const ReflectorStats before_stop = informer_->Stats().reflector;
  ASSERT_TRUE(cp_->StopApiserver().ok());
  // While the apiserver is down every re-watch is refused: the reflector must keep re-watching
  // from its RV (backing off), never relist — a LIST cannot succeed either, and relisting after
  // every refused connection is what turns an apiserver restart into a thundering herd.
  const ReflectorStats down_start = informer_->Stats().reflector;
  absl::SleepFor(absl::Seconds(4));
  const ReflectorStats while_down = informer_->Stats().reflector;
  std::printf(
      "apiserver down 4 s: watches %lld -> %lld, watch errors %lld -> %lld, lists %lld -> %lld\n",
      static_cast<long long>(before_stop.watches), static_cast<long long>(while_down.watches),
      static_cast<long long>(before_stop.watch_errors),
      static_cast<long long>(while_down.watch_errors), static_cast<long long>(before_stop.lists),
      static_cast<long long>(while_down.lists));
  EXPECT_GT(while_down.watch_errors, down_start.watch_errors) << "never tried to re-watch";
  EXPECT_EQ(while_down.lists, before_stop.lists)
      << "relisted while the apiserver was down (" << while_down.last_relist_reason << ")";
  EXPECT_EQ(while_down.relists_error, before_stop.relists_error) << while_down.last_relist_reason;
  ASSERT_TRUE(cp_->StartApiserver().ok());
  Churn(10, "after-restart");
  ExpectConverged("apiserver restart");
  EXPECT_GT(informer_->Stats().reflector.watches, watches_before) << "never re-watched";

  // (b) a forced 410: deletes behind the apiserver's back, etcd compacted past the informer's RV.
  const int64_t relists_before = informer_->Stats().reflector.relists_expired;
  KeyVersions before = CacheTruth();
  ASSERT_GE(before.size(), 3u);
  ASSERT_TRUE(cp_->StopApiserver().ok());
  int removed = 0;
  for (const auto& [key, rv] : before) {
    if (removed == 3) break;
    absl::StatusOr<int64_t> n = cp_->EtcdDelete(absl::StrCat("/registry/pods/", key));
    ASSERT_TRUE(n.ok()) << n.status();
    ASSERT_EQ(*n, 1) << key;
    ++removed;
  }
  absl::StatusOr<int64_t> compacted = cp_->CompactEtcd();
  ASSERT_TRUE(compacted.ok()) << compacted.status();
  ASSERT_TRUE(cp_->StartApiserver().ok());
  EXPECT_EQ(CacheTruth().size(), before.size() - 3);
  ExpectConverged("forced 410");
  ReflectorStats after_410 = informer_->Stats().reflector;
  EXPECT_GT(after_410.relists_expired, relists_before) << "no relist caused by expiry";
  EXPECT_NE(after_410.last_relist_reason.find("Expired"), std::string::npos)
      << after_410.last_relist_reason;

  // (c) etcd stopped for a few seconds under a running apiserver.
  Churn(10, "before-etcd-stop");
  ASSERT_TRUE(cp_->StopEtcd().ok());
  absl::SleepFor(absl::Seconds(3));
  ASSERT_TRUE(cp_->StartEtcd().ok());
  ASSERT_TRUE(cp_->WaitReady().ok());
  Churn(10, "after-etcd-start");
  ExpectConverged("etcd outage");
}

}  // namespace
}  // namespace kube::informers
