#include "client/api/json_format.h"

#include <string>

#include "boost/json.hpp"
#include "client/api/apps/v1/apps.pb.h"
#include "client/api/coordination/v1/coordination.pb.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/persistent_volume.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/core/v1/service.pb.h"
#include "client/api/meta/v1/discovery.pb.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/api/meta/v1/time.pb.h"
#include "client/api/testing/sample_objects.h"
#include "client/api/testing/unknown_fields.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace kube::api {
namespace {

namespace core = ::kube::api::core::v1;
namespace meta = ::kube::api::meta::v1;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

std::string ToJson(const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = MessageToJson(message);
  EXPECT_TRUE(json.ok()) << json.status();
  return json.value_or("");
}

template <typename T>
T FromJson(const std::string& text) {
  T message;
  absl::Status status = JsonToMessage(text, &message);
  EXPECT_TRUE(status.ok()) << status << " reading " << text;
  return message;
}

// ---- Time, MicroTime, Duration --------------------------------------------------------------

TEST(JsonFormatTest, TimeIsRfc3339SecondsInUtc) {
  meta::ObjectMeta m;
  m.mutable_creationtimestamp()->set_seconds(1704164645);
  EXPECT_EQ(ToJson(m), R"({"creationTimestamp":"2024-01-02T03:04:05Z"})");
  meta::ObjectMeta back =
      FromJson<meta::ObjectMeta>(R"({"creationTimestamp":"2024-01-02T03:04:05Z"})");
  EXPECT_EQ(back.creationtimestamp().seconds(), 1704164645);
  // A fraction and an offset are accepted; Time keeps whole seconds.
  back = FromJson<meta::ObjectMeta>(R"({"creationTimestamp":"2024-01-02T04:04:05.9+01:00"})");
  EXPECT_EQ(back.creationtimestamp().seconds(), 1704164645);
  EXPECT_EQ(back.creationtimestamp().nanos(), 0);
  // A time RFC 3339 cannot write (year -1) reads, but writing it is a clear error, as in Go.
  back = FromJson<meta::ObjectMeta>(R"({"creationTimestamp":"0000-01-01T00:00:00+01:00"})");
  absl::StatusOr<std::string> written = MessageToJson(back);
  EXPECT_EQ(written.status().code(), absl::StatusCode::kInvalidArgument) << written.status();
}

TEST(JsonFormatTest, ZeroTimeIsNullOrOmittedWhereGoSaysOmitZero) {
  core::PodCondition condition;
  condition.set_type("Ready");
  condition.set_status("True");
  condition.mutable_lastprobetime();  // set but zero
  EXPECT_EQ(ToJson(condition), R"({"type":"Ready","status":"True","lastProbeTime":null})");
  core::PodCondition back = FromJson<core::PodCondition>(ToJson(condition));
  EXPECT_TRUE(back.has_lastprobetime());  // null reads back as a present zero time

  meta::ObjectMeta m;
  m.set_name("x");
  m.mutable_creationtimestamp();  // json_omit_zero
  EXPECT_EQ(ToJson(m), R"({"name":"x"})");
}

TEST(JsonFormatTest, MicroTimeHasSixDigits) {
  coordination::v1::LeaseSpec spec;
  spec.mutable_renewtime()->set_seconds(1704164645);
  spec.mutable_renewtime()->set_nanos(123456789);
  EXPECT_EQ(ToJson(spec), R"({"renewTime":"2024-01-02T03:04:05.123456Z"})");
  auto back =
      FromJson<coordination::v1::LeaseSpec>(R"({"renewTime":"2024-01-02T03:04:05.123456Z"})");
  EXPECT_EQ(back.renewtime().seconds(), 1704164645);
  EXPECT_EQ(back.renewtime().nanos(), 123456000);
}

TEST(JsonFormatTest, DurationIsAGoDurationString) {
  meta::Duration d;
  d.set_duration(90'500'000'000);
  EXPECT_EQ(ToJson(d), R"("1m30.5s")");
  EXPECT_EQ(FromJson<meta::Duration>(R"("1h")").duration(), 3'600'000'000'000);
  meta::Duration bad;
  EXPECT_THAT(std::string(JsonToMessage(R"("1 hour")", &bad).message()),
              HasSubstr("invalid duration"));
  EXPECT_FALSE(JsonToMessage("90", &bad).ok());
}

// ---- Quantity, IntOrString, bytes -----------------------------------------------------------

TEST(JsonFormatTest, QuantityIsItsString) {
  core::ResourceRequirements r;
  (*r.mutable_limits())["memory"].set_string("1Gi");
  (*r.mutable_limits())["cpu"].set_string("500m");
  // Maps come out with sorted keys, like Go.
  EXPECT_EQ(ToJson(r), R"({"limits":{"cpu":"500m","memory":"1Gi"}})");
  auto back = FromJson<core::ResourceRequirements>(R"({"requests":{"cpu":2,"memory":"64Mi"}})");
  EXPECT_EQ(back.requests().at("cpu").string(), "2");  // a bare number is accepted
  EXPECT_EQ(back.requests().at("memory").string(), "64Mi");
}

TEST(JsonFormatTest, IntOrStringIsANumberOrAString) {
  core::ServicePort port;
  port.set_port(80);
  port.mutable_targetport()->set_type(0);
  port.mutable_targetport()->set_intval(8080);
  EXPECT_EQ(ToJson(port), R"({"port":80,"targetPort":8080})");
  port.mutable_targetport()->set_type(1);
  port.mutable_targetport()->set_strval("http");
  EXPECT_EQ(ToJson(port), R"({"port":80,"targetPort":"http"})");

  auto by_number = FromJson<core::ServicePort>(R"({"targetPort":9090})");
  EXPECT_EQ(by_number.targetport().type(), 0);
  EXPECT_EQ(by_number.targetport().intval(), 9090);
  auto by_name = FromJson<core::ServicePort>(R"({"targetPort":"metrics"})");
  EXPECT_EQ(by_name.targetport().type(), 1);
  EXPECT_EQ(by_name.targetport().strval(), "metrics");
  core::ServicePort bad;
  EXPECT_FALSE(JsonToMessage(R"({"targetPort":true})", &bad).ok());
  EXPECT_FALSE(JsonToMessage(R"({"targetPort":4294967296})", &bad).ok());
}

TEST(JsonFormatTest, BytesAreBase64) {
  core::Secret secret;
  (*secret.mutable_data())["key"] = std::string("\x00\x01hello\xff", 8);
  EXPECT_EQ(ToJson(secret), R"({"data":{"key":"AAFoZWxsb/8="}})");
  auto back = FromJson<core::Secret>(R"({"data":{"key":"AAFoZWxsb/8="}})");
  EXPECT_EQ(back.data().at("key"), std::string("\x00\x01hello\xff", 8));
  core::Secret bad;
  absl::Status status = JsonToMessage(R"({"data":{"key":"not base64!"}})", &bad);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("data.key"));
}

// ---- Inline, omitempty, keep-zero -----------------------------------------------------------

TEST(JsonFormatTest, InlineFieldsSitAtTheParentsLevel) {
  core::Volume volume;
  volume.set_name("config");
  volume.mutable_volumesource()->mutable_configmap()->mutable_localobjectreference()->set_name(
      "app");
  volume.mutable_volumesource()->mutable_configmap()->set_defaultmode(0644);
  std::string text = ToJson(volume);
  EXPECT_EQ(text, R"({"name":"config","configMap":{"name":"app","defaultMode":420}})");
  EXPECT_TRUE(MessageDifferencer::Equals(FromJson<core::Volume>(text), volume));

  core::Probe probe;
  probe.mutable_handler()->mutable_exec()->add_command("true");
  probe.set_periodseconds(5);
  EXPECT_EQ(ToJson(probe), R"({"exec":{"command":["true"]},"periodSeconds":5})");

  core::PersistentVolumeSpec pv;
  pv.mutable_persistentvolumesource()->mutable_nfs()->set_server("nfs");
  pv.mutable_persistentvolumesource()->mutable_nfs()->set_path("/x");
  EXPECT_EQ(ToJson(pv), R"({"nfs":{"server":"nfs","path":"/x"}})");

  core::EphemeralContainer debug;
  debug.mutable_ephemeralcontainercommon()->set_name("debug");
  debug.set_targetcontainername("app");
  EXPECT_EQ(ToJson(debug), R"({"name":"debug","targetContainerName":"app"})");
  EXPECT_TRUE(MessageDifferencer::Equals(FromJson<core::EphemeralContainer>(ToJson(debug)), debug));
}

TEST(JsonFormatTest, ZeroValuesFollowGoOmitempty) {
  core::PodSpec spec;
  spec.set_hostnetwork(false);                   // omitempty value: omitted
  spec.set_nodename("");                         // omitempty value: omitted
  spec.set_terminationgraceperiodseconds(0);     // a Go pointer: kept
  spec.set_automountserviceaccounttoken(false);  // a Go pointer: kept
  EXPECT_EQ(ToJson(spec), R"({"containers":[],"terminationGracePeriodSeconds":0,)"
                          R"("automountServiceAccountToken":false})");

  apps::v1::DeploymentSpec deployment;
  deployment.set_replicas(0);
  EXPECT_EQ(ToJson(deployment), R"({"replicas":0})");

  core::ContainerPort port;  // containerPort has no omitempty
  port.set_containerport(0);
  EXPECT_EQ(ToJson(port), R"({"containerPort":0})");

  core::PodStatus status;  // an empty sub-message that is set is still written, like a Go struct
  status.mutable_resources();
  EXPECT_EQ(ToJson(status), R"({"resources":{}})");
}

TEST(JsonFormatTest, StringsAreEscaped) {
  meta::ObjectMeta m;
  (*m.mutable_annotations())["note"] = "quote \" backslash \\ newline \n tab \t bell \x07 \xc3\xa9";
  std::string text = ToJson(m);
  EXPECT_EQ(text,
            "{\"annotations\":{\"note\":\"quote \\\" backslash \\\\ newline \\n tab \\t bell "
            "\\u0007 \xc3\xa9\"}}");
  EXPECT_EQ(FromJson<meta::ObjectMeta>(text).annotations().at("note"), m.annotations().at("note"));
}

// Found by //client/api:protobuf_codec_fuzzer: a protobuf string need not be UTF-8, and its bytes
// were copied into the JSON as they were, which no JSON parser accepts. Go writes \ufffd for each
// byte that is not part of valid UTF-8; so does kubecpp.
TEST(JsonFormatTest, InvalidUtf8BecomesReplacementCharacters) {
  meta::ObjectMeta m;
  m.set_name("node\xcf\x61");  // truncated 2-byte sequence
  (*m.mutable_labels())["k\xff"] = "\xe0\x80\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xf0\x9f\x98\x80";
  std::string text = ToJson(m);
  EXPECT_EQ(text,
            "{\"name\":\"node\\ufffda\",\"labels\":{\"k\\ufffd\":"
            "\"\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd\\ufffd|"
            "\xf0\x9f\x98\x80\"}}");
  EXPECT_EQ(FromJson<meta::ObjectMeta>(text).name(),
            "node\xef\xbf\xbd"
            "a");
}

TEST(JsonFormatTest, EmbeddedJsonIsWrittenVerbatimAndMustBeJson) {
  meta::ManagedFieldsEntry entry;
  entry.set_manager("kubectl");
  entry.mutable_fieldsv1()->set_raw(R"({"f:metadata":{"f:labels":{".":{}}}})");
  EXPECT_EQ(ToJson(entry),
            R"({"manager":"kubectl","fieldsV1":{"f:metadata":{"f:labels":{".":{}}}}})");
  auto back = FromJson<meta::ManagedFieldsEntry>(ToJson(entry));
  EXPECT_EQ(back.fieldsv1().raw(), entry.fieldsv1().raw());

  entry.mutable_fieldsv1()->set_raw("k8s\x00 not json");
  absl::StatusOr<std::string> bad = MessageToJson(entry);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonFormatTest, VerbsIsAPlainArray) {
  meta::APIResource resource;
  resource.set_name("pods");
  resource.set_namespaced(true);
  resource.set_kind("Pod");
  resource.mutable_verbs()->add_items("get");
  resource.mutable_verbs()->add_items("list");
  EXPECT_EQ(ToJson(resource),
            R"({"name":"pods","namespaced":true,"kind":"Pod","verbs":["get","list"]})");
  auto back = FromJson<meta::APIResource>(ToJson(resource));
  EXPECT_EQ(back.verbs().items_size(), 2);
}

TEST(JsonFormatTest, TypeMetaIsWrittenFirstWhenGiven) {
  core::ConfigMap cm;
  cm.mutable_metadata()->set_name("c");
  absl::StatusOr<std::string> text = MessageToJson(cm, {.api_version = "v1", .kind = "ConfigMap"});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c"}})");
}

// ---- Reading tolerance and errors -----------------------------------------------------------

TEST(JsonFormatTest, UnknownMembersAreSkipped) {
  auto pod = FromJson<core::Pod>(R"({
    "kind": "Pod", "apiVersion": "v1", "futureTopLevel": {"a": [1, 2, {"b": null}]},
    "metadata": {"name": "p", "futureMeta": 3},
    "spec": {"containers": [{"name": "c", "futureContainerField": "x"}], "futureSpec": true}
  })");
  EXPECT_EQ(pod.metadata().name(), "p");
  EXPECT_EQ(pod.spec().containers(0).name(), "c");
  // Dropped, not kept: JSON unknowns cannot survive like protobuf ones.
  EXPECT_EQ(ToJson(pod), R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]}})");
}

TEST(JsonFormatTest, NullMeansUnset) {
  auto pod = FromJson<core::Pod>(
      R"({"metadata":{"name":null,"labels":null},"spec":{"containers":null,"priority":null}})");
  EXPECT_FALSE(pod.metadata().has_name());
  EXPECT_FALSE(pod.spec().has_priority());
  EXPECT_EQ(pod.spec().containers_size(), 0);
}

TEST(JsonFormatTest, ErrorsNameThePath) {
  core::Pod pod;
  absl::Status status = JsonToMessage(
      R"({"spec":{"containers":[{"name":"a"},{"name":"b","ports":[{"containerPort":"80"}]}]}})",
      &pod);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("spec.containers[1].ports[0].containerPort: expected an integer"));

  status = JsonToMessage(R"({"spec":{"priority":2147483648}})", &pod);
  EXPECT_THAT(std::string(status.message()), HasSubstr("spec.priority"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("out of range"));

  status = JsonToMessage(R"({"spec":{"priority":1.5}})", &pod);
  EXPECT_THAT(std::string(status.message()), HasSubstr("expected an integer"));

  status = JsonToMessage(R"({"metadata":{"creationTimestamp":"yesterday"}})", &pod);
  EXPECT_THAT(std::string(status.message()), HasSubstr("metadata.creationTimestamp"));

  status = JsonToMessage(R"({"metadata":[]})", &pod);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("metadata: expected an object, got an array"));

  status = JsonToMessage(R"({"metadata":{"name":"x"})", &pod);
  EXPECT_THAT(std::string(status.message()), HasSubstr("malformed JSON"));

  status = JsonToMessage("", &pod);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonFormatTest, DeepNestingIsRefusedNotCrashing) {
  std::string deep(100000, '[');
  core::Pod pod;
  EXPECT_EQ(JsonToMessage(deep, &pod).code(), absl::StatusCode::kInvalidArgument);
}

// ---- A whole pod ----------------------------------------------------------------------------

TEST(JsonFormatTest, RichPodRoundTrips) {
  core::Pod pod = testing::RichPod("ns", "rich");
  std::string text = ToJson(pod);
  core::Pod back = FromJson<core::Pod>(text);
  // Zeros set in C++ but omitted by omitempty do not come back; compare without them.
  core::Pod expected = pod, actual = back;
  testing::ClearZeroScalars(&expected);
  testing::ClearZeroScalars(&actual);
  std::string report;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&report);
  EXPECT_TRUE(differencer.Compare(expected, actual)) << report;
  EXPECT_EQ(ToJson(back), text);
  // Spot checks of the JSON shape.
  boost::json::value v = boost::json::parse(text);
  EXPECT_EQ(v.at("spec").at("volumes").at(0).at("configMap").at("name"), "app-config");
  EXPECT_EQ(v.at("spec").at("containers").at(0).at("livenessProbe").at("httpGet").at("port"), 8080);
  EXPECT_EQ(v.at("spec").at("containers").at(0).at("readinessProbe").at("tcpSocket").at("port"),
            "http");
  EXPECT_EQ(v.at("spec").at("securityContext").at("runAsGroup"), 0);
}

}  // namespace
}  // namespace kube::api

namespace kube::api {
namespace {

// Maps are read into the map itself: reading them afterwards through the generated API must not
// have to build a second form of them on the object's arena (nor take the field's lock).
TEST(JsonFormatTest, MapsAreReadIntoTheMapNotItsListForm) {
  google::protobuf::Arena arena;
  auto* pod = google::protobuf::Arena::CreateMessage<core::Pod>(&arena);
  ASSERT_TRUE(JsonToMessage(R"({"metadata":{"name":"web","labels":{"app":"web","tier":"front"},
      "annotations":{"note":"x"}},"spec":{"containers":[{"name":"app","resources":{
      "limits":{"memory":"512Mi"},"requests":{"cpu":"100m","memory":"64Mi"}}}]}})",
                            pod)
                  .ok());
  const uint64_t used = arena.SpaceUsed();
  EXPECT_EQ(pod->metadata().labels().at("tier"), "front");
  EXPECT_EQ(pod->metadata().annotations().size(), 1u);
  EXPECT_EQ(pod->spec().containers(0).resources().requests().at("cpu").string(), "100m");
  EXPECT_EQ(pod->spec().containers(0).resources().limits().size(), 1u);
  EXPECT_EQ(arena.SpaceUsed(), used);

  // A key given twice: the last one counts, as in Go.
  core::Pod twice;
  ASSERT_TRUE(JsonToMessage(R"({"metadata":{"labels":{"a":"1","a":"2"}}})", &twice).ok());
  EXPECT_EQ(twice.metadata().labels().size(), 1u);
  EXPECT_EQ(twice.metadata().labels().at("a"), "2");
  // An entry whose value is the wrong type is an error naming it.
  EXPECT_THAT(std::string(JsonToMessage(R"({"metadata":{"labels":{"a":1}}})", &twice).message()),
              ::testing::HasSubstr("labels"));
}

}  // namespace
}  // namespace kube::api
