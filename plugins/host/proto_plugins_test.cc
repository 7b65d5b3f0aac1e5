// The example plugins on real generated messages: pods-by-node as an index definition of
// kube::api::core::v1::Pod, strip-metadata editing a Pod through ProtoObjectEditor.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "client/api/core/v1/pod.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexers/index_registry.h"
#include "plugins/host/field_path.h"
#include "plugins/host/plugin_loader.h"
#include "plugins/host/proto_index_definition.h"
#include "plugins/host/proto_object_view.h"
#include "plugins/host/testing/runfiles.h"

namespace kube::plugins {
namespace {

using ::kube::api::core::v1::Pod;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

Pod MakePod(const std::string& name, const std::string& node) {
  Pod pod;
  pod.mutable_metadata()->set_namespace_("default");
  pod.mutable_metadata()->set_name(name);
  if (!node.empty()) pod.mutable_spec()->set_nodename(node);
  return pod;
}

class ProtoPluginsTest : public ::testing::Test {
 protected:
  std::shared_ptr<const PluginLibrary> Load(const std::string& name) {
    auto library = loader_->Load(testing::RunfilePath("plugins/examples/lib" + name + ".so"));
    EXPECT_TRUE(library.ok()) << library.status();
    return library.ok() ? *library : nullptr;
  }
  std::unique_ptr<PluginLoader> loader_ = *PluginLoader::Create({});
};

TEST_F(ProtoPluginsTest, PodsByNodeIndexesGeneratedPods) {
  std::shared_ptr<const PluginLibrary> library = Load("pods_by_node");
  ASSERT_NE(library, nullptr);
  absl::StatusOr<std::unique_ptr<IndexFunction>> function = library->NewIndexFunction("");
  ASSERT_TRUE(function.ok()) << function.status();

  indexers::IndexRegistry<Pod>::Builder builder;
  ASSERT_TRUE(
      builder
          .Add(ProtoIndexDefinition<Pod>(std::shared_ptr<const IndexFunction>(*std::move(function)),
                                         "v1", "Pod", "plugin:pods_by_node"))
          .ok());
  indexers::IndexRegistry<Pod> registry = std::move(builder).Build();
  const indexers::IndexDefinition<Pod>* by_node = registry.Find("pods-by-node");
  ASSERT_NE(by_node, nullptr);

  EXPECT_THAT(by_node->func(MakePod("a", "node-1")), ElementsAre("node-1"));
  EXPECT_THAT(by_node->func(MakePod("b", "node-2")), ElementsAre("node-2"));
  EXPECT_THAT(by_node->func(MakePod("pending", "")), IsEmpty());
}

TEST_F(ProtoPluginsTest, ByOwnerKindReadsOwnerReferencesOfAGeneratedPod) {
  std::shared_ptr<const PluginLibrary> library = Load("by_owner_kind");
  ASSERT_NE(library, nullptr);
  absl::StatusOr<std::unique_ptr<IndexFunction>> function = library->NewIndexFunction("controller");
  ASSERT_TRUE(function.ok()) << function.status();
  indexers::IndexDefinition<Pod> d = ProtoIndexDefinition<Pod>(
      std::shared_ptr<const IndexFunction>(*std::move(function)), "v1", "Pod", "plugin:owner");
  Pod pod = MakePod("web-0", "node-1");
  auto* rs = pod.mutable_metadata()->add_ownerreferences();
  rs->set_apiversion("apps/v1");
  rs->set_kind("ReplicaSet");
  rs->set_name("web-7d9f");
  rs->set_uid("u1");
  rs->set_controller(true);
  auto* node = pod.mutable_metadata()->add_ownerreferences();
  node->set_apiversion("v1");
  node->set_kind("Node");
  node->set_name("node-1");
  node->set_uid("u2");
  EXPECT_THAT(d.func(pod), ElementsAre("ReplicaSet/web-7d9f"));
}

// Many threads index shared immutable pods through one plugin instance, as an informer's
// readers and writer would.
TEST_F(ProtoPluginsTest, ConcurrentIndexingOfSharedPods) {
  std::shared_ptr<const PluginLibrary> library = Load("pods_by_node");
  ASSERT_NE(library, nullptr);
  absl::StatusOr<std::unique_ptr<IndexFunction>> function = library->NewIndexFunction("");
  ASSERT_TRUE(function.ok()) << function.status();
  indexers::IndexDefinition<Pod> d = ProtoIndexDefinition<Pod>(
      std::shared_ptr<const IndexFunction>(*std::move(function)), "v1", "Pod", "plugin:node");
  std::vector<Pod> pods;
  for (int i = 0; i < 64; ++i) {
    pods.push_back(MakePod(absl::StrCat("p", i), absl::StrCat("node-", i % 4)));
    (*pods.back().mutable_metadata()->mutable_labels())["app"] = "web";
    auto* container = pods.back().mutable_spec()->add_containers();
    (*container->mutable_resources()->mutable_limits())["cpu"].set_string("500m");
  }
  const FieldPath label = *FieldPath::Parse("metadata.labels['app']");
  // A map outside metadata goes through protobuf reflection, which builds a lazy view of the map
  // on first access: the first reads of every pod race here on purpose.
  const FieldPath cpu = *FieldPath::Parse("spec.containers[0].resources.limits['cpu']");
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        for (size_t i = 0; i < pods.size(); ++i) {
          std::vector<std::string> values = d.func(pods[i]);
          if (values != std::vector<std::string>{absl::StrCat("node-", i % 4)}) ++mismatches;
          ProtoObjectView view(pods[i], "v1", "Pod");
          auto app = view.Field(label);
          if (!app.ok() || app->text() != "web") ++mismatches;
          auto limit = view.Field(cpu);
          if (!limit.ok() || limit->text() != "500m") ++mismatches;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// An index function that fails for one object: the object gets no values, the sink is told.
class FailsOnName : public IndexFunction {
 public:
  absl::string_view name() const override { return "fails"; }
  absl::StatusOr<std::vector<std::string>> Index(const ObjectView& object) const override {
    if (object.Name() == "bad") return absl::InvalidArgumentError("bad object");
    return std::vector<std::string>{std::string(object.Namespace())};
  }
};

TEST_F(ProtoPluginsTest, AnErrorConcernsOneObject) {
  absl::Mutex mu;
  std::vector<std::string> errors;
  indexers::IndexDefinition<Pod> d = ProtoIndexDefinition<Pod>(
      std::make_shared<FailsOnName>(), "v1", "Pod", "test:fails",
      [&](absl::string_view index, absl::string_view ns, absl::string_view name,
          const absl::Status& error) {
        MutexLock l(&mu);
        errors.push_back(absl::StrCat(index, " ", ns, "/", name, ": ", error.message()));
      });
  EXPECT_THAT(d.func(MakePod("bad", "")), IsEmpty());
  EXPECT_THAT(d.func(MakePod("good", "")), ElementsAre("default"));
  EXPECT_THAT(errors, ElementsAre("fails default/bad: bad object"));
}

TEST_F(ProtoPluginsTest, StripMetadataRemovesManagedFieldsFromAPod) {
  std::shared_ptr<const PluginLibrary> library = Load("strip_metadata");
  ASSERT_NE(library, nullptr);
  absl::StatusOr<std::unique_ptr<Transform>> transform = library->NewTransform("");
  ASSERT_TRUE(transform.ok()) << transform.status();

  Pod pod = MakePod("web-0", "node-1");
  pod.mutable_metadata()->add_managedfields()->set_manager("kubectl");
  pod.mutable_metadata()->add_managedfields()->set_manager("kube-scheduler");
  (*pod.mutable_metadata()
        ->mutable_annotations())["kubectl.kubernetes.io/last-applied-configuration"] = "{}";
  (*pod.mutable_metadata()->mutable_annotations())["keep"] = "me";
  (*pod.mutable_metadata()->mutable_labels())["app"] = "web";

  ProtoObjectEditor editor(pod, "v1", "Pod");
  ASSERT_TRUE((*transform)->Apply(editor).ok());
  EXPECT_EQ(pod.metadata().managedfields_size(), 0);
  EXPECT_FALSE(
      pod.metadata().annotations().contains("kubectl.kubernetes.io/last-applied-configuration"));
  EXPECT_EQ(pod.metadata().annotations().at("keep"), "me");
  EXPECT_EQ(pod.metadata().labels().at("app"), "web");
  EXPECT_EQ(pod.metadata().name(), "web-0");
  EXPECT_EQ(pod.spec().nodename(), "node-1");
  // Idempotent.
  ASSERT_TRUE((*transform)->Apply(editor).ok());
  EXPECT_EQ(pod.metadata().managedfields_size(), 0);
}

}  // namespace
}  // namespace kube::plugins
