// The SDK seen from the host: plugin classes linked into this test are bound with
// PluginLibrary::Bind(&EntryFor<T>) and called exactly as a dlopen'ed plugin would be.
#include <atomic>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugins/host/plugin_library.h"
#include "plugins/host/testing/fake_object.h"
#include "plugins/sdk/plugin.h"

namespace kube::plugin_sdk {
namespace {

using ::kube::plugins::IndexFunction;
using ::kube::plugins::PluginLibrary;
using ::kube::plugins::PluginLogSeverity;
using ::kube::plugins::testing::FakeObject;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Reads through every accessor the SDK offers and emits what it saw.
class EverythingIndex : public IndexPlugin {
 public:
  static constexpr PluginInfo kInfo = {.name = "everything",
                                       .version = "1.2.3",
                                       .description = "reads everything",
                                       .concurrency = Concurrency::kConcurrent};
  explicit EverythingIndex(std::string_view config) : prefix_(config) {}

  Status Index(const Object& object, IndexValues& values) const override {
    values.Add(prefix_ + std::string(object.Kind()) + " " + std::string(object.ApiVersion()) + " " +
               std::string(object.Namespace()) + "/" + std::string(object.Name()) + " " +
               std::string(object.Uid()));
    if (auto node = object.Field("spec.nodeName")) values.Add("node=" + std::string(*node));
    if (!object.Field("spec.hostname")) values.Add("no hostname");
    if (auto app = object.Label("app")) values.Add("app=" + std::string(*app));
    if (!object.Annotation("absent")) values.Add("no annotation");
    object.ForEachLabel([&](std::string_view k, std::string_view v) {
      values.Add("label " + std::string(k) + "=" + std::string(v));
    });
    int visited = 0;
    object.ForEachAnnotation([&](std::string_view, std::string_view) { return ++visited < 1; });
    values.Add("annotations visited " + std::to_string(visited));
    for (const OwnerReference& owner : object.OwnerReferences()) {
      values.Add("owner " + std::string(owner.kind) + "/" + std::string(owner.name) + " " +
                 std::string(owner.api_version) + " " + std::string(owner.uid) +
                 (owner.controller.value_or(false) ? " controller" : "") +
                 (owner.block_owner_deletion.has_value() ? " bod-set" : ""));
    }
    values.Add(object.representation() == Representation::kTyped ? "typed" : "other");
    return Status();
  }

 private:
  const std::string prefix_;
};

// Fails in every way a plugin can, chosen by config (create) or object name (index).
class FailingIndex : public IndexPlugin {
 public:
  static constexpr PluginInfo kInfo = {.name = "failing", .version = "0"};
  explicit FailingIndex(std::string_view config) {
    if (config == "error") throw Error(StatusCode::kInvalidArgument, "config is bad");
    if (config == "runtime") throw std::runtime_error("constructor blew up");
    if (config == "int") throw 7;
  }

  Status Index(const Object& object, IndexValues& values) const override {
    const std::string_view name = object.Name();
    values.Add("partial");
    if (name == "status") return Status(StatusCode::kNotFound, "no such thing");
    if (name == "runtime") throw std::runtime_error("boom");
    if (name == "int") throw 42;
    if (name == "bad-alloc") throw std::bad_alloc();
    if (name == "error-ok") throw Error(Status());
    if (name == "bad-path") object.Field("spec..x");
    if (name == "visitor") {
      object.ForEachLabel([](std::string_view, std::string_view) -> bool {
        throw std::runtime_error("thrown inside a visitor");
      });
    }
    if (name == "too-big") values.Add(std::string(100 * 1024, 'x'));
    return Status();
  }
};

// Edits through every editor operation; config "protected" tries to remove metadata.name.
class EditingTransform : public TransformPlugin {
 public:
  static constexpr PluginInfo kInfo = {.name = "editing", .version = "1"};
  EditingTransform(std::string_view config, const PluginContext& context)
      : try_protected_(config == "protected") {
    context.Log(LogSeverity::kWarning, "instance created");
  }

  Status Transform(MutableObject& object) const override {
    object.ClearManagedFields();
    object.RemoveField("spec.containers[0].image");
    object.SetLabel("edited", "yes");
    object.RemoveLabel("app");
    object.SetAnnotation("edited-by", "editing");
    object.RemoveAnnotation("note");
    if (object.Label("edited") != "yes") return InternalError("reads do not see edits");
    if (try_protected_) object.RemoveField("metadata.name");
    return Status();
  }

 private:
  const bool try_protected_;
};

// Counts plugin-wide init and shutdown (test-only global state).
std::atomic<int> inits{0};
std::atomic<int> shutdowns{0};

class HookedIndex : public IndexPlugin {
 public:
  static constexpr PluginInfo kInfo = {.name = "hooked", .version = "1"};
  explicit HookedIndex(std::string_view) {}
  static Status InitPlugin(const PluginContext& context) {
    context.Log(LogSeverity::kInfo, "init");
    ++inits;
    return Status();
  }
  static void ShutdownPlugin() { ++shutdowns; }
  Status Index(const Object&, IndexValues&) const override { return Status(); }
};

class RefusingInit : public IndexPlugin {
 public:
  static constexpr PluginInfo kInfo = {.name = "refusing-init", .version = "1"};
  explicit RefusingInit(std::string_view) {}
  static Status InitPlugin(const PluginContext&) { return FailedPreconditionError("needs a GPU"); }
  Status Index(const Object&, IndexValues&) const override { return Status(); }
};

template <typename T>
std::shared_ptr<const PluginLibrary> Bind(PluginLibrary::BindOptions options = {}) {
  absl::StatusOr<std::shared_ptr<const PluginLibrary>> library =
      PluginLibrary::Bind(&EntryFor<T>, "in-process", std::move(options), nullptr);
  EXPECT_TRUE(library.ok()) << library.status();
  return library.ok() ? *library : nullptr;
}

FakeObject Pod(const std::string& name) {
  FakeObject pod("Pod", "default", name);
  pod.SetUid("u-1")
      .SetField("spec.nodeName", "node-1")
      .SetField("spec.containers[0].image", "nginx")
      .SetField("metadata.managedFields[0].manager", "kubectl")
      .SetLabel("app", "web")
      .SetLabel("tier", "front")
      .SetAnnotation("note", "x")
      .SetAnnotation("other", "y")
      .AddOwnerReference({"apps/v1", "ReplicaSet", "web-abc", "u-rs", true, std::nullopt});
  return pod;
}

TEST(SdkTest, InfoComesFromTheClass) {
  auto library = Bind<EverythingIndex>();
  ASSERT_NE(library, nullptr);
  EXPECT_EQ(library->info().name, "everything");
  EXPECT_EQ(library->info().version, "1.2.3");
  EXPECT_EQ(library->info().description, "reads everything");
  EXPECT_EQ(library->info().kind, plugins::PluginKind::kIndex);
  EXPECT_TRUE(library->info().concurrent_calls);
  EXPECT_EQ(library->info().abi_major, KUBE_PLUGIN_ABI_MAJOR);
  EXPECT_FALSE(Bind<FailingIndex>()->info().concurrent_calls);
  EXPECT_EQ(Bind<EditingTransform>()->info().kind, plugins::PluginKind::kTransform);
}

TEST(SdkTest, AccessorsSeeTheObject) {
  auto library = Bind<EverythingIndex>();
  auto index = library->NewIndexFunction("cfg:");
  ASSERT_TRUE(index.ok()) << index.status();
  absl::StatusOr<std::vector<std::string>> values = (*index)->Index(Pod("web-0"));
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_THAT(*values, ElementsAre("cfg:Pod v1 default/web-0 u-1", "node=node-1", "no hostname",
                                   "app=web", "no annotation", "label app=web", "label tier=front",
                                   "annotations visited 1",
                                   "owner ReplicaSet/web-abc apps/v1 u-rs controller", "typed"));
}

TEST(SdkTest, MetadataOnlyObjectsReadAsAbsentFields) {
  auto index = *Bind<EverythingIndex>()->NewIndexFunction("");
  FakeObject pod = Pod("web-0");
  pod.SetRepresentation(plugins::Representation::kMetadataOnly);
  absl::StatusOr<std::vector<std::string>> values = index->Index(pod);
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_THAT(*values, ::testing::Not(::testing::Contains("node=node-1")));
  EXPECT_THAT(*values, ::testing::Contains("other"));
}

TEST(SdkTest, CreateFailuresBecomeStatuses) {
  auto library = Bind<FailingIndex>();
  auto error = library->NewIndexFunction("error");
  EXPECT_EQ(error.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(error.status().message(), HasSubstr("config is bad"));
  EXPECT_THAT(error.status().message(), HasSubstr("plugin \"failing\""));

  auto runtime = library->NewIndexFunction("runtime");
  EXPECT_EQ(runtime.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(runtime.status().message(), HasSubstr("uncaught exception: constructor blew up"));

  auto thrown_int = library->NewIndexFunction("int");
  EXPECT_EQ(thrown_int.status().code(), absl::StatusCode::kUnknown);
  EXPECT_THAT(thrown_int.status().message(), HasSubstr("not derived from std::exception"));
}

TEST(SdkTest, IndexFailuresBecomeStatusesAndDropPartialValues) {
  auto index = *Bind<FailingIndex>()->NewIndexFunction("");
  struct Case {
    const char* name;
    absl::StatusCode code;
    const char* message;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"status", absl::StatusCode::kNotFound, "no such thing"},
           {"runtime", absl::StatusCode::kInternal, "uncaught exception: boom"},
           {"int", absl::StatusCode::kUnknown, "not derived from std::exception"},
           {"bad-alloc", absl::StatusCode::kResourceExhausted, "out of memory"},
           {"error-ok", absl::StatusCode::kInternal, "index default/error-ok"},
           {"bad-path", absl::StatusCode::kInvalidArgument, "reading field \"spec..x\""},
           {"visitor", absl::StatusCode::kInternal, "thrown inside a visitor"},
           {"too-big", absl::StatusCode::kResourceExhausted, "over the limit"},
       }) {
    absl::StatusOr<std::vector<std::string>> values = index->Index(Pod(c.name));
    ASSERT_FALSE(values.ok()) << c.name;
    EXPECT_EQ(values.status().code(), c.code) << c.name << ": " << values.status();
    EXPECT_THAT(values.status().message(), HasSubstr(c.message)) << c.name;
    EXPECT_THAT(values.status().message(), HasSubstr("index default/" + std::string(c.name)));
  }
  absl::StatusOr<std::vector<std::string>> fine = index->Index(Pod("fine"));
  ASSERT_TRUE(fine.ok()) << fine.status();
  EXPECT_THAT(*fine, ElementsAre("partial"));
}

TEST(SdkTest, TransformEditsTheObject) {
  std::vector<std::string> logs;
  absl::Mutex logs_mu;
  PluginLibrary::BindOptions options;
  options.log_sink = [&](PluginLogSeverity severity, absl::string_view source,
                         absl::string_view message) {
    absl::MutexLock lock(&logs_mu);
    logs.push_back(absl::StrCat(source, " ", severity == PluginLogSeverity::kWarning ? "W" : "?",
                                " ", message));
  };
  auto transform = Bind<EditingTransform>(options)->NewTransform("");
  ASSERT_TRUE(transform.ok()) << transform.status();
  FakeObject pod = Pod("web-0");
  ASSERT_TRUE((*transform)->Apply(pod).ok());
  EXPECT_FALSE(pod.HasField("metadata.managedFields"));
  EXPECT_FALSE(pod.HasField("spec.containers[0].image"));
  EXPECT_TRUE(pod.HasField("spec.nodeName"));
  EXPECT_THAT(pod.labels(),
              ElementsAre(std::pair<const std::string, std::string>("edited", "yes"),
                          std::pair<const std::string, std::string>("tier", "front")));
  EXPECT_EQ(pod.annotations().count("note"), 0u);
  EXPECT_EQ(pod.annotations().at("edited-by"), "editing");
  // Idempotent: a second run changes nothing and still succeeds.
  ASSERT_TRUE((*transform)->Apply(pod).ok());
  EXPECT_THAT(logs, ElementsAre("editing#1 W instance created"));
}

TEST(SdkTest, RefusedEditFailsTheTransform) {
  auto transform = *Bind<EditingTransform>()->NewTransform("protected");
  FakeObject pod = Pod("web-0");
  absl::Status status = transform->Apply(pod);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("removing field \"metadata.name\""));
}

TEST(SdkTest, InitAndShutdownHooksRunOncePerLoad) {
  const int inits_before = inits.load();
  const int shutdowns_before = shutdowns.load();
  {
    auto library = Bind<HookedIndex>();
    auto index = library->NewIndexFunction("");
    ASSERT_TRUE(index.ok());
    EXPECT_EQ(inits.load(), inits_before + 1);
    library.reset();  // the instance still holds the library
    EXPECT_EQ(shutdowns.load(), shutdowns_before);
  }
  EXPECT_EQ(shutdowns.load(), shutdowns_before + 1);
}

TEST(SdkTest, InitFailureRefusesTheLibrary) {
  absl::StatusOr<std::shared_ptr<const PluginLibrary>> library =
      PluginLibrary::Bind(&EntryFor<RefusingInit>, "in-process", {}, nullptr);
  ASSERT_FALSE(library.ok());
  EXPECT_EQ(library.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(library.status().message(), HasSubstr("init: needs a GPU"));
}

TEST(SdkTest, WrongKindIsRefusedAtCreate) {
  auto as_transform = Bind<EverythingIndex>()->NewTransform("");
  EXPECT_EQ(as_transform.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(as_transform.status().message(), HasSubstr("is an index plugin, not a transform"));
}

TEST(SdkTest, EntryRefusesAHostTooSmallForItsCallbacks) {
  kube_host_api tiny = {};
  tiny.struct_size = sizeof(size_t) + 8;
  tiny.abi_major = KUBE_PLUGIN_ABI_MAJOR;
  EXPECT_EQ(EntryFor<EverythingIndex>(&tiny), nullptr);
  EXPECT_EQ(EntryFor<EverythingIndex>(nullptr), nullptr);
}

}  // namespace
}  // namespace kube::plugin_sdk
