// The example plugins (all declared concurrent) on shared instances from many threads: index
// functions on shared objects, the transform on per-thread copies, as an informer runs them.
// Tag "stress": ./dev tsan runs it under ThreadSanitizer.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "plugins/host/plugin_loader.h"
#include "plugins/host/testing/fake_object.h"
#include "plugins/host/testing/runfiles.h"

namespace kube::plugins {
namespace {

using ::kube::plugins::testing::FakeObject;

constexpr int kThreads = 8;
constexpr int kRounds = 400;

std::shared_ptr<const PluginLibrary> Load(PluginLoader& loader, const std::string& name) {
  return *loader.Load(testing::RunfilePath("plugins/examples/lib" + name + ".so"));
}

TEST(ExamplesStressTest, SharedInstancesManyThreads) {
  auto loader = *PluginLoader::Create({});
  std::shared_ptr<const IndexFunction> by_node =
      *Load(*loader, "pods_by_node")->NewIndexFunction("");
  std::shared_ptr<const IndexFunction> by_owner =
      *Load(*loader, "by_owner_kind")->NewIndexFunction("");
  std::shared_ptr<const IndexFunction> by_label =
      *Load(*loader, "label_pattern")->NewIndexFunction("app.*|tier");
  std::shared_ptr<const Transform> strip = *Load(*loader, "strip_metadata")->NewTransform("");
  for (const auto& library : {"pods_by_node", "by_owner_kind", "label_pattern", "strip_metadata"}) {
    ASSERT_TRUE(Load(*loader, library)->info().concurrent_calls) << library;
  }

  // Shared, read-only objects (as the cache shares them).
  std::vector<FakeObject> pods;
  for (int i = 0; i < 16; ++i) {
    FakeObject pod("Pod", "default", absl::StrCat("pod-", i));
    pod.SetField("spec.nodeName", absl::StrCat("node-", i % 4))
        .SetLabel("app", "web")
        .SetLabel("app.kubernetes.io/instance", absl::StrCat("i", i))
        .SetLabel("tier", "front")
        .SetLabel("other", "x")
        .AddOwnerReference({"apps/v1", "ReplicaSet", absl::StrCat("rs-", i % 2), "u", true, {}});
    pods.push_back(std::move(pod));
  }

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        const FakeObject& pod = pods[(t + round) % pods.size()];
        auto node = by_node->Index(pod);
        auto owner = by_owner->Index(pod);
        auto labels = by_label->Index(pod);
        if (!node.ok() || node->size() != 1 ||
            (*node)[0] != pod.Field(*FieldPath::Parse("spec.nodeName"))->text()) {
          ++failures;
        }
        if (!owner.ok() || owner->size() != 1) ++failures;
        if (!labels.ok() || labels->size() != 3) ++failures;
        FakeObject copy = pod;  // a transform edits the informer's own copy
        copy.SetAnnotation("kubectl.kubernetes.io/last-applied-configuration", "{}");
        if (!strip->Apply(copy).ok() || !copy.annotations().empty()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace kube::plugins
