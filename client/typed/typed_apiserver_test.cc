// client/typed against the real kube-apiserver: every built-in kind of the clientset goes
// through create, get, list, update (and a stale update), each patch type, server-side apply and
// delete, over both wire formats; then the typed errors (NotFound and Conflict with the
// apiserver's Status), status and scale subresources, paging, watch, delete options and
// DeleteCollection.
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/api/apps/v1/apps.pb.h"
#include "client/api/autoscaling/v1/autoscaling.pb.h"
#include "client/api/batch/v1/batch.pb.h"
#include "client/api/coordination/v1/coordination.pb.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/node.pb.h"
#include "client/api/core/v1/persistent_volume.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/core/v1/service.pb.h"
#include "client/api/discovery/v1/discovery.pb.h"
#include "client/api/events/v1/events.pb.h"
#include "client/config/rest_config.h"
#include "client/rest/rest_client.h"
#include "client/rest/status.h"
#include "client/transport/http_transport.h"
#include "client/typed/clientset.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/testenv/testenv.h"

namespace kube::typed {
namespace {

namespace core = ::kube::api::core::v1;
namespace apps = ::kube::api::apps::v1;
namespace batch = ::kube::api::batch::v1;
namespace meta = ::kube::api::meta::v1;
using ::testing::HasSubstr;

constexpr absl::string_view kManager = "typed-apiserver-test";

// The environment, shared by every test of the binary.
struct Shared {
  testenv::Environment env;
  std::shared_ptr<rest::RestClient> rest;
  std::optional<Clientset> protobuf;
  std::optional<Clientset> json;
  std::string ns;  // a namespace of this run; also the prefix of cluster-scoped names
};

Shared* shared = nullptr;

class TypedApiserverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testenv::Environment> env = testenv::Load();
    if (!env.ok()) return;  // SetUp reports it
    shared = new Shared;
    shared->env = *env;
    config::RestConfig config;
    config.host = env->server;
    config.tls.ca_file = env->ca_file;
    config.bearer_token = env->admin_token;
    config.qps = -1;
    absl::StatusOr<std::shared_ptr<transport::Transport>> transport =
        transport::NewHttpTransport(config);
    if (!transport.ok()) return;
    rest::RestClientOptions options;
    options.config = config;
    absl::StatusOr<std::shared_ptr<rest::RestClient>> client =
        rest::RestClient::Create(*transport, std::move(options));
    if (!client.ok()) return;
    shared->rest = *client;
    absl::StatusOr<Clientset> protobuf = Clientset::Create(shared->rest);
    absl::StatusOr<Clientset> json = Clientset::Create(shared->rest, {.wire = WireFormat::kJson});
    if (!protobuf.ok() || !json.ok()) return;
    shared->protobuf = *protobuf;
    shared->json = *json;
    std::mt19937 rng(static_cast<uint32_t>(absl::ToUnixNanos(absl::Now())));
    shared->ns = absl::StrCat("kubecpp-typed-", rng() % 1000000);
    core::Namespace ns;
    ns.mutable_metadata()->set_name(shared->ns);
    (void)shared->protobuf->Namespaces().Create(ns);
  }

  static void TearDownTestSuite() {
    if (shared == nullptr || !shared->protobuf.has_value()) return;
    // Cluster-scoped objects this run left (e.g. after a failed assertion), then the namespace.
    std::string mine = absl::StrCat("typed-run=", shared->ns);
    (void)shared->protobuf->Nodes().DeleteCollection({}, {.label_selector = mine});
    (void)shared->protobuf->PersistentVolumes().DeleteCollection({}, {.label_selector = mine});
    (void)shared->protobuf->Namespaces().DeleteCollection({}, {.label_selector = mine});
    (void)shared->protobuf->Namespaces().Delete(shared->ns);
  }

  void SetUp() override {
    absl::StatusOr<testenv::Environment> env = testenv::Load();
    ASSERT_TRUE(env.ok()) << env.status().message();
    ASSERT_NE(shared, nullptr);
    ASSERT_TRUE(shared->protobuf.has_value()) << "could not connect to " << env->server;
  }

  const Clientset& cs(WireFormat wire = WireFormat::kProtobuf) const {
    return wire == WireFormat::kProtobuf ? *shared->protobuf : *shared->json;
  }
  static const std::string& ns() { return shared->ns; }
};

// ---- Objects: the smallest valid one of each kind -------------------------------------------

meta::ObjectMeta Meta(absl::string_view name) {
  meta::ObjectMeta m;
  m.set_name(std::string(name));
  (*m.mutable_labels())["typed-run"] = shared->ns;
  (*m.mutable_labels())["app"] = "typed";
  return m;
}

core::PodSpec PodSpec() {
  core::PodSpec spec;
  core::Container* c = spec.add_containers();
  c->set_name("app");
  c->set_image("busybox");
  return spec;
}

core::PodTemplateSpec Template() {
  core::PodTemplateSpec t;
  (*t.mutable_metadata()->mutable_labels())["app"] = "typed";
  *t.mutable_spec() = PodSpec();
  return t;
}

core::Pod Pod(absl::string_view name) {
  core::Pod o;
  *o.mutable_metadata() = Meta(name);
  *o.mutable_spec() = PodSpec();
  return o;
}
core::Service Service(absl::string_view name) {
  core::Service o;
  *o.mutable_metadata() = Meta(name);
  core::ServicePort* port = o.mutable_spec()->add_ports();
  port->set_port(80);
  return o;
}
core::Endpoints Endpoints(absl::string_view name) {
  core::Endpoints o;
  *o.mutable_metadata() = Meta(name);
  core::EndpointSubset* subset = o.add_subsets();
  subset->add_addresses()->set_ip("10.1.0.5");
  subset->add_ports()->set_port(80);
  return o;
}
core::ConfigMap ConfigMap(absl::string_view name) {
  core::ConfigMap o;
  *o.mutable_metadata() = Meta(name);
  (*o.mutable_data())["key"] = "value";
  return o;
}
core::Secret Secret(absl::string_view name) {
  core::Secret o;
  *o.mutable_metadata() = Meta(name);
  (*o.mutable_data())["password"] = std::string("s3cr\0t", 6);
  return o;
}
core::Namespace Namespace(absl::string_view name) {
  core::Namespace o;
  *o.mutable_metadata() = Meta(name);
  return o;
}
core::Node Node(absl::string_view name) {
  core::Node o;
  *o.mutable_metadata() = Meta(name);
  return o;
}
core::Event CoreEvent(absl::string_view name) {
  core::Event o;
  *o.mutable_metadata() = Meta(name);
  o.mutable_involvedobject()->set_kind("Pod");
  o.mutable_involvedobject()->set_namespace_(shared->ns);
  o.mutable_involvedobject()->set_name("some-pod");
  o.set_reason("Tested");
  o.set_message("typed client test");
  o.set_type("Normal");
  o.mutable_source()->set_component("kubecpp");
  return o;
}
core::ServiceAccount ServiceAccount(absl::string_view name) {
  core::ServiceAccount o;
  *o.mutable_metadata() = Meta(name);
  return o;
}
core::PersistentVolume PersistentVolume(absl::string_view name) {
  core::PersistentVolume o;
  *o.mutable_metadata() = Meta(name);
  (*o.mutable_spec()->mutable_capacity())["storage"].set_string("1Gi");
  o.mutable_spec()->add_accessmodes("ReadWriteOnce");
  o.mutable_spec()->mutable_persistentvolumesource()->mutable_hostpath()->set_path("/tmp/typed");
  return o;
}
core::PersistentVolumeClaim PersistentVolumeClaim(absl::string_view name) {
  core::PersistentVolumeClaim o;
  *o.mutable_metadata() = Meta(name);
  o.mutable_spec()->add_accessmodes("ReadWriteOnce");
  (*o.mutable_spec()->mutable_resources()->mutable_requests())["storage"].set_string("1Gi");
  return o;
}
template <typename T>
T Workload(absl::string_view name) {
  T o;
  *o.mutable_metadata() = Meta(name);
  (*o.mutable_spec()->mutable_selector()->mutable_matchlabels())["app"] = "typed";
  *o.mutable_spec()->mutable_template_() = Template();
  return o;
}
apps::Deployment Deployment(absl::string_view name) {
  apps::Deployment o = Workload<apps::Deployment>(name);
  o.mutable_spec()->set_replicas(1);
  return o;
}
apps::ReplicaSet ReplicaSet(absl::string_view name) {
  apps::ReplicaSet o = Workload<apps::ReplicaSet>(name);
  o.mutable_spec()->set_replicas(1);
  return o;
}
apps::StatefulSet StatefulSet(absl::string_view name) {
  apps::StatefulSet o = Workload<apps::StatefulSet>(name);
  o.mutable_spec()->set_replicas(1);
  return o;
}
batch::Job Job(absl::string_view name) {
  batch::Job o;
  *o.mutable_metadata() = Meta(name);
  *o.mutable_spec()->mutable_template_() = Template();
  o.mutable_spec()->mutable_template_()->mutable_spec()->set_restartpolicy("Never");
  o.mutable_spec()->set_suspend(true);
  return o;
}
batch::CronJob CronJob(absl::string_view name) {
  batch::CronJob o;
  *o.mutable_metadata() = Meta(name);
  o.mutable_spec()->set_schedule("0 3 * * *");
  core::PodTemplateSpec* t =
      o.mutable_spec()->mutable_jobtemplate()->mutable_spec()->mutable_template_();
  *t = Template();
  t->mutable_spec()->set_restartpolicy("OnFailure");
  return o;
}
api::coordination::v1::Lease Lease(absl::string_view name) {
  api::coordination::v1::Lease o;
  *o.mutable_metadata() = Meta(name);
  o.mutable_spec()->set_holderidentity("kubecpp");
  o.mutable_spec()->set_leasedurationseconds(15);
  return o;
}
api::discovery::v1::EndpointSlice EndpointSlice(absl::string_view name) {
  api::discovery::v1::EndpointSlice o;
  *o.mutable_metadata() = Meta(name);
  o.set_addresstype("IPv4");
  o.add_endpoints()->add_addresses("10.1.0.5");
  return o;
}
api::events::v1::Event EventsV1Event(absl::string_view name) {
  api::events::v1::Event o;
  *o.mutable_metadata() = Meta(name);
  o.mutable_eventtime()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  o.set_reportingcontroller("kubecpp.io/typed-test");
  o.set_reportinginstance("typed-test-1");
  o.set_action("Test");
  o.set_reason("Tested");
  o.set_type("Normal");
  o.mutable_regarding()->set_kind("Pod");
  o.mutable_regarding()->set_name("some-pod");
  o.mutable_regarding()->set_namespace_(shared->ns);
  return o;
}

// ---- The round trip, for any kind -----------------------------------------------------------

std::string Label(const meta::ObjectMeta& m, const std::string& key) {
  auto it = m.labels().find(key);
  return it == m.labels().end() ? "<none>" : it->second;
}

// RoundTrip runs create, get, list, update, stale update, the four patch types, apply and delete
// on `object` through `client`.
template <typename Client>
void RoundTrip(const Client& client, const typename Client::Object& object) {
  using T = typename Client::Object;
  const std::string name = object.metadata().name();
  const api::KindInfo& kind = client.resource().kind();
  SCOPED_TRACE(absl::StrCat(kind.kind, " ", name));

  absl::StatusOr<T> created = client.Create(object, {.field_manager = std::string(kManager)});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->metadata().name(), name);
  EXPECT_FALSE(created->metadata().uid().empty());
  EXPECT_EQ(Label(created->metadata(), "app"), "typed");

  absl::StatusOr<T> got = client.Get(name);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->metadata().uid(), created->metadata().uid());

  // List finds exactly this object by a label only it has.
  T relabelled = *got;
  (*relabelled.mutable_metadata()->mutable_labels())["only"] = name;
  absl::StatusOr<T> updated = client.Update(relabelled, {.field_manager = std::string(kManager)});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(Label(updated->metadata(), "only"), name);
  EXPECT_NE(updated->metadata().resourceversion(), got->metadata().resourceversion());
  absl::StatusOr<typename Client::ObjectList> list =
      client.List({.label_selector = absl::StrCat("only=", name)});
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->items_size(), 1);
  EXPECT_EQ(list->items(0).metadata().uid(), created->metadata().uid());
  EXPECT_FALSE(list->metadata().resourceversion().empty());

  // The same update again carries the old resourceVersion: Conflict, with the server's Status.
  absl::StatusOr<T> stale = client.Update(relabelled);
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(rest::IsConflict(stale.status())) << stale.status();
  std::optional<rest::ApiStatus> conflict = rest::GetApiStatus(stale.status());
  ASSERT_TRUE(conflict.has_value());
  EXPECT_EQ(conflict->reason, rest::reason::kConflict);
  EXPECT_EQ(conflict->code, 409);
  ASSERT_TRUE(conflict->details.has_value());
  EXPECT_EQ(conflict->details->name, name);
  EXPECT_EQ(conflict->details->kind, kind.resource);

  struct PatchCase {
    PatchType type;
    std::string body;
    std::string label;
  };
  const std::vector<PatchCase> patches = {
      {PatchType::kJson, R"([{"op":"add","path":"/metadata/labels/json","value":"yes"}])", "json"},
      {PatchType::kMerge, R"({"metadata":{"labels":{"merge":"yes"}}})", "merge"},
      {PatchType::kStrategicMerge, R"({"metadata":{"labels":{"strategic":"yes"}}})", "strategic"},
      {PatchType::kApply,
       absl::StrCat(R"({"apiVersion":")", kind.api_version, R"(","kind":")", kind.kind,
                    R"(","metadata":{"name":")", name, R"(","labels":{"apply":"yes"}}})"),
       "apply"},
  };
  for (const PatchCase& patch : patches) {
    PatchOptions options;
    if (patch.type == PatchType::kApply) options.field_manager = "typed-apply";
    absl::StatusOr<T> patched = client.Patch(name, patch.type, patch.body, options);
    ASSERT_TRUE(patched.ok()) << PatchTypeName(patch.type) << ": " << patched.status();
    EXPECT_EQ(Label(patched->metadata(), patch.label), "yes") << PatchTypeName(patch.type);
    EXPECT_EQ(Label(patched->metadata(), "only"), name) << PatchTypeName(patch.type);
  }
  absl::StatusOr<T> final_state = client.Get(name);
  ASSERT_TRUE(final_state.ok()) << final_state.status();
  bool apply_manager = false;
  for (const meta::ManagedFieldsEntry& entry : final_state->metadata().managedfields()) {
    if (entry.manager() == "typed-apply" && entry.operation() == "Apply") apply_manager = true;
  }
  EXPECT_TRUE(apply_manager) << final_state->metadata().DebugString();

  ASSERT_TRUE(client.Delete(name).ok());
  absl::StatusOr<T> gone = client.Get(name);
  // Finalizers some kinds get on creation (the namespace finalizer, pv/pvc-protection) need
  // controllers the testenv does not run: those objects stay, marked for deletion.
  if (gone.ok()) {
    EXPECT_TRUE(gone->metadata().has_deletiontimestamp()) << gone->metadata().DebugString();
  } else {
    EXPECT_TRUE(rest::IsNotFound(gone.status())) << gone.status();
  }
}

struct KindCase {
  std::string name;
  std::function<void(const Clientset&, const std::string& suffix)> run;
};

std::vector<KindCase> Kinds() {
  auto n = [](absl::string_view base, const std::string& suffix) {
    return absl::StrCat(base, "-", suffix);
  };
  // Cluster-scoped names carry the run's namespace name, which is unique.
  auto cluster = [](absl::string_view base, const std::string& suffix) {
    return absl::StrCat(shared->ns, "-", base, "-", suffix);
  };
  return {
      {"Pod", [=](const Clientset& c,
                  const std::string& s) { RoundTrip(c.Pods(shared->ns), Pod(n("pod", s))); }},
      {"Service",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.Services(shared->ns), Service(n("svc", s)));
       }},
      {"Endpoints",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.Endpoints(shared->ns), Endpoints(n("ep", s)));
       }},
      {"ConfigMap",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.ConfigMaps(shared->ns), ConfigMap(n("cm", s)));
       }},
      {"Secret",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.Secrets(shared->ns), Secret(n("secret", s)));
       }},
      {"Namespace",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.Namespaces(), Namespace(cluster("ns", s)));
       }},
      {"Node", [=](const Clientset& c,
                   const std::string& s) { RoundTrip(c.Nodes(), Node(cluster("node", s))); }},
      {"Event",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.Events(shared->ns), CoreEvent(n("event", s)));
       }},
      {"ServiceAccount",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.ServiceAccounts(shared->ns), ServiceAccount(n("sa", s)));
       }},
      {"PersistentVolume",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.PersistentVolumes(), PersistentVolume(cluster("pv", s)));
       }},
      {"PersistentVolumeClaim",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.PersistentVolumeClaims(shared->ns), PersistentVolumeClaim(n("pvc", s)));
       }},
      {"Deployment",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.Deployments(shared->ns), Deployment(n("deploy", s)));
       }},
      {"ReplicaSet",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.ReplicaSets(shared->ns), ReplicaSet(n("rs", s)));
       }},
      {"StatefulSet",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.StatefulSets(shared->ns), StatefulSet(n("sts", s)));
       }},
      {"DaemonSet",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.DaemonSets(shared->ns), Workload<apps::DaemonSet>(n("ds", s)));
       }},
      {"Job", [=](const Clientset& c,
                  const std::string& s) { RoundTrip(c.Jobs(shared->ns), Job(n("job", s))); }},
      {"CronJob",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.CronJobs(shared->ns), CronJob(n("cron", s)));
       }},
      {"Lease",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.Leases(shared->ns), Lease(n("lease", s)));
       }},
      {"EndpointSlice",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.EndpointSlices(shared->ns), EndpointSlice(n("slice", s)));
       }},
      {"EventsV1Event",
       [=](const Clientset& c, const std::string& s) {
         RoundTrip(c.EventsV1(shared->ns), EventsV1Event(n("ev1", s)));
       }},
  };
}

TEST_F(TypedApiserverTest, EveryKindRoundTripsOverProtobuf) {
  for (const KindCase& k : Kinds()) {
    SCOPED_TRACE(k.name);
    k.run(cs(WireFormat::kProtobuf), "pb");
  }
}

TEST_F(TypedApiserverTest, EveryKindRoundTripsOverJson) {
  for (const KindCase& k : Kinds()) {
    SCOPED_TRACE(k.name);
    k.run(cs(WireFormat::kJson), "json");
  }
}

// ---- Errors ---------------------------------------------------------------------------------

TEST_F(TypedApiserverTest, GetOfAMissingObjectIsNotFoundWithTheServersStatus) {
  for (WireFormat wire : {WireFormat::kProtobuf, WireFormat::kJson}) {
    absl::StatusOr<apps::Deployment> missing = cs(wire).Deployments(ns()).Get("does-not-exist");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
    EXPECT_TRUE(rest::IsNotFound(missing.status()));
    std::optional<rest::ApiStatus> status = rest::GetApiStatus(missing.status());
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->reason, rest::reason::kNotFound);
    EXPECT_EQ(status->code, 404);
    ASSERT_TRUE(status->details.has_value());
    EXPECT_EQ(status->details->name, "does-not-exist");
    EXPECT_EQ(status->details->group, "apps");
    EXPECT_EQ(status->details->kind, "deployments");
    EXPECT_THAT(std::string(missing.status().message()), HasSubstr("not found"));
  }
}

TEST_F(TypedApiserverTest, BadArgumentsFailBeforeAnythingIsSent) {
  ConfigMapClient cms = cs().ConfigMaps(ns());
  absl::StatusOr<core::ConfigMapList> bad_selector = cms.List({.label_selector = "a in (b"});
  EXPECT_EQ(bad_selector.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_selector.status().message()), HasSubstr("label selector"));
  EXPECT_FALSE(rest::GetApiStatus(bad_selector.status()).has_value());  // not the server's
  EXPECT_EQ(cms.List({.field_selector = "metadata.name"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cms.Get("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cms.Patch("x", PatchType::kMerge, "{}", {.force = true}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cms.Patch("x", PatchType::kApply, "{}").status().code(),
            absl::StatusCode::kInvalidArgument);  // apply without a field manager
  EXPECT_EQ(cms.Create(ConfigMap("x"), {.dry_run = {"Yes"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cms.Delete("x", {.grace_period_seconds = -1}).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TypedApiserverTest, StrictFieldValidationReachesTheServer) {
  ConfigMapClient cms = cs().ConfigMaps(ns());
  ASSERT_TRUE(cms.Create(ConfigMap("strict")).ok());
  absl::StatusOr<core::ConfigMap> strict =
      cms.Patch("strict", PatchType::kMerge, R"({"data":{"a":"b"},"bogus":1})",
                {.field_validation = std::string(field_validation::kStrict)});
  ASSERT_FALSE(strict.ok());
  EXPECT_TRUE(rest::IsBadRequest(strict.status()) || rest::IsInvalid(strict.status()))
      << strict.status();
  EXPECT_THAT(std::string(strict.status().message()), HasSubstr("bogus"));
  // Ignore accepts the same patch.
  EXPECT_TRUE(cms.Patch("strict", PatchType::kMerge, R"({"data":{"a":"b"},"bogus":1})",
                        {.field_validation = std::string(field_validation::kIgnore)})
                  .ok());
}

// ---- Subresources ---------------------------------------------------------------------------

TEST_F(TypedApiserverTest, UpdateStatusWritesOnlyTheStatus) {
  for (WireFormat wire : {WireFormat::kProtobuf, WireFormat::kJson}) {
    DeploymentClient deployments = cs(wire).Deployments(ns());
    std::string name = absl::StrCat("status-", wire == WireFormat::kJson ? "json" : "pb");
    absl::StatusOr<apps::Deployment> created = deployments.Create(Deployment(name));
    ASSERT_TRUE(created.ok()) << created.status();
    apps::Deployment changed = *created;
    changed.mutable_status()->set_observedgeneration(created->metadata().generation());
    apps::DeploymentCondition* condition = changed.mutable_status()->add_conditions();
    condition->set_type("Available");
    condition->set_status("False");
    condition->set_reason("TypedTest");
    changed.mutable_spec()->set_replicas(7);  // ignored by the status subresource
    absl::StatusOr<apps::Deployment> updated = deployments.UpdateStatus(changed);
    ASSERT_TRUE(updated.ok()) << updated.status();
    ASSERT_EQ(updated->status().conditions_size(), 1);
    EXPECT_EQ(updated->status().conditions(0).reason(), "TypedTest");
    EXPECT_EQ(updated->status().observedgeneration(), created->metadata().generation());
    EXPECT_EQ(updated->spec().replicas(), 1);
    absl::StatusOr<apps::Deployment> read = deployments.Get(name);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read->status().conditions(0).reason(), "TypedTest");
    EXPECT_EQ(read->spec().replicas(), 1);
  }
}

TEST_F(TypedApiserverTest, ApplyStatusClaimsOnlyTheStatus) {
  DeploymentClient deployments = cs().Deployments(ns());
  ASSERT_TRUE(deployments.Create(Deployment("apply-status")).ok());
  apps::Deployment desired;
  desired.mutable_metadata()->set_name("apply-status");
  apps::DeploymentCondition* condition = desired.mutable_status()->add_conditions();
  condition->set_type("Progressing");
  condition->set_status("True");
  condition->set_reason("AppliedByTest");
  absl::StatusOr<apps::Deployment> applied =
      deployments.ApplyStatus(desired, {.field_manager = "status-writer"});
  ASSERT_TRUE(applied.ok()) << applied.status();
  ASSERT_EQ(applied->status().conditions_size(), 1);
  EXPECT_EQ(applied->status().conditions(0).reason(), "AppliedByTest");
  EXPECT_EQ(applied->spec().replicas(), 1);  // untouched
  bool status_manager = false;
  for (const meta::ManagedFieldsEntry& entry : applied->metadata().managedfields()) {
    if (entry.manager() == "status-writer") {
      status_manager = true;
      EXPECT_EQ(entry.subresource(), "status");
      EXPECT_EQ(entry.operation(), "Apply");
    }
  }
  EXPECT_TRUE(status_manager);
}

template <typename Client>
void ScaleRoundTrip(const Client& client, const typename Client::Object& object) {
  SCOPED_TRACE(client.resource().kind().kind);
  const std::string name = object.metadata().name();
  ASSERT_TRUE(client.Create(object).ok());
  absl::StatusOr<api::autoscaling::v1::Scale> scale = client.GetScale(name);
  ASSERT_TRUE(scale.ok()) << scale.status();
  EXPECT_EQ(scale->metadata().name(), name);
  EXPECT_EQ(scale->spec().replicas(), 1);
  api::autoscaling::v1::Scale wanted = *scale;
  wanted.mutable_spec()->set_replicas(3);
  absl::StatusOr<api::autoscaling::v1::Scale> scaled = client.UpdateScale(name, wanted);
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  EXPECT_EQ(scaled->spec().replicas(), 3);
  absl::StatusOr<typename Client::Object> read = client.Get(name);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->spec().replicas(), 3);
  // The scale's resourceVersion is the object's: the old one is stale now.
  absl::StatusOr<api::autoscaling::v1::Scale> stale = client.UpdateScale(name, wanted);
  EXPECT_TRUE(rest::IsConflict(stale.status())) << stale.status();
}

TEST_F(TypedApiserverTest, ScaleSubresourceRoundTrips) {
  ScaleRoundTrip(cs().Deployments(ns()), Deployment("scale-deploy"));
  ScaleRoundTrip(cs().ReplicaSets(ns()), ReplicaSet("scale-rs"));
  ScaleRoundTrip(cs(WireFormat::kJson).StatefulSets(ns()), StatefulSet("scale-sts"));
}

// ---- Apply, lists, watch, deletes -----------------------------------------------------------

TEST_F(TypedApiserverTest, ApplyConflictsUnlessForced) {
  ConfigMapClient cms = cs().ConfigMaps(ns());
  core::ConfigMap desired = ConfigMap("applied");
  desired.mutable_metadata()->clear_labels();
  (*desired.mutable_data())["key"] = "from-a";
  absl::StatusOr<core::ConfigMap> first = cms.Apply(desired, {.field_manager = "manager-a"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->data().at("key"), "from-a");

  (*desired.mutable_data())["key"] = "from-b";
  absl::StatusOr<core::ConfigMap> conflict = cms.Apply(desired, {.field_manager = "manager-b"});
  ASSERT_FALSE(conflict.ok());
  EXPECT_TRUE(rest::IsConflict(conflict.status())) << conflict.status();
  EXPECT_THAT(std::string(conflict.status().message()), HasSubstr("manager-a"));

  absl::StatusOr<core::ConfigMap> forced =
      cms.Apply(desired, {.force = true, .field_manager = "manager-b"});
  ASSERT_TRUE(forced.ok()) << forced.status();
  EXPECT_EQ(forced->data().at("key"), "from-b");

  // Applying an object as read from the server works: its managedFields are not sent.
  absl::StatusOr<core::ConfigMap> reapplied = cms.Apply(*forced, {.field_manager = "manager-b"});
  ASSERT_TRUE(reapplied.ok()) << reapplied.status();
  EXPECT_EQ(reapplied->data().at("key"), "from-b");

  // An all-namespaces client applies to the object's own namespace.
  desired.mutable_metadata()->set_namespace_(ns());
  (*desired.mutable_data())["other"] = "x";
  absl::StatusOr<core::ConfigMap> everywhere =
      cs(WireFormat::kJson).ConfigMaps("").Apply(desired, {.field_manager = "manager-b"});
  ASSERT_TRUE(everywhere.ok()) << everywhere.status();
  EXPECT_EQ(everywhere->data().at("other"), "x");
}

TEST_F(TypedApiserverTest, ListPagesAndListAll) {
  ConfigMapClient cms = cs().ConfigMaps(ns());
  for (int i = 0; i < 5; ++i) {
    core::ConfigMap cm = ConfigMap(absl::StrCat("page-", i));
    (*cm.mutable_metadata()->mutable_labels())["paged"] = "yes";
    ASSERT_TRUE(cms.Create(cm).ok());
  }
  absl::StatusOr<core::ConfigMapList> first = cms.List({.label_selector = "paged=yes", .limit = 2});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->items_size(), 2);
  ASSERT_FALSE(first->metadata().continue_().empty());
  absl::StatusOr<core::ConfigMapList> second = cms.List(
      {.label_selector = "paged=yes", .limit = 2, .continue_token = first->metadata().continue_()});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->items_size(), 2);
  EXPECT_NE(second->items(0).metadata().name(), first->items(0).metadata().name());

  for (WireFormat wire : {WireFormat::kProtobuf, WireFormat::kJson}) {
    absl::StatusOr<core::ConfigMapList> all =
        cs(wire).ConfigMaps(ns()).ListAll({.label_selector = "paged=yes", .limit = 2});
    ASSERT_TRUE(all.ok()) << all.status();
    ASSERT_EQ(all->items_size(), 5);
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(all->items(i).metadata().name(), absl::StrCat("page-", i));
    }
    EXPECT_TRUE(all->metadata().continue_().empty());
    EXPECT_FALSE(all->metadata().resourceversion().empty());
  }
  // All namespaces: the list spans them.
  absl::StatusOr<core::ConfigMapList> everywhere =
      cs().ConfigMaps("").List({.label_selector = "paged=yes"});
  ASSERT_TRUE(everywhere.ok());
  EXPECT_GE(everywhere->items_size(), 5);
}

TEST_F(TypedApiserverTest, WatchSeesAddedModifiedDeleted) {
  for (WireFormat wire : {WireFormat::kProtobuf, WireFormat::kJson}) {
    std::string label = wire == WireFormat::kJson ? "watch-json" : "watch-pb";
    ConfigMapClient cms = cs(wire).ConfigMaps(ns());
    absl::StatusOr<core::ConfigMapList> list = cms.List({.label_selector = "w=" + label});
    ASSERT_TRUE(list.ok());
    absl::StatusOr<std::unique_ptr<Watcher<core::ConfigMap>>> watcher =
        cms.Watch({.label_selector = "w=" + label,
                   .resource_version = list->metadata().resourceversion(),
                   .timeout_seconds = 30});
    ASSERT_TRUE(watcher.ok()) << watcher.status();
    core::ConfigMap cm = ConfigMap(label);
    (*cm.mutable_metadata()->mutable_labels())["w"] = label;
    absl::StatusOr<core::ConfigMap> created = cms.Create(cm);
    ASSERT_TRUE(created.ok());
    (*created->mutable_data())["key"] = "changed";
    ASSERT_TRUE(cms.Update(*created).ok());
    ASSERT_TRUE(cms.Delete(label).ok());
    std::vector<rest::WatchEventType> types;
    for (int i = 0; i < 3; ++i) {
      absl::StatusOr<std::optional<WatchEvent<core::ConfigMap>>> event =
          (*watcher)->Next(absl::Seconds(10));
      ASSERT_TRUE(event.ok()) << event.status();
      ASSERT_TRUE(event->has_value());
      EXPECT_EQ((*event)->object.metadata().name(), label);
      types.push_back((*event)->type);
      if (i == 1) {
        EXPECT_EQ((*event)->object.data().at("key"), "changed");
      }
    }
    EXPECT_THAT(
        types, ::testing::ElementsAre(rest::WatchEventType::kAdded, rest::WatchEventType::kModified,
                                      rest::WatchEventType::kDeleted));
    // Nothing more: Next times out, then Stop ends the stream cleanly.
    EXPECT_EQ((*watcher)->Next(absl::Milliseconds(200)).status().code(),
              absl::StatusCode::kDeadlineExceeded);
    (*watcher)->Stop();
    absl::StatusOr<std::optional<WatchEvent<core::ConfigMap>>> end = (*watcher)->Next();
    ASSERT_TRUE(end.ok());
    EXPECT_FALSE(end->has_value());
  }
}

TEST_F(TypedApiserverTest, DeleteCollectionWithALabelSelector) {
  ConfigMapClient cms = cs(WireFormat::kJson).ConfigMaps(ns());
  for (const char* name : {"batch-a", "batch-b", "batch-c", "keeper"}) {
    core::ConfigMap cm = ConfigMap(name);
    (*cm.mutable_metadata()->mutable_labels())["batch"] =
        absl::StartsWith(name, "batch") ? "doomed" : "kept";
    ASSERT_TRUE(cms.Create(cm).ok());
  }
  ASSERT_TRUE(cms.DeleteCollection({}, {.label_selector = "batch=doomed"}).ok());
  absl::StatusOr<core::ConfigMapList> left = cms.List({.label_selector = "batch"});
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->items_size(), 1);
  EXPECT_EQ(left->items(0).metadata().name(), "keeper");
}

TEST_F(TypedApiserverTest, DeleteOptionsReachTheServer) {
  ConfigMapClient cms = cs().ConfigMaps(ns());
  absl::StatusOr<core::ConfigMap> cm = cms.Create(ConfigMap("guarded"));
  ASSERT_TRUE(cm.ok());
  // Preconditions: a wrong uid or resourceVersion is a Conflict, and nothing is deleted.
  absl::Status wrong_uid = cms.Delete("guarded", {.preconditions = {.uid = "not-the-uid"}});
  EXPECT_TRUE(rest::IsConflict(wrong_uid)) << wrong_uid;
  absl::Status wrong_rv = cms.Delete("guarded", {.preconditions = {.resource_version = "1"}});
  EXPECT_TRUE(rest::IsConflict(wrong_rv)) << wrong_rv;
  // Dry run: accepted, nothing deleted.
  EXPECT_TRUE(cms.Delete("guarded", {.dry_run = {std::string(kDryRunAll)}}).ok());
  EXPECT_TRUE(cms.Get("guarded").ok());
  // The right uid deletes it.
  EXPECT_TRUE(cms.Delete("guarded",
                         {.grace_period_seconds = 0,
                          .preconditions = {.uid = cm->metadata().uid(),
                                            .resource_version = cm->metadata().resourceversion()}})
                  .ok());
  EXPECT_TRUE(rest::IsNotFound(cms.Get("guarded").status()));

  // Foreground propagation: without a garbage collector the object stays, marked.
  DeploymentClient deployments = cs().Deployments(ns());
  ASSERT_TRUE(deployments.Create(Deployment("foreground")).ok());
  ASSERT_TRUE(
      deployments.Delete("foreground", {.propagation_policy = PropagationPolicy::kForeground})
          .ok());
  absl::StatusOr<apps::Deployment> marked = deployments.Get("foreground");
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_TRUE(marked->metadata().has_deletiontimestamp());
  EXPECT_THAT(marked->metadata().finalizers(), ::testing::Contains("foregroundDeletion"));

  // Dry-run create returns the object but stores nothing.
  absl::StatusOr<core::ConfigMap> dry =
      cms.Create(ConfigMap("dry"), {.dry_run = {std::string(kDryRunAll)}});
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->metadata().name(), "dry");
  EXPECT_TRUE(rest::IsNotFound(cms.Get("dry").status()));
}

}  // namespace
}  // namespace kube::typed
