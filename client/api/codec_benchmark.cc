// Decode and encode of a realistic pod (about 4 KB of JSON with managedFields and status) in
// both wire formats. Run by hand: bazel run -c opt //client/api:codec_benchmark
#include <string>

#include "benchmark/benchmark.h"
#include "client/api/builtin_kinds.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/json_codec.h"
#include "client/api/protobuf_codec.h"
#include "client/api/testing/sample_objects.h"

namespace kube::api {
namespace {

namespace core = ::kube::api::core::v1;

core::Pod RealisticPod() {
  core::Pod pod = testing::RichPod("production", "web-7d9c8b6f5-x2x9q");
  kube::api::meta::v1::ObjectMeta* meta = pod.mutable_metadata();
  meta->set_uid("5f0c8d52-4a1e-4d8b-9d59-0b3f4c2e1a77");
  meta->set_resourceversion("123456789");
  meta->mutable_creationtimestamp()->set_seconds(1704164645);
  meta->set_generatename("web-7d9c8b6f5-");
  kube::api::meta::v1::OwnerReference* owner = meta->add_ownerreferences();
  owner->set_apiversion("apps/v1");
  owner->set_kind("ReplicaSet");
  owner->set_name("web-7d9c8b6f5");
  owner->set_uid("0c2b7f3e-1d7a-4b8e-8f1c-2a9d6e5b4c3f");
  owner->set_controller(true);
  owner->set_blockownerdeletion(true);
  kube::api::meta::v1::ManagedFieldsEntry* manager = meta->add_managedfields();
  manager->set_manager("kube-controller-manager");
  manager->set_operation("Update");
  manager->set_apiversion("v1");
  manager->mutable_time()->set_seconds(1704164645);
  manager->set_fieldstype("FieldsV1");
  manager->mutable_fieldsv1()->set_raw(
      R"({"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:tier":{}},)"
      R"("f:ownerReferences":{".":{},"k:{\"uid\":\"0c2b7f3e\"}":{}}},"f:spec":{"f:containers":)"
      R"({"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},)"
      R"("f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{}},)"
      R"("f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}}}}},)"
      R"("f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{}}})");
  kube::api::meta::v1::ManagedFieldsEntry* kubelet = meta->add_managedfields();
  kubelet->set_manager("kubelet");
  kubelet->set_operation("Update");
  kubelet->set_apiversion("v1");
  kubelet->set_subresource("status");
  kubelet->mutable_time()->set_seconds(1704164700);
  kubelet->set_fieldstype("FieldsV1");
  kubelet->mutable_fieldsv1()->set_raw(
      R"({"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:status":{}}},)"
      R"("f:containerStatuses":{},"f:hostIP":{},"f:phase":{},"f:podIP":{},"f:startTime":{}}})");
  core::PodStatus* status = pod.mutable_status();
  status->set_phase("Running");
  status->set_hostip("192.168.1.10");
  status->set_podip("10.1.0.7");
  status->set_qosclass("Burstable");
  status->mutable_starttime()->set_seconds(1704164650);
  for (const char* type : {"Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
    core::PodCondition* condition = status->add_conditions();
    condition->set_type(type);
    condition->set_status("True");
    condition->mutable_lastprobetime();
    condition->mutable_lasttransitiontime()->set_seconds(1704164660);
  }
  core::ContainerStatus* app = status->add_containerstatuses();
  app->set_name("app");
  app->set_image("registry.example/app:1.2.3");
  app->set_imageid("registry.example/app@sha256:0123456789abcdef");
  app->set_containerid("containerd://4f1e2d3c4b5a");
  app->set_ready(true);
  app->set_started(true);
  app->set_restartcount(0);
  app->mutable_state()->mutable_running()->mutable_startedat()->set_seconds(1704164655);
  return pod;
}

class Fixture {
 public:
  Fixture()
      : protobuf_(DefaultRegistry()),
        json_(DefaultRegistry()),
        pod_(RealisticPod()),
        protobuf_body_(*protobuf_.Encode(pod_)),
        json_body_(*json_.Encode(pod_)) {}

  ProtobufCodec protobuf_;
  JsonCodec json_;
  core::Pod pod_;
  std::string protobuf_body_;
  std::string json_body_;
};

const Fixture& Get() {
  static const Fixture* const fixture = new Fixture();
  return *fixture;
}

void BM_DecodePodProtobuf(benchmark::State& state) {
  const Fixture& f = Get();
  for (auto _ : state) {
    core::Pod pod;
    benchmark::DoNotOptimize(f.protobuf_.DecodeInto(f.protobuf_body_, &pod));
  }
  state.SetBytesProcessed(state.iterations() * f.protobuf_body_.size());
  state.counters["body_bytes"] = f.protobuf_body_.size();
}
BENCHMARK(BM_DecodePodProtobuf);

void BM_DecodePodJson(benchmark::State& state) {
  const Fixture& f = Get();
  for (auto _ : state) {
    core::Pod pod;
    benchmark::DoNotOptimize(f.json_.DecodeInto(f.json_body_, &pod));
  }
  state.SetBytesProcessed(state.iterations() * f.json_body_.size());
  state.counters["body_bytes"] = f.json_body_.size();
}
BENCHMARK(BM_DecodePodJson);

void BM_EncodePodProtobuf(benchmark::State& state) {
  const Fixture& f = Get();
  for (auto _ : state) benchmark::DoNotOptimize(f.protobuf_.Encode(f.pod_));
  state.SetBytesProcessed(state.iterations() * f.protobuf_body_.size());
}
BENCHMARK(BM_EncodePodProtobuf);

void BM_EncodePodJson(benchmark::State& state) {
  const Fixture& f = Get();
  for (auto _ : state) benchmark::DoNotOptimize(f.json_.Encode(f.pod_));
  state.SetBytesProcessed(state.iterations() * f.json_body_.size());
}
BENCHMARK(BM_EncodePodJson);

}  // namespace
}  // namespace kube::api
