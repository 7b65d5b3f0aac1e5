// Issue 6 acceptance, churn: sync 5,000 real Pods through an informer (protobuf wire, streaming
// list), then run 10,000 mixed creates / updates / deletes from several threads while it runs.
// After quiescence the cache must equal a fresh consistent LIST (same keys, same
// resourceVersions), and a handler must have been given the final state of every object: its
// last-seen RV per key equals the LIST's, and every object gone from the LIST was last seen as
// deleted.
//
// The writers use a client with a high but finite client-side rate (the token bucket of
// //client/rest) and 8 concurrent requests, well under the apiserver's default
// --max-mutating-requests-inflight (200). Each writer thread owns its own pods, so no two
// writes race on one object and every write must succeed.
#include <atomic>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/api/core/v1/pod.pb.h"
#include "gtest/gtest.h"
#include "informers/rest_lister_watcher.h"
#include "informers/shared_informer.h"
#include "informers/testing/live_cluster.h"
#include "tools/testenv/testenv.h"

namespace kube::informers {
namespace {

using api::core::v1::Pod;
using testing::KeyVersions;

constexpr int kInitialPods = 5000;
constexpr int kChurnOps = 10000;
constexpr int kWriters = 8;

std::string PodName(int i) { return absl::StrFormat("p-%05d", i); }

TEST(InformerChurnApiserverTest, CacheAndHandlerEqualAFreshListAfterChurn) {
  absl::StatusOr<testenv::Environment> env = testenv::Load();
  ASSERT_TRUE(env.ok()) << env.status().message();
  absl::StatusOr<testing::LiveCluster> cluster = testing::LiveCluster::Connect(*env, 1000, 1000);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  absl::StatusOr<std::string> ns = cluster->CreateNamespace("kubecpp-churn-");
  ASSERT_TRUE(ns.ok()) << ns.status();
  struct Cleanup {
    const testing::LiveCluster& c;
    std::string ns;
    ~Cleanup() { (void)c.DeleteNamespaceAndPods(ns); }
  } cleanup{*cluster, *ns};

  absl::Time t0 = absl::Now();
  ASSERT_TRUE(testing::ParallelFor(kInitialPods, kWriters, [&](int i) {
                return cluster->CreatePod(*ns, PodName(i), R"({"app":"churn"})");
              }).ok());
  absl::Duration create_time = absl::Now() - t0;

  auto lw = RestListerWatcher<Pod>::Create(cluster->client(), {.resource = "pods", .ns = *ns});
  ASSERT_TRUE(lw.ok()) << lw.status();
  auto informer = SharedIndexInformer<Pod>::Create(lw->get(), {});
  ASSERT_TRUE(informer.ok()) << informer.status();
  testing::LastSeenHandler<Pod> seen;
  auto reg = (*informer)->AddEventHandler(seen.Handler());
  ASSERT_TRUE(reg.ok()) << reg.status();
  t0 = absl::Now();
  (*informer)->Run();
  ASSERT_TRUE((*informer)->WaitForCacheSync(absl::Now() + absl::Seconds(120)));
  absl::Duration sync_time = absl::Now() - t0;
  EXPECT_EQ((*informer)->GetIndexer().Size(), static_cast<size_t>(kInitialPods));
  EXPECT_EQ((*informer)->Stats().reflector.watch_list_fallbacks, 0);

  // Churn: each writer owns the pods i % kWriters == w, the initial ones and the ones it creates.
  std::atomic<int> creates = 0, updates = 0, deletes = 0;
  t0 = absl::Now();
  absl::Status churn = testing::ParallelFor(kWriters, kWriters, [&](int w) -> absl::Status {
    std::mt19937 rng(1234 + w);
    std::vector<int> alive;
    for (int i = w; i < kInitialPods; i += kWriters) alive.push_back(i);
    int next = kInitialPods + w;
    for (int op = 0; op < kChurnOps / kWriters; ++op) {
      int dice = std::uniform_int_distribution<int>(0, 99)(rng);
      if (alive.empty() || dice < 30) {
        int i = next;
        next += kWriters;
        if (absl::Status s = cluster->CreatePod(*ns, PodName(i), R"({"app":"churn"})"); !s.ok()) {
          return s;
        }
        alive.push_back(i);
        ++creates;
        continue;
      }
      size_t at = std::uniform_int_distribution<size_t>(0, alive.size() - 1)(rng);
      int i = alive[at];
      if (dice < 70) {
        absl::Status s =
            cluster->PatchPod(*ns, PodName(i),
                              absl::StrCat(R"({"metadata":{"labels":{"gen":")", op,
                                           R"("},"annotations":{"w":")", w, R"("}}})"));
        if (!s.ok()) return s;
        ++updates;
      } else {
        if (absl::Status s = cluster->DeletePod(*ns, PodName(i)); !s.ok()) return s;
        alive[at] = alive.back();
        alive.pop_back();
        ++deletes;
      }
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(churn.ok()) << churn;
  absl::Duration churn_time = absl::Now() - t0;

  absl::StatusOr<KeyVersions> truth = cluster->ListPods(*ns);
  ASSERT_TRUE(truth.ok()) << truth.status();
  EXPECT_EQ(truth->size(), static_cast<size_t>(kInitialPods + creates - deletes));

  // Quiescence: nothing writes any more; the informer and the handler catch up.
  t0 = absl::Now();
  bool cache_equal = testing::WaitUntil(absl::Seconds(60), [&] {
    return testing::CacheVersions((*informer)->GetIndexer()) == *truth;
  });
  EXPECT_TRUE(cache_equal) << testing::DiffKeyVersions(
      *truth, testing::CacheVersions((*informer)->GetIndexer()));
  bool handler_equal =
      testing::WaitUntil(absl::Seconds(60), [&] { return seen.LiveVersions() == *truth; });
  EXPECT_TRUE(handler_equal) << testing::DiffKeyVersions(*truth, seen.LiveVersions());
  absl::Duration catch_up = absl::Now() - t0;
  // Every key the handler ever saw is either live in the LIST or was last seen deleted.
  EXPECT_EQ(seen.DeletedKeys(), static_cast<size_t>(deletes));

  InformerStats stats = (*informer)->Stats();
  HandlerStats hs = (*reg)->Stats();
  std::printf(
      "churn: created %d pods in %s; synced in %s; churn %d creates, %d updates, %d deletes in "
      "%s; caught up %s after; events applied %lld, handler delivered %lld, max buffer depth "
      "%zu, producer waits %lld; watches %lld, watch errors %lld, relists after 410 %lld\n",
      kInitialPods, absl::FormatDuration(create_time).c_str(),
      absl::FormatDuration(sync_time).c_str(), creates.load(), updates.load(), deletes.load(),
      absl::FormatDuration(churn_time).c_str(), absl::FormatDuration(catch_up).c_str(),
      static_cast<long long>(stats.events_applied), static_cast<long long>(hs.delivered),
      hs.max_buffer_depth, static_cast<long long>(hs.producer_waits),
      static_cast<long long>(stats.reflector.watches),
      static_cast<long long>(stats.reflector.watch_errors),
      static_cast<long long>(stats.reflector.relists_expired));
  (*informer)->Shutdown();
}

}  // namespace
}  // namespace kube::informers
