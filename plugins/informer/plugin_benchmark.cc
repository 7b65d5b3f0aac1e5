// Per-object cost of plugins versus the same work built in (docs/benchmarks.md, "plugins"):
//   * index: pods-by-node (libpods_by_node.so through the C ABI and ProtoObjectView) versus
//     indexers::PodNodeNameIndex (generated accessor), one call per object; plus the same
//     function written in C++ against ObjectView (reflection, no ABI), to split the overhead
//     into "field by path through reflection" and "the C ABI crossing";
//   * the same inside the cache: Indexer::Upsert of an updated pod (the index runs on the old and
//     the new object);
//   * transform: strip-metadata (libstrip_metadata.so through ProtoTransform) versus the same
//     edits in C++ (copy the message, clear managedFields, erase the annotation).
// Run: bazel run -c opt //plugins/informer:plugin_benchmark -- --benchmark_repetitions=5
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "client/api/core/v1/pod.pb.h"
#include "indexers/indexer.h"
#include "indexers/pod_indexes.h"
#include "informers/proto_object_traits.h"
#include "plugins/host/field_path.h"
#include "plugins/host/index_function.h"
#include "plugins/host/plugin_loader.h"
#include "plugins/host/proto_index_definition.h"
#include "plugins/informer/informer_plugins.h"

namespace kube::plugins {
namespace {

using ::kube::api::core::v1::Pod;

constexpr int kPods = 1024;
const ObjectKind kPodKind{"v1", "Pod"};

// PluginPath: bazel run starts in the runfiles tree; bazel test sets TEST_SRCDIR.
std::string PluginPath(const std::string& name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string relative = "plugins/examples/lib" + name + ".so";
  if (srcdir == nullptr) return relative;
  return absl::StrCat(srcdir, "/", std::getenv("TEST_WORKSPACE"), "/", relative);
}

// A realistic pod: labels, annotations (one last-applied of ~1 KiB), two managedFields entries,
// an owner, two containers.
std::shared_ptr<const Pod> MakePod(int i) {
  auto pod = std::make_shared<Pod>();
  auto* meta = pod->mutable_metadata();
  meta->set_namespace_(absl::StrCat("ns-", i % 16));
  meta->set_name(absl::StrCat("web-", i));
  meta->set_uid(absl::StrCat("uid-", i));
  meta->set_resourceversion(absl::StrCat(1000 + i));
  (*meta->mutable_labels())["app"] = "web";
  (*meta->mutable_labels())["pod-template-hash"] = "7d9f8c";
  (*meta->mutable_annotations())["kubectl.kubernetes.io/last-applied-configuration"] =
      std::string(1024, 'x');
  (*meta->mutable_annotations())["example.com/team"] = "platform";
  for (const char* manager : {"kubectl", "kube-controller-manager"}) {
    auto* mf = meta->add_managedfields();
    mf->set_manager(manager);
    mf->set_operation("Update");
    mf->set_apiversion("v1");
  }
  auto* owner = meta->add_ownerreferences();
  owner->set_apiversion("apps/v1");
  owner->set_kind("ReplicaSet");
  owner->set_name("web-7d9f8c");
  owner->set_uid("rs-uid");
  owner->set_controller(true);
  pod->mutable_spec()->set_nodename(absl::StrCat("node-", i % 64));
  for (const char* name : {"app", "sidecar"}) {
    auto* c = pod->mutable_spec()->add_containers();
    c->set_name(name);
    c->set_image(absl::StrCat("registry.example.com/", name, ":1.2.3"));
  }
  return pod;
}

const std::vector<std::shared_ptr<const Pod>>& Pods() {
  static const auto* pods = [] {
    auto* v = new std::vector<std::shared_ptr<const Pod>>();
    for (int i = 0; i < kPods; ++i) v->push_back(MakePod(i));
    return v;
  }();
  return *pods;
}

PluginLoader& Loader() {
  static PluginLoader* loader = PluginLoader::Create({}).value().release();
  return *loader;
}

indexers::IndexDefinition<Pod> PluginByNode() {
  auto library = Loader().Load(PluginPath("pods_by_node"));
  if (!library.ok()) {
    std::fprintf(stderr, "%s\n", library.status().ToString().c_str());
    std::abort();
  }
  return PluginIndex<Pod>(**library, "", kPodKind, nullptr).value();
}

// ByNodeOverObjectView is pods-by-node written in C++ against ObjectView: the same field-path
// lookup through protobuf reflection as the plugin, without the C ABI.
class ByNodeOverObjectView final : public IndexFunction {
 public:
  absl::string_view name() const override { return "by-node-view"; }
  absl::StatusOr<std::vector<std::string>> Index(const ObjectView& object) const override {
    absl::StatusOr<FieldValue> node = object.Field(path_);
    std::vector<std::string> values;
    if (node.ok() && !node->text().empty()) values.emplace_back(node->text());
    return values;
  }

 private:
  const FieldPath path_ = *FieldPath::Parse("spec.nodeName");
};

void RunIndex(benchmark::State& state, const indexers::IndexDefinition<Pod>& index) {
  const auto& pods = Pods();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(index.func(*pods[i++ % kPods]));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_IndexBuiltin(benchmark::State& state) { RunIndex(state, indexers::PodNodeNameIndex()); }
BENCHMARK(BM_IndexBuiltin);

void BM_IndexBuiltinOverObjectView(benchmark::State& state) {
  RunIndex(state, ProtoIndexDefinition<Pod>(std::make_shared<ByNodeOverObjectView>(), "v1", "Pod",
                                            "bench:view"));
}
BENCHMARK(BM_IndexBuiltinOverObjectView);

void BM_IndexPlugin(benchmark::State& state) { RunIndex(state, PluginByNode()); }
BENCHMARK(BM_IndexPlugin);

// The cache: an update of a stored pod re-indexes the old and the new object.
void RunUpsert(benchmark::State& state, indexers::IndexDefinition<Pod> index) {
  indexers::Indexer<Pod> cache;
  if (!cache.AddIndexers({std::move(index)}).ok()) std::abort();
  std::vector<indexers::ObjectPtr<Pod>> objects(Pods().begin(), Pods().end());
  cache.Replace(objects);
  std::vector<indexers::ObjectPtr<Pod>> updated;
  for (const auto& pod : Pods()) {
    auto copy = std::make_shared<Pod>(*pod);
    copy->mutable_metadata()->set_resourceversion("99999");
    updated.push_back(std::move(copy));
  }
  size_t i = 0;
  for (auto _ : state) {
    const size_t n = i++ % kPods;
    benchmark::DoNotOptimize(cache.Upsert((i / kPods) % 2 == 0 ? updated[n] : objects[n]));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_UpsertBuiltinIndex(benchmark::State& state) {
  RunUpsert(state, indexers::PodNodeNameIndex());
}
BENCHMARK(BM_UpsertBuiltinIndex);

void BM_UpsertPluginIndex(benchmark::State& state) { RunUpsert(state, PluginByNode()); }
BENCHMARK(BM_UpsertPluginIndex);

// Transforms: one step on a shared immutable pod, returning the edited copy.
void RunTransform(benchmark::State& state, const informers::Transform<Pod>& transform) {
  const auto& pods = Pods();
  size_t i = 0;
  for (auto _ : state) {
    indexers::ObjectPtr<Pod> out = transform.fn(pods[i++ % kPods]);
    if (out->metadata().managedfields_size() != 0) state.SkipWithError("not stripped");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_TransformBuiltin(benchmark::State& state) {
  informers::Transform<Pod> strip{"builtin:strip",
                                  [](indexers::ObjectPtr<Pod> pod) -> indexers::ObjectPtr<Pod> {
                                    auto copy = std::make_shared<Pod>(*pod);
                                    copy->mutable_metadata()->clear_managedfields();
                                    copy->mutable_metadata()->mutable_annotations()->erase(
                                        "kubectl.kubernetes.io/last-applied-configuration");
                                    return copy;
                                  }};
  RunTransform(state, strip);
}
BENCHMARK(BM_TransformBuiltin);

void BM_TransformPlugin(benchmark::State& state) {
  auto library = Loader().Load(PluginPath("strip_metadata"));
  if (!library.ok()) std::abort();
  RunTransform(state, PluginTransform<Pod>(**library, "", kPodKind, nullptr).value());
}
BENCHMARK(BM_TransformPlugin);

}  // namespace
}  // namespace kube::plugins
