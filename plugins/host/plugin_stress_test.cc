// Many threads calling index functions on shared plugin instances (tag "stress"; ./dev tsan
// runs it under ThreadSanitizer, the plugins being built with the same instrumentation).
//
//  - "stateful" declares kSerialized and keeps an unsynchronized per-instance counter: the host
//    must serialize calls per instance. A lost update shows as a repeated count here, and any
//    overlap as a data race under TSAN.
//  - "raw-errors" declares KUBE_PLUGIN_FLAG_CONCURRENT_CALLS: calls run in parallel.
//  - Meanwhile other threads create and destroy instances of the same libraries, which the host
//    serializes per library while calls on other instances proceed.
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "plugins/host/plugin_loader.h"
#include "plugins/host/testing/fake_object.h"
#include "plugins/host/testing/runfiles.h"

namespace kube::plugins {
namespace {

using ::kube::plugins::testing::FakeObject;
using ::kube::plugins::testing::RunfilePath;

constexpr int kThreads = 8;
constexpr int kCallsPerThread = 500;

TEST(PluginStressTest, SharedInstancesUnderManyThreads) {
  auto loader = *PluginLoader::Create({});
  auto stateful = *loader->Load(RunfilePath("plugins/host/testdata/libstateful.so"));
  auto concurrent = *loader->Load(RunfilePath("plugins/host/testdata/libraw_errors.so"));
  ASSERT_FALSE(stateful->info().concurrent_calls);
  ASSERT_TRUE(concurrent->info().concurrent_calls);

  std::shared_ptr<const IndexFunction> serialized_index = *stateful->NewIndexFunction("s");
  std::shared_ptr<const IndexFunction> concurrent_index = *concurrent->NewIndexFunction("c");

  std::vector<std::vector<std::string>> counts(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const FakeObject pod("Pod", "default", absl::StrCat("pod-", t));
      for (int i = 0; i < kCallsPerThread; ++i) {
        absl::StatusOr<std::vector<std::string>> s = serialized_index->Index(pod);
        absl::StatusOr<std::vector<std::string>> c = concurrent_index->Index(pod);
        if (!s.ok() || s->size() != 1 || !c.ok() ||
            *c != std::vector<std::string>{std::string(pod.Name()), "c"}) {
          ++failures;
          continue;
        }
        counts[t].push_back((*s)[0]);
      }
    });
  }
  // Churn: instances created and destroyed on the same libraries meanwhile.
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      const FakeObject pod("Pod", "default", "churn");
      for (int i = 0; i < 200; ++i) {
        auto index = (t == 0 ? stateful : concurrent)->NewIndexFunction(absl::StrCat("n", i));
        if (!index.ok() || !(*index)->Index(pod).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);

  // Every call on the serialized instance saw a distinct count: 1 .. kThreads*kCallsPerThread.
  std::set<int> seen;
  for (const auto& per_thread : counts) {
    for (const std::string& value : per_thread) {
      int n = 0;
      ASSERT_TRUE(absl::SimpleAtoi(absl::string_view(value).substr(2), &n)) << value;
      EXPECT_TRUE(seen.insert(n).second) << "count " << n << " seen twice: calls overlapped";
    }
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kCallsPerThread));
  EXPECT_EQ(*seen.rbegin(), kThreads * kCallsPerThread);
}

TEST(PluginStressTest, ConcurrentLoadsAndReleasesOfOneFile) {
  auto loader = *PluginLoader::Create({});
  const std::string path = RunfilePath("plugins/host/testdata/libraw_errors.so");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const FakeObject pod("Pod", "default", "p");
      for (int i = 0; i < 100; ++i) {
        // Each iteration may be the one that drops the last reference (shutdown + dlclose)
        // while another thread loads the same file again.
        absl::StatusOr<std::shared_ptr<const PluginLibrary>> library = loader->Load(path);
        if (!library.ok()) {
          ++failures;
          continue;
        }
        auto index = (*library)->NewIndexFunction(absl::StrCat(t));
        if (!index.ok() || !(*index)->Index(pod).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace kube::plugins
