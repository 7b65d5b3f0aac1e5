// Writes the seed corpora of //client/api:json_codec_fuzzer, :protobuf_codec_fuzzer and
// :protobuf_parse_fuzzer from sample objects: each object as a JSON body, a protobuf body and a
// watch event in both forms; a Pod's bare encoding with empty strings, as the apiserver sends.
// Seeds are checked in; rerun this only to refresh them (docs/fuzzing.md):
//   bazel run //client/api:fuzz_seed_writer -- $PWD/client/api/fuzz/corpus
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "client/api/builtin_kinds.h"
#include "client/api/codec.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/json_codec.h"
#include "client/api/meta/v1/options.pb.h"
#include "client/api/protobuf_codec.h"
#include "client/api/testing/sample_objects.h"

namespace {

namespace api = kube::api;

// Kinds beyond the pod, in the JSON the apiserver writes: special JSON forms (MicroTime, Time,
// IntOrString, Quantity, base64 bytes, embedded JSON, the verbs array) and list/status bodies.
const std::pair<const char*, const char*> kDocuments[] = {
    {"lease",
     R"({"kind":"Lease","apiVersion":"coordination.k8s.io/v1","metadata":{"name":"leader",)"
     R"("namespace":"kube-system","resourceVersion":"17","creationTimestamp":)"
     R"("2024-05-06T07:08:09Z"},"spec":{"holderIdentity":"node-a","leaseDurationSeconds":15,)"
     R"("acquireTime":"2024-05-06T07:08:09.123456Z","renewTime":"2024-05-06T07:08:19.654321Z",)"
     R"("leaseTransitions":3}})"},
    {"event",
     R"({"kind":"Event","apiVersion":"events.k8s.io/v1","metadata":{"name":"e.1","namespace":)"
     R"("default"},"eventTime":"2024-05-06T07:08:09.000001Z","reportingController":"kubelet",)"
     R"("reportingInstance":"node-a","action":"Pulling","reason":"Pulling","regarding":)"
     R"({"kind":"Pod","namespace":"default","name":"p","uid":"u-1"},"note":"pulling \"nginx\"",)"
     R"("type":"Normal","deprecatedCount":2,"deprecatedFirstTimestamp":"2024-05-06T07:00:00Z"})"},
    {"deployment",
     R"({"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","namespace":"default",)"
     R"("labels":{"app":"web"},"annotations":{"deployment.kubernetes.io/revision":"2"},)"
     R"("managedFields":[{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1",)"
     R"("time":"2024-05-06T07:08:09Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":)"
     R"({"f:replicas":{}}}}]},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"},)"
     R"("matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]},"template":)"
     R"({"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx",)"
     R"("resources":{"limits":{"cpu":"500m","memory":"128Mi"}},"ports":[{"containerPort":80}]}]}},)"
     R"("strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%",)"
     R"("maxSurge":1}}},"status":{"replicas":3,"conditions":[{"type":"Available","status":"True",)"
     R"("lastUpdateTime":"2024-05-06T07:08:09Z","lastTransitionTime":null}]}})"},
    {"configmap",
     R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","namespace":"default"},)"
     R"("data":{"a":"x\ny","e":"\u00e9\t\"q\""},"binaryData":{"b":"AAEC/w=="},"immutable":false})"},
    {"status",
     R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"m",)"
     R"("reason":"Invalid","details":{"name":"n","kind":"pods","causes":[{"reason":)"
     R"("FieldValueInvalid","message":"x","field":"spec"}],"retryAfterSeconds":2},"code":422})"},
    {"apiresourcelist",
     R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[)"
     R"({"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment",)"
     R"("verbs":["create","get","list","watch"],"shortNames":["deploy"]}]})"},
};

bool Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) std::fprintf(stderr, "cannot write %s\n", path.c_str());
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr,
                 "usage: %s CORPUS_ROOT (holding json_codec_fuzzer/, "
                 "protobuf_codec_fuzzer/ and protobuf_parse_fuzzer/)\n",
                 argv[0]);
    return 2;
  }
  const std::string root = argv[1];
  const api::JsonCodec json(api::DefaultRegistry());
  const api::ProtobufCodec protobuf(api::DefaultRegistry());

  std::vector<std::pair<std::string, std::unique_ptr<google::protobuf::Message>>> objects;
  objects.emplace_back(
      "pod", std::make_unique<api::core::v1::Pod>(api::testing::RichPod("default", "rich")));
  api::core::v1::PodList list;
  list.mutable_metadata()->set_resourceversion("99");
  *list.add_items() = api::testing::RichPod("default", "a");
  objects.emplace_back("podlist", std::make_unique<api::core::v1::PodList>(std::move(list)));
  for (const auto& [name, document] : kDocuments) {
    absl::StatusOr<api::DecodedObject> decoded = json.Decode(document);
    if (!decoded.ok()) {
      std::fprintf(stderr, "%s: %s\n", name, decoded.status().ToString().c_str());
      return 1;
    }
    objects.emplace_back(name, std::move(decoded->message));
  }

  bool ok = true;
  for (const auto& [name, object] : objects) {
    absl::StatusOr<std::string> json_body = json.Encode(*object);
    absl::StatusOr<std::string> protobuf_body = protobuf.Encode(*object);
    if (!json_body.ok() || !protobuf_body.ok()) {
      std::fprintf(stderr, "%s does not encode\n", name.c_str());
      return 1;
    }
    api::meta::v1::WatchEvent event;
    event.set_type(name == "status" ? "ERROR" : "MODIFIED");
    event.mutable_object()->set_raw(*protobuf_body);
    ok &= Write(absl::StrCat(root, "/json_codec_fuzzer/seed-", name), *json_body);
    ok &= Write(absl::StrCat(root, "/json_codec_fuzzer/seed-watch-", name),
                absl::StrCat(R"({"type":")", event.type(), R"(","object":)", *json_body, "}"));
    ok &= Write(absl::StrCat(root, "/protobuf_codec_fuzzer/seed-", name), *protobuf_body);
    ok &= Write(absl::StrCat(root, "/protobuf_codec_fuzzer/seed-watch-", name),
                event.SerializeAsString());
  }
  // The apiserver writes every omitempty string, empty or not.
  api::core::v1::Pod with_empty = api::testing::RichPod("default", "empty-strings");
  with_empty.mutable_metadata()->set_generatename("");
  with_empty.mutable_spec()->set_hostname("");
  with_empty.mutable_spec()->mutable_containers(0)->set_workingdir("");
  with_empty.mutable_status()->set_reason("");
  ok &= Write(absl::StrCat(root, "/protobuf_parse_fuzzer/seed-pod-empty-strings"),
              with_empty.SerializeAsString());
  ok &= Write(absl::StrCat(root, "/protobuf_parse_fuzzer/seed-pod"),
              api::testing::RichPod("default", "rich").SerializeAsString());
  return ok ? 0 : 1;
}
