// Wire compatibility of kubecpp's .proto files and codecs, judged by the real kube-apiserver.
//
// For every kind that can be created without controllers, a richly populated object is built in
// C++ and created twice — once as protobuf, once as kubecpp's JSON — then read back in both
// formats. The checks:
//   (a) the protobuf read has no unknown fields anywhere: every field the server sent has the
//       right number and type in kubecpp's .proto files;
//   (b) the JSON read equals the protobuf read: the JSON codec reads what the server writes;
//   (c) kubecpp's JSON of the object equals the server's JSON (parsed): the JSON codec writes
//       what the server writes, omitempty rules included;
//   (d) the object created from kubecpp's JSON equals the one created from kubecpp's protobuf;
// plus protobuf lists, a protobuf watch stream, status subresources, and unknown fields
// surviving a protobuf get-modify-update through an older descriptor.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "boost/json.hpp"
#include "client/api/apps/v1/apps.pb.h"
#include "client/api/batch/v1/batch.pb.h"
#include "client/api/builtin_kinds.h"
#include "client/api/coordination/v1/coordination.pb.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/node.pb.h"
#include "client/api/core/v1/persistent_volume.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/core/v1/service.pb.h"
#include "client/api/discovery/v1/discovery.pb.h"
#include "client/api/events/v1/events.pb.h"
#include "client/api/json_codec.h"
#include "client/api/json_format.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/api/meta/v1/status.pb.h"
#include "client/api/protobuf_codec.h"
#include "client/api/protobuf_envelope.h"
#include "client/api/testing/sample_objects.h"
#include "client/api/testing/unknown_fields.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tools/testenv/https_client.h"
#include "tools/testenv/testenv.h"

namespace kube::api {
namespace {

namespace core = ::kube::api::core::v1;
namespace apps = ::kube::api::apps::v1;
namespace batch = ::kube::api::batch::v1;
namespace meta = ::kube::api::meta::v1;
namespace json = boost::json;
using ::google::protobuf::Message;
using ::google::protobuf::util::MessageDifferencer;
using ::kube::testenv::HttpsReply;

constexpr absl::string_view kProtobuf = "application/vnd.kubernetes.protobuf";
constexpr absl::string_view kJson = "application/json";

// ---- Comparing JSON documents ---------------------------------------------------------------

// JsonDiff lists the paths where two JSON documents differ. Documented exceptions:
//   - a member that is null on one side and [] on the other counts as equal (Go writes null for a
//     nil list without omitempty; protobuf cannot tell nil from empty, kubecpp writes []);
//   - "apiVersion" and "kind" of objects embedded in a StatefulSet's volumeClaimTemplates exist
//     only in the server's JSON: the server sets them, but object messages carry no TypeMeta on
//     the protobuf wire, so no protobuf client can know them.
void JsonDiff(const json::value& ours, const json::value& theirs, const std::string& path,
              std::vector<std::string>& diffs) {
  auto empty_list = [](const json::value& v) {
    return v.is_null() || (v.is_array() && v.get_array().empty());
  };
  if (empty_list(ours) && empty_list(theirs)) return;
  if (ours.kind() != theirs.kind() && !(ours.is_number() && theirs.is_number())) {
    diffs.push_back(absl::StrCat(path, ": kubecpp ", json::serialize(ours), " vs server ",
                                 json::serialize(theirs)));
    return;
  }
  if (ours.is_object()) {
    const json::object& a = ours.get_object();
    const json::object& b = theirs.get_object();
    std::set<std::string> keys;
    for (const auto& kv : a) keys.insert(std::string(kv.key()));
    for (const auto& kv : b) keys.insert(std::string(kv.key()));
    for (const std::string& key : keys) {
      const json::value* x = a.if_contains(key);
      const json::value* y = b.if_contains(key);
      std::string child = absl::StrCat(path, ".", key);
      if (x == nullptr && (key == "apiVersion" || key == "kind") &&
          path.find(".volumeClaimTemplates[") != std::string::npos) {
        continue;
      }
      if (x == nullptr || y == nullptr) {
        diffs.push_back(absl::StrCat(child, ": only in ", x == nullptr ? "server" : "kubecpp", " (",
                                     json::serialize(x == nullptr ? *y : *x), ")"));
        continue;
      }
      JsonDiff(*x, *y, child, diffs);
    }
    return;
  }
  if (ours.is_array()) {
    const json::array& a = ours.get_array();
    const json::array& b = theirs.get_array();
    if (a.size() != b.size()) {
      diffs.push_back(absl::StrCat(path, ": ", a.size(), " vs ", b.size(), " elements"));
      return;
    }
    for (size_t i = 0; i < a.size(); ++i)
      JsonDiff(a[i], b[i], absl::StrCat(path, "[", i, "]"), diffs);
    return;
  }
  if (ours != theirs) {
    diffs.push_back(absl::StrCat(path, ": kubecpp ", json::serialize(ours), " vs server ",
                                 json::serialize(theirs)));
  }
}

std::string Differences(const Message& a, const Message& b) {
  std::string report;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&report);
  differencer.Compare(a, b);
  return report;
}

// ---- The fixture ----------------------------------------------------------------------------

class ApiserverWireTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testenv::Environment> env = testenv::Load();
    ASSERT_TRUE(env.ok()) << env.status().message();
    env_ = new testenv::Environment(*env);
    namespace_ =
        new std::string(absl::StrCat("kubecpp-api-", absl::ToUnixSeconds(absl::Now()) % 100000, "-",
                                     absl::Uniform(absl::BitGen(), 1000, 9999)));
    core::Namespace ns;
    ns.mutable_metadata()->set_name(*namespace_);
    (*ns.mutable_metadata()->mutable_labels())["kubecpp.io/test"] = "api-wire";
    absl::StatusOr<std::string> body = ProtobufCodec(DefaultRegistry()).Encode(ns);
    ASSERT_TRUE(body.ok());
    HttpsReply reply = Call("POST", "/api/v1/namespaces", kProtobuf, kProtobuf, *body);
    ASSERT_EQ(reply.status, 201) << reply.body;
  }

  static void TearDownTestSuite() {
    if (env_ == nullptr) return;
    // Without a namespace controller the namespace stays Terminating; the name is unique anyway.
    Call("DELETE", absl::StrCat("/api/v1/namespaces/", *namespace_), kJson, "", "");
    for (const std::string& path : *cluster_objects_) Call("DELETE", path, kJson, "", "");
  }

  static HttpsReply Call(absl::string_view method, absl::string_view target,
                         absl::string_view accept, absl::string_view content_type,
                         absl::string_view body) {
    absl::StatusOr<HttpsReply> reply =
        testenv::HttpsExchange(*env_, {.method = std::string(method),
                                       .target = std::string(target),
                                       .token = env_->admin_token,
                                       .accept = std::string(accept),
                                       .content_type = std::string(content_type),
                                       .body = std::string(body)});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : HttpsReply{};
  }

  const std::string& ns() const { return *namespace_; }

  // Collection path of a kind in the test namespace (or cluster-wide).
  std::string Collection(const Message& prototype) const {
    const KindInfo* kind = DefaultRegistry().FindByMessage(prototype.GetDescriptor());
    EXPECT_NE(kind, nullptr);
    std::string base = kind->group.empty() ? "/api/v1" : absl::StrCat("/apis/", kind->api_version);
    if (kind->namespaced) return absl::StrCat(base, "/namespaces/", ns(), "/", kind->resource);
    return absl::StrCat(base, "/", kind->resource);
  }

  // Create posts object in the given format and returns the server's answer decoded.
  template <typename T>
  T Create(const T& object, absl::string_view format) {
    const Codec& codec = format == kProtobuf ? static_cast<const Codec&>(protobuf_)
                                             : static_cast<const Codec&>(json_);
    absl::StatusOr<std::string> body = codec.Encode(object);
    EXPECT_TRUE(body.ok()) << body.status();
    std::string collection = Collection(object);
    HttpsReply reply = Call("POST", collection, kProtobuf, format, body.value_or(""));
    EXPECT_EQ(reply.status, 201) << format << " create of " << object.GetDescriptor()->name()
                                 << " failed: " << DescribeFailure(reply);
    T created;
    if (reply.status == 201) {
      absl::Status status = protobuf_.DecodeInto(reply.body, &created);
      EXPECT_TRUE(status.ok()) << status;
    }
    const KindInfo* kind = DefaultRegistry().FindByMessage(object.GetDescriptor());
    if (!kind->namespaced) {
      cluster_objects_->push_back(absl::StrCat(collection, "/", created.metadata().name()));
    }
    return created;
  }

  std::string DescribeFailure(const HttpsReply& reply) {
    if (reply.content_type.find("protobuf") != std::string::npos) {
      meta::Status status;
      if (protobuf_.DecodeInto(reply.body, &status).ok()) {
        return absl::StrCat(reply.status, " ", status.reason(), ": ", status.message());
      }
    }
    return absl::StrCat(reply.status, " ", reply.body);
  }

  // CheckWireParity runs checks (a)-(c) on the named object and returns its protobuf read.
  template <typename T>
  T CheckWireParity(const T& prototype, const std::string& name) {
    if (name.empty()) {
      ADD_FAILURE() << "no " << prototype.GetDescriptor()->name() << " to read";
      return T();
    }
    std::string path = absl::StrCat(Collection(prototype), "/", name);
    HttpsReply proto_reply = Call("GET", path, kProtobuf, "", "");
    EXPECT_EQ(proto_reply.status, 200) << proto_reply.body;
    EXPECT_THAT(proto_reply.content_type, ::testing::HasSubstr("protobuf"));
    T from_proto;
    absl::Status status = protobuf_.DecodeInto(proto_reply.body, &from_proto);
    EXPECT_TRUE(status.ok()) << status;

    // (a) Every field the server sent is known, at every depth.
    std::vector<std::string> unknown = testing::FindUnknownFields(from_proto);
    EXPECT_THAT(unknown, ::testing::IsEmpty())
        << "fields of " << name << " kubecpp does not know:\n"
        << absl::StrJoin(unknown, "\n");

    HttpsReply json_reply = Call("GET", path, kJson, "", "");
    EXPECT_EQ(json_reply.status, 200) << json_reply.body;
    T from_json;
    status = json_.DecodeInto(json_reply.body, &from_json);
    EXPECT_TRUE(status.ok()) << status;

    // (b) Both reads agree, once the zero numbers the protobuf form spells out are set aside;
    // strings as they are: the protobuf read leaves the empty strings JSON omits unset.
    T a = from_proto, b = from_json;
    testing::ClearZeroNumbers(&a);
    testing::ClearZeroNumbers(&b);
    EXPECT_TRUE(MessageDifferencer::Equals(a, b))
        << "protobuf and JSON reads of " << name << " differ:\n"
        << Differences(a, b);

    // (c) kubecpp's JSON is the server's JSON.
    absl::StatusOr<std::string> ours = json_.Encode(from_proto);
    EXPECT_TRUE(ours.ok()) << ours.status();
    std::vector<std::string> diffs;
    JsonDiff(json::parse(ours.value_or("{}")), json::parse(json_reply.body), "", diffs);
    EXPECT_THAT(diffs, ::testing::IsEmpty())
        << "kubecpp's JSON of " << name << " differs from the server's:\n"
        << absl::StrJoin(diffs, "\n") << "\nserver: " << json_reply.body;
    return from_proto;
  }

  // ClearTransitionTimes clears every `lastTransitionTime` below message: the server stamps
  // conditions it adds at creation with the current second, which may differ between the two
  // creations RoundTrip compares.
  static void ClearTransitionTimes(google::protobuf::Message* message) {
    const google::protobuf::Reflection* reflection = message->GetReflection();
    std::vector<const google::protobuf::FieldDescriptor*> fields;
    reflection->ListFields(*message, &fields);
    for (const google::protobuf::FieldDescriptor* field : fields) {
      if (field->name() == "lastTransitionTime") {
        reflection->ClearField(message, field);
      } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
        if (field->is_map()) continue;
        if (field->is_repeated()) {
          for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
            ClearTransitionTimes(reflection->MutableRepeatedMessage(message, field, i));
          }
        } else {
          ClearTransitionTimes(reflection->MutableMessage(message, field));
        }
      }
    }
  }

  // Identity strips what differs between two creations of the same content.
  template <typename T>
  static T Identity(T object) {
    ClearTransitionTimes(&object);
    meta::ObjectMeta* m = object.mutable_metadata();
    m->clear_name();
    m->clear_uid();
    m->clear_resourceversion();
    m->clear_creationtimestamp();
    m->clear_managedfields();
    m->clear_generatename();
    return object;
  }

  // RoundTrip creates object via protobuf and (renamed "<name>-json") via JSON, checks wire
  // parity of both, and that both creations gave the same object once `scrub` removed what the
  // server derives from the name or allocates (cluster IPs, generated labels). Returns the
  // protobuf read.
  template <typename T>
  T RoundTrip(const T& object, const std::function<void(T&)>& scrub = nullptr) {
    T by_proto = Create(object, kProtobuf);
    T json_object = object;
    json_object.mutable_metadata()->set_name(absl::StrCat(object.metadata().name(), "-json"));
    T by_json = Create(json_object, kJson);
    T read = CheckWireParity(object, by_proto.metadata().name());
    if (by_json.metadata().name().empty()) return read;
    T read_json = CheckWireParity(object, by_json.metadata().name());
    // (d) The JSON kubecpp wrote meant exactly what its protobuf meant.
    T x = Identity(read), y = Identity(read_json);
    if (scrub) {
      scrub(x);
      scrub(y);
    }
    EXPECT_TRUE(MessageDifferencer::Equals(x, y)) << "created from protobuf and from JSON, "
                                                  << object.GetDescriptor()->name() << " differs:\n"
                                                  << Differences(x, y);
    return read;
  }

  static testenv::Environment* env_;
  static std::string* namespace_;
  static std::vector<std::string>* cluster_objects_;
  ProtobufCodec protobuf_{DefaultRegistry()};
  JsonCodec json_{DefaultRegistry()};
};

testenv::Environment* ApiserverWireTest::env_ = nullptr;
std::string* ApiserverWireTest::namespace_ = nullptr;
std::vector<std::string>* ApiserverWireTest::cluster_objects_ = new std::vector<std::string>();

meta::ObjectMeta Meta(absl::string_view name) {
  meta::ObjectMeta m;
  m.set_name(std::string(name));
  (*m.mutable_labels())["app"] = "wire";
  (*m.mutable_annotations())["kubecpp.io/purpose"] = "wire parity";
  return m;
}

void Port(intstr::IntOrString* port, int value) {
  port->set_type(0);
  port->set_intval(value);
}

void Port(intstr::IntOrString* port, const std::string& name) {
  port->set_type(1);
  port->set_strval(name);
}

// ---- The kinds ------------------------------------------------------------------------------

TEST_F(ApiserverWireTest, ConfigMap) {
  core::ConfigMap cm;
  *cm.mutable_metadata() = Meta("config");
  (*cm.mutable_data())["app.yaml"] = "level: debug\nname: \"x\"\n";
  (*cm.mutable_data())["empty"] = "";
  (*cm.mutable_binarydata())["blob"] = std::string("\x00\x01\x02\xff binary", 11);
  cm.set_immutable(false);
  core::ConfigMap read = RoundTrip(cm);
  EXPECT_EQ(read.binarydata().at("blob"), std::string("\x00\x01\x02\xff binary", 11));
  EXPECT_TRUE(read.has_immutable());
  EXPECT_FALSE(read.immutable());
}

TEST_F(ApiserverWireTest, Secret) {
  core::Secret secret;
  *secret.mutable_metadata() = Meta("secret");
  secret.set_type("Opaque");
  (*secret.mutable_data())["password"] = std::string("s3cr\xc3\xa9t\x00!", 9);
  (*secret.mutable_stringdata())["token"] = "plain text";
  core::Secret read = RoundTrip(secret);
  EXPECT_EQ(read.data().at("token"), "plain text");  // stringData merged into data
  EXPECT_EQ(read.data().at("password"), std::string("s3cr\xc3\xa9t\x00!", 9));
}

TEST_F(ApiserverWireTest, Namespace) {
  core::Namespace ns;
  *ns.mutable_metadata() = Meta(absl::StrCat(this->ns(), "-extra"));
  ns.mutable_spec()->add_finalizers("kubernetes");
  core::Namespace read = RoundTrip<core::Namespace>(ns, [](core::Namespace& n) {
    n.mutable_metadata()->mutable_labels()->erase("kubernetes.io/metadata.name");
  });
  EXPECT_EQ(read.status().phase(), "Active");
}

TEST_F(ApiserverWireTest, ServiceAccount) {
  core::ServiceAccount sa;
  *sa.mutable_metadata() = Meta("robot");
  sa.add_imagepullsecrets()->set_name("registry");
  core::ObjectReference* secret = sa.add_secrets();
  secret->set_name("robot-token");
  sa.set_automountserviceaccounttoken(false);
  RoundTrip(sa);
}

TEST_F(ApiserverWireTest, Service) {
  core::Service svc;
  *svc.mutable_metadata() = Meta("web");
  core::ServiceSpec* spec = svc.mutable_spec();
  spec->set_type("ClusterIP");
  (*spec->mutable_selector())["app"] = "rich";
  core::ServicePort* http = spec->add_ports();
  http->set_name("http");
  http->set_port(80);
  http->set_protocol("TCP");
  Port(http->mutable_targetport(), "http");
  http->set_appprotocol("http");
  core::ServicePort* metrics = spec->add_ports();
  metrics->set_name("metrics");
  metrics->set_port(9090);
  Port(metrics->mutable_targetport(), 9091);
  spec->set_sessionaffinity("ClientIP");
  spec->mutable_sessionaffinityconfig()->mutable_clientip()->set_timeoutseconds(600);
  spec->set_publishnotreadyaddresses(true);
  spec->set_internaltrafficpolicy("Local");
  core::Service read = RoundTrip<core::Service>(svc, [](core::Service& s) {
    s.mutable_spec()->clear_clusterip();
    s.mutable_spec()->clear_clusterips();
  });
  EXPECT_FALSE(read.spec().clusterip().empty());
  EXPECT_EQ(read.spec().ports(0).targetport().strval(), "http");
}

TEST_F(ApiserverWireTest, Endpoints) {
  core::Endpoints ep;
  *ep.mutable_metadata() = Meta("web");
  core::EndpointSubset* subset = ep.add_subsets();
  core::EndpointAddress* address = subset->add_addresses();
  address->set_ip("10.1.0.5");
  address->set_hostname("web-0");
  address->set_nodename("node-a");
  address->mutable_targetref()->set_kind("Pod");
  address->mutable_targetref()->set_name("web-0");
  address->mutable_targetref()->set_namespace_(ns());
  subset->add_notreadyaddresses()->set_ip("10.1.0.6");
  core::EndpointPort* port = subset->add_ports();
  port->set_name("http");
  port->set_port(8080);
  port->set_protocol("TCP");
  RoundTrip(ep);
}

TEST_F(ApiserverWireTest, EndpointSlice) {
  discovery::v1::EndpointSlice slice;
  *slice.mutable_metadata() = Meta("web-abc");
  (*slice.mutable_metadata()->mutable_labels())["kubernetes.io/service-name"] = "web";
  slice.set_addresstype("IPv4");
  discovery::v1::Endpoint* endpoint = slice.add_endpoints();
  endpoint->add_addresses("10.1.0.5");
  endpoint->mutable_conditions()->set_ready(true);
  endpoint->mutable_conditions()->set_serving(true);
  endpoint->mutable_conditions()->set_terminating(false);
  endpoint->set_nodename("node-a");
  endpoint->set_zone("zone-a");
  endpoint->mutable_hints()->add_forzones()->set_name("zone-a");
  endpoint->mutable_targetref()->set_kind("Pod");
  endpoint->mutable_targetref()->set_name("web-0");
  discovery::v1::EndpointPort* port = slice.add_ports();
  port->set_name("http");
  port->set_port(8080);
  port->set_protocol("TCP");
  RoundTrip(slice);
}

TEST_F(ApiserverWireTest, PersistentVolumeClaim) {
  core::PersistentVolumeClaim pvc;
  *pvc.mutable_metadata() = Meta("data");
  pvc.mutable_spec()->add_accessmodes("ReadWriteOnce");
  pvc.mutable_spec()->set_storageclassname("fast");
  pvc.mutable_spec()->set_volumemode("Filesystem");
  (*pvc.mutable_spec()->mutable_resources()->mutable_requests())["storage"].set_string("5Gi");
  meta::LabelSelectorRequirement* req =
      pvc.mutable_spec()->mutable_selector()->add_matchexpressions();
  req->set_key("tier");
  req->set_operator_("In");
  req->add_values("gold");
  core::PersistentVolumeClaim read = RoundTrip(pvc);
  EXPECT_EQ(read.status().phase(), "Pending");
}

TEST_F(ApiserverWireTest, PersistentVolume) {
  core::PersistentVolume pv;
  *pv.mutable_metadata() = Meta(absl::StrCat(ns(), "-pv"));
  core::PersistentVolumeSpec* spec = pv.mutable_spec();
  (*spec->mutable_capacity())["storage"].set_string("10Gi");
  spec->add_accessmodes("ReadWriteMany");
  spec->set_persistentvolumereclaimpolicy("Retain");
  spec->set_storageclassname("nfs");
  spec->add_mountoptions("nfsvers=4.1");
  spec->set_volumemode("Filesystem");
  core::NFSVolumeSource* nfs = spec->mutable_persistentvolumesource()->mutable_nfs();
  nfs->set_server("nfs.example");
  nfs->set_path("/exports/data");
  nfs->set_readonly(false);
  core::NodeSelectorRequirement* zone = spec->mutable_nodeaffinity()
                                            ->mutable_required()
                                            ->add_nodeselectorterms()
                                            ->add_matchexpressions();
  zone->set_key("topology.kubernetes.io/zone");
  zone->set_operator_("In");
  zone->add_values("zone-a");
  core::PersistentVolume read = RoundTrip(pv);
  EXPECT_EQ(read.spec().persistentvolumesource().nfs().server(), "nfs.example");
}

TEST_F(ApiserverWireTest, Pod) {
  core::Pod pod = testing::RichPod(ns(), "rich");
  core::Pod read = RoundTrip(pod);
  EXPECT_EQ(read.spec().volumes_size(), pod.spec().volumes_size());
  EXPECT_TRUE(read.spec().securitycontext().has_runasgroup());
  EXPECT_EQ(read.spec().securitycontext().runasgroup(), 0);
  EXPECT_EQ(read.spec().containers(0).readinessprobe().handler().tcpsocket().port().strval(),
            "http");
}

TEST_F(ApiserverWireTest, PodStatusSubresource) {
  core::Pod created = Create(testing::RichPod(ns(), "with-status"), kProtobuf);
  ASSERT_FALSE(created.metadata().name().empty());
  core::PodStatus* status = created.mutable_status();
  status->set_phase("Running");
  status->set_hostip("192.168.1.10");
  status->add_hostips()->set_ip("192.168.1.10");
  status->set_podip("10.1.0.7");
  status->add_podips()->set_ip("10.1.0.7");
  status->add_podips()->set_ip("fd00::7");
  status->mutable_starttime()->set_seconds(1704164645);
  status->set_qosclass("Burstable");
  core::PodCondition* ready = status->add_conditions();
  ready->set_type("Ready");
  ready->set_status("True");
  ready->mutable_lasttransitiontime()->set_seconds(1704164700);
  ready->mutable_lastprobetime();  // zero: null in JSON
  core::ContainerStatus* app = status->add_containerstatuses();
  app->set_name("app");
  app->set_image("registry.example/app:1.2.3");
  app->set_imageid("registry.example/app@sha256:0123");
  app->set_containerid("containerd://abc");
  app->set_ready(true);
  app->set_started(true);
  app->set_restartcount(2);
  app->mutable_state()->mutable_running()->mutable_startedat()->set_seconds(1704164650);
  core::ContainerStateTerminated* last = app->mutable_laststate()->mutable_terminated();
  last->set_exitcode(137);
  last->set_reason("OOMKilled");
  last->mutable_startedat()->set_seconds(1704164600);
  last->mutable_finishedat()->set_seconds(1704164640);
  (*app->mutable_allocatedresources())["cpu"].set_string("250m");
  core::VolumeMountStatus* mount = app->add_volumemounts();
  mount->set_name("config");
  mount->set_mountpath("/etc/app");
  mount->set_readonly(true);
  app->mutable_user()->mutable_linux()->set_uid(1000);
  app->mutable_user()->mutable_linux()->set_gid(3000);
  app->mutable_user()->mutable_linux()->add_supplementalgroups(4000);
  core::ContainerStatus* init = status->add_initcontainerstatuses();
  init->set_name("init");
  init->set_image("registry.example/init:1");
  init->set_imageid("");
  init->mutable_state()->mutable_terminated()->set_exitcode(0);
  init->mutable_state()->mutable_terminated()->set_reason("Completed");
  core::ContainerStatus* proxy = status->add_initcontainerstatuses();
  proxy->set_name("proxy");
  proxy->set_image("registry.example/proxy:2");
  proxy->set_imageid("");
  proxy->mutable_state()->mutable_waiting()->set_reason("ContainerCreating");

  absl::StatusOr<std::string> body = protobuf_.Encode(created);
  ASSERT_TRUE(body.ok());
  std::string path = absl::StrCat(Collection(created), "/with-status/status");
  HttpsReply reply = Call("PUT", path, kProtobuf, kProtobuf, *body);
  ASSERT_EQ(reply.status, 200) << DescribeFailure(reply);
  core::Pod read = CheckWireParity(created, "with-status");
  EXPECT_EQ(read.status().containerstatuses(0).laststate().terminated().exitcode(), 137);
  EXPECT_TRUE(read.status().conditions(0).has_lastprobetime());
}

TEST_F(ApiserverWireTest, Deployment) {
  apps::Deployment deployment;
  *deployment.mutable_metadata() = Meta("web");
  apps::DeploymentSpec* spec = deployment.mutable_spec();
  spec->set_replicas(0);  // a pointer in Go: zero is not "unset"
  (*spec->mutable_selector()->mutable_matchlabels())["app"] = "rich";
  core::Pod pod = testing::RichPod("", "");
  *spec->mutable_template_()->mutable_metadata() = pod.metadata();
  spec->mutable_template_()->mutable_metadata()->clear_name();
  spec->mutable_template_()->mutable_metadata()->clear_namespace_();
  *spec->mutable_template_()->mutable_spec() = pod.spec();
  spec->mutable_template_()->mutable_spec()->clear_schedulinggates();
  spec->mutable_template_()->mutable_spec()->clear_activedeadlineseconds();
  spec->mutable_strategy()->set_type("RollingUpdate");
  Port(spec->mutable_strategy()->mutable_rollingupdate()->mutable_maxsurge(), "25%");
  Port(spec->mutable_strategy()->mutable_rollingupdate()->mutable_maxunavailable(), 0);
  spec->set_minreadyseconds(5);
  spec->set_revisionhistorylimit(3);
  spec->set_progressdeadlineseconds(120);
  apps::Deployment read = RoundTrip(deployment);
  EXPECT_TRUE(read.spec().has_replicas());
  EXPECT_EQ(read.spec().replicas(), 0);
}

TEST_F(ApiserverWireTest, StatefulSetDaemonSetReplicaSet) {
  core::Pod pod = testing::RichPod("", "");
  auto fill_template = [&](core::PodTemplateSpec* t) {
    *t->mutable_metadata() = pod.metadata();
    t->mutable_metadata()->clear_name();
    t->mutable_metadata()->clear_namespace_();
    *t->mutable_spec() = pod.spec();
    t->mutable_spec()->clear_schedulinggates();
    t->mutable_spec()->clear_activedeadlineseconds();
  };

  apps::StatefulSet sts;
  *sts.mutable_metadata() = Meta("db");
  sts.mutable_spec()->set_replicas(2);
  sts.mutable_spec()->set_servicename("db");
  sts.mutable_spec()->set_podmanagementpolicy("Parallel");
  (*sts.mutable_spec()->mutable_selector()->mutable_matchlabels())["app"] = "rich";
  fill_template(sts.mutable_spec()->mutable_template_());
  core::PersistentVolumeClaim* claim = sts.mutable_spec()->add_volumeclaimtemplates();
  claim->mutable_metadata()->set_name("data");
  claim->mutable_spec()->add_accessmodes("ReadWriteOnce");
  (*claim->mutable_spec()->mutable_resources()->mutable_requests())["storage"].set_string("1Gi");
  sts.mutable_spec()->mutable_updatestrategy()->set_type("RollingUpdate");
  sts.mutable_spec()->mutable_updatestrategy()->mutable_rollingupdate()->set_partition(0);
  sts.mutable_spec()->mutable_persistentvolumeclaimretentionpolicy()->set_whendeleted("Delete");
  sts.mutable_spec()->mutable_persistentvolumeclaimretentionpolicy()->set_whenscaled("Retain");
  sts.mutable_spec()->mutable_ordinals()->set_start(1);
  RoundTrip(sts);

  apps::DaemonSet ds;
  *ds.mutable_metadata() = Meta("agent");
  (*ds.mutable_spec()->mutable_selector()->mutable_matchlabels())["app"] = "rich";
  fill_template(ds.mutable_spec()->mutable_template_());
  ds.mutable_spec()->mutable_updatestrategy()->set_type("RollingUpdate");
  Port(ds.mutable_spec()
           ->mutable_updatestrategy()
           ->mutable_rollingupdate()
           ->mutable_maxunavailable(),
       "10%");
  RoundTrip(ds);

  apps::ReplicaSet rs;
  *rs.mutable_metadata() = Meta("web-123");
  rs.mutable_spec()->set_replicas(1);
  (*rs.mutable_spec()->mutable_selector()->mutable_matchlabels())["app"] = "rich";
  fill_template(rs.mutable_spec()->mutable_template_());
  RoundTrip(rs);
}

TEST_F(ApiserverWireTest, JobAndCronJob) {
  batch::Job job;
  *job.mutable_metadata() = Meta("once");
  batch::JobSpec* spec = job.mutable_spec();
  spec->set_parallelism(2);
  spec->set_completions(4);
  spec->set_backofflimit(0);
  spec->set_completionmode("Indexed");
  spec->set_suspend(true);
  spec->set_ttlsecondsafterfinished(600);
  spec->set_podreplacementpolicy("Failed");
  batch::PodFailurePolicyRule* rule = spec->mutable_podfailurepolicy()->add_rules();
  rule->set_action("FailJob");
  rule->mutable_onexitcodes()->set_operator_("In");
  rule->mutable_onexitcodes()->add_values(42);
  batch::PodFailurePolicyRule* ignore = spec->mutable_podfailurepolicy()->add_rules();
  ignore->set_action("Ignore");
  batch::PodFailurePolicyOnPodConditionsPattern* pattern = ignore->add_onpodconditions();
  pattern->set_type("DisruptionTarget");
  pattern->set_status("True");
  core::PodTemplateSpec* t = spec->mutable_template_();
  (*t->mutable_metadata()->mutable_labels())["job"] = "once";
  t->mutable_spec()->set_restartpolicy("Never");
  core::Container* c = t->mutable_spec()->add_containers();
  c->set_name("work");
  c->set_image("busybox");
  c->add_command("true");
  batch::Job read = RoundTrip<batch::Job>(job, [](batch::Job& j) {
    j.mutable_spec()->clear_selector();
    j.mutable_spec()->mutable_template_()->mutable_metadata()->clear_labels();
  });
  EXPECT_FALSE(read.spec().selector().matchlabels().empty());  // generated by the server

  batch::CronJob cron;
  *cron.mutable_metadata() = Meta("nightly");
  cron.mutable_spec()->set_schedule("0 3 * * *");
  cron.mutable_spec()->set_timezone("Etc/UTC");
  cron.mutable_spec()->set_concurrencypolicy("Forbid");
  cron.mutable_spec()->set_startingdeadlineseconds(300);
  cron.mutable_spec()->set_suspend(false);
  cron.mutable_spec()->set_successfuljobshistorylimit(1);
  cron.mutable_spec()->set_failedjobshistorylimit(0);
  batch::JobSpec* js = cron.mutable_spec()->mutable_jobtemplate()->mutable_spec();
  js->set_backofflimit(2);
  js->mutable_template_()->mutable_spec()->set_restartpolicy("OnFailure");
  core::Container* cc = js->mutable_template_()->mutable_spec()->add_containers();
  cc->set_name("work");
  cc->set_image("busybox");
  RoundTrip(cron);
}

TEST_F(ApiserverWireTest, Lease) {
  coordination::v1::Lease lease;
  *lease.mutable_metadata() = Meta("leader");
  coordination::v1::LeaseSpec* spec = lease.mutable_spec();
  spec->set_holderidentity("kubecpp-1");
  spec->set_leasedurationseconds(15);
  spec->mutable_acquiretime()->set_seconds(1704164645);
  spec->mutable_acquiretime()->set_nanos(123456000);
  spec->mutable_renewtime()->set_seconds(1704164655);
  spec->mutable_renewtime()->set_nanos(654321000);
  spec->set_leasetransitions(0);
  coordination::v1::Lease read = RoundTrip(lease);
  EXPECT_EQ(read.spec().renewtime().nanos(), 654321000);
  EXPECT_TRUE(read.spec().has_leasetransitions());
}

TEST_F(ApiserverWireTest, CoreEvent) {
  core::Event event;
  *event.mutable_metadata() = Meta("rich.17a");
  event.mutable_involvedobject()->set_kind("Pod");
  event.mutable_involvedobject()->set_namespace_(ns());
  event.mutable_involvedobject()->set_name("rich");
  event.mutable_involvedobject()->set_apiversion("v1");
  event.mutable_involvedobject()->set_fieldpath("spec.containers{app}");
  event.set_reason("Pulled");
  event.set_message("Container image pulled");
  event.set_type("Normal");
  event.set_count(3);
  event.mutable_source()->set_component("kubelet");
  event.mutable_source()->set_host("node-a");
  event.mutable_firsttimestamp()->set_seconds(1704164645);
  event.mutable_lasttimestamp()->set_seconds(1704164745);
  RoundTrip(event);
}

TEST_F(ApiserverWireTest, EventsV1Event) {
  events::v1::Event event;
  *event.mutable_metadata() = Meta("rich.17b");
  event.mutable_eventtime()->set_seconds(1704164645);
  event.mutable_eventtime()->set_nanos(250000000);
  event.set_reportingcontroller("kubecpp.io/test");
  event.set_reportinginstance("kubecpp-test-1");
  event.set_action("Reconcile");
  event.set_reason("Synced");
  event.set_note("all good");
  event.set_type("Normal");
  event.mutable_regarding()->set_kind("Pod");
  event.mutable_regarding()->set_name("rich");
  event.mutable_regarding()->set_namespace_(ns());
  event.mutable_series()->set_count(2);
  event.mutable_series()->mutable_lastobservedtime()->set_seconds(1704164745);
  RoundTrip(event);
}

TEST_F(ApiserverWireTest, NodeWithStatus) {
  core::Node node;
  *node.mutable_metadata() = Meta(absl::StrCat(ns(), "-node"));
  node.mutable_spec()->set_podcidr("10.244.1.0/24");
  node.mutable_spec()->add_podcidrs("10.244.1.0/24");
  node.mutable_spec()->set_providerid("kubecpp://node");
  node.mutable_spec()->set_unschedulable(true);
  core::Taint* taint = node.mutable_spec()->add_taints();
  taint->set_key("dedicated");
  taint->set_value("batch");
  taint->set_effect("NoSchedule");
  core::Node created = Create(node, kProtobuf);
  ASSERT_FALSE(created.metadata().name().empty());

  core::NodeStatus* status = created.mutable_status();
  (*status->mutable_capacity())["cpu"].set_string("8");
  (*status->mutable_capacity())["memory"].set_string("32Gi");
  (*status->mutable_allocatable())["cpu"].set_string("7500m");
  core::NodeCondition* ready = status->add_conditions();
  ready->set_type("Ready");
  ready->set_status("True");
  ready->set_reason("KubeletReady");
  ready->set_message("kubelet is posting ready status");
  ready->mutable_lastheartbeattime()->set_seconds(1704164645);
  ready->mutable_lasttransitiontime()->set_seconds(1704160000);
  core::NodeAddress* address = status->add_addresses();
  address->set_type("InternalIP");
  address->set_address("192.168.1.10");
  status->mutable_daemonendpoints()->mutable_kubeletendpoint()->set_port(10250);
  core::NodeSystemInfo* info = status->mutable_nodeinfo();
  info->set_machineid("m");
  info->set_systemuuid("u");
  info->set_bootid("b");
  info->set_kernelversion("6.1.0");
  info->set_osimage("Debian GNU/Linux 12");
  info->set_containerruntimeversion("containerd://1.7.0");
  info->set_kubeletversion("v1.37.2");
  info->set_operatingsystem("linux");
  info->set_architecture("amd64");
  core::ContainerImage* image = status->add_images();
  image->add_names("registry.example/app:1.2.3");
  image->set_sizebytes(123456789);
  core::AttachedVolume* attached = status->add_volumesattached();
  attached->set_name("kubernetes.io/csi/disk^1");
  attached->set_devicepath("/dev/sdb");
  status->add_volumesinuse("kubernetes.io/csi/disk^1");
  core::NodeRuntimeHandler* handler = status->add_runtimehandlers();
  handler->set_name("runc");
  handler->mutable_features()->set_recursivereadonlymounts(true);
  handler->mutable_features()->set_usernamespaces(false);
  status->mutable_features()->set_supplementalgroupspolicy(true);
  absl::StatusOr<std::string> body = protobuf_.Encode(created);
  ASSERT_TRUE(body.ok());
  HttpsReply reply =
      Call("PUT", absl::StrCat("/api/v1/nodes/", created.metadata().name(), "/status"), kProtobuf,
           kProtobuf, *body);
  ASSERT_EQ(reply.status, 200) << DescribeFailure(reply);
  core::Node read = CheckWireParity(node, created.metadata().name());
  EXPECT_EQ(read.status().daemonendpoints().kubeletendpoint().port(), 10250);
}

TEST_F(ApiserverWireTest, QuotaLimitsTemplatesControllers) {
  core::ResourceQuota quota;
  *quota.mutable_metadata() = Meta("quota");
  (*quota.mutable_spec()->mutable_hard())["pods"].set_string("10");
  (*quota.mutable_spec()->mutable_hard())["requests.cpu"].set_string("4");
  core::ScopedResourceSelectorRequirement* scope =
      quota.mutable_spec()->mutable_scopeselector()->add_matchexpressions();
  scope->set_scopename("PriorityClass");
  scope->set_operator_("In");
  scope->add_values("high");
  RoundTrip(quota);

  core::LimitRange limits;
  *limits.mutable_metadata() = Meta("limits");
  core::LimitRangeItem* item = limits.mutable_spec()->add_limits();
  item->set_type("Container");
  (*item->mutable_default_())["cpu"].set_string("500m");
  (*item->mutable_defaultrequest())["cpu"].set_string("100m");
  (*item->mutable_max())["memory"].set_string("1Gi");
  RoundTrip(limits);

  core::Pod pod = testing::RichPod("", "");
  core::PodTemplate tmpl;
  *tmpl.mutable_metadata() = Meta("template");
  *tmpl.mutable_template_()->mutable_spec() = pod.spec();
  tmpl.mutable_template_()->mutable_spec()->clear_activedeadlineseconds();
  (*tmpl.mutable_template_()->mutable_metadata()->mutable_labels())["app"] = "rich";
  RoundTrip(tmpl);

  core::ReplicationController rc;
  *rc.mutable_metadata() = Meta("legacy");
  rc.mutable_spec()->set_replicas(0);
  (*rc.mutable_spec()->mutable_selector())["app"] = "rich";
  *rc.mutable_spec()->mutable_template_()->mutable_spec() = pod.spec();
  rc.mutable_spec()->mutable_template_()->mutable_spec()->clear_schedulinggates();
  rc.mutable_spec()->mutable_template_()->mutable_spec()->clear_activedeadlineseconds();
  (*rc.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels())["app"] = "rich";
  RoundTrip(rc);
}

TEST_F(ApiserverWireTest, ControllerRevisionKeepsEmbeddedJson) {
  apps::ControllerRevision revision;
  *revision.mutable_metadata() = Meta("web-1");
  revision.set_revision(1);
  revision.mutable_data()->set_raw(
      R"({"spec":{"template":{"metadata":{"labels":{"app":"rich"}},"replicas":3}}})");
  apps::ControllerRevision read = RoundTrip(revision);
  EXPECT_EQ(read.data().raw(), revision.data().raw());
}

// ---- Discovery and metadata-only reads ------------------------------------------------------

TEST_F(ApiserverWireTest, DiscoveryDocumentsInBothFormats) {
  for (const char* path : {"/api", "/apis", "/api/v1", "/apis/apps/v1"}) {
    HttpsReply proto_reply = Call("GET", path, kProtobuf, "", "");
    ASSERT_EQ(proto_reply.status, 200) << path;
    absl::StatusOr<DecodedObject> decoded = protobuf_.Decode(proto_reply.body);
    ASSERT_TRUE(decoded.ok()) << path << ": " << decoded.status();
    EXPECT_THAT(testing::FindUnknownFields(*decoded->message), ::testing::IsEmpty()) << path;

    HttpsReply json_reply = Call("GET", path, kJson, "", "");
    ASSERT_EQ(json_reply.status, 200) << path;
    std::unique_ptr<Message> from_json(decoded->message->New());
    absl::Status status = json_.DecodeInto(json_reply.body, from_json.get());
    ASSERT_TRUE(status.ok()) << path << ": " << status;
    std::unique_ptr<Message> from_proto(decoded->message->New());
    from_proto->CopyFrom(*decoded->message);
    testing::ClearZeroNumbers(from_proto.get());
    testing::ClearZeroNumbers(from_json.get());
    EXPECT_TRUE(MessageDifferencer::Equals(*from_proto, *from_json))
        << path << ":\n"
        << Differences(*from_proto, *from_json);

    // The documents' own members, written by kubecpp, are the server's.
    absl::StatusOr<std::string> ours = MessageToJson(*decoded->message);
    ASSERT_TRUE(ours.ok());
    json::value theirs = json::parse(json_reply.body);
    theirs.as_object().erase("kind");
    theirs.as_object().erase("apiVersion");
    std::vector<std::string> diffs;
    JsonDiff(json::parse(*ours), theirs, path, diffs);
    EXPECT_THAT(diffs, ::testing::IsEmpty()) << absl::StrJoin(diffs, "\n");
  }
}

TEST_F(ApiserverWireTest, PartialObjectMetadataListOfNamespaces) {
  HttpsReply reply =
      Call("GET", "/api/v1/namespaces",
           "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
           "", "");
  ASSERT_EQ(reply.status, 200) << reply.body;
  meta::PartialObjectMetadataList list;
  absl::Status status = protobuf_.DecodeInto(reply.body, &list);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(testing::FindUnknownFields(list), ::testing::IsEmpty());
  std::set<std::string> names;
  for (const meta::PartialObjectMetadata& item : list.items()) names.insert(item.metadata().name());
  EXPECT_TRUE(names.count(ns())) << absl::StrJoin(names, ",");
  EXPECT_TRUE(names.count("default"));
}

// ---- Lists and watches ----------------------------------------------------------------------

TEST_F(ApiserverWireTest, ProtobufListsDecodeWithoutUnknownFields) {
  Create(testing::RichPod(ns(), "listed"), kProtobuf);
  core::ConfigMap cm;
  *cm.mutable_metadata() = Meta("listed");
  (*cm.mutable_data())["k"] = "v";
  Create(cm, kProtobuf);

  for (const Message* prototype :
       {static_cast<const Message*>(&core::Pod::default_instance()),
        static_cast<const Message*>(&core::ConfigMap::default_instance())}) {
    HttpsReply reply = Call("GET", Collection(*prototype), kProtobuf, "", "");
    ASSERT_EQ(reply.status, 200) << reply.body;
    absl::StatusOr<DecodedObject> list = protobuf_.Decode(reply.body);
    ASSERT_TRUE(list.ok()) << list.status();
    EXPECT_TRUE(list->kind->is_list());
    EXPECT_EQ(list->kind->item_kind, prototype->GetDescriptor()->name());
    EXPECT_THAT(testing::FindUnknownFields(*list->message), ::testing::IsEmpty());
    const google::protobuf::FieldDescriptor* items =
        list->message->GetDescriptor()->FindFieldByName("items");
    EXPECT_GE(list->message->GetReflection()->FieldSize(*list->message, items), 1);

    // The JSON list reads to the same message.
    HttpsReply json_reply = Call("GET", Collection(*prototype), kJson, "", "");
    ASSERT_EQ(json_reply.status, 200);
    std::unique_ptr<Message> from_json(list->message->New());
    ASSERT_TRUE(json_.DecodeInto(json_reply.body, from_json.get()).ok());
    std::unique_ptr<Message> from_proto(list->message->New());
    from_proto->CopyFrom(*list->message);
    testing::ClearZeroNumbers(from_proto.get());
    testing::ClearZeroNumbers(from_json.get());
    // The list's own resourceVersion is the store's current revision, which other tests running
    // beside this one move between the two LISTs; the items' versions still have to agree.
    for (Message* m : {from_proto.get(), from_json.get()}) {
      Message* meta =
          m->GetReflection()->MutableMessage(m, m->GetDescriptor()->FindFieldByName("metadata"));
      meta->GetReflection()->ClearField(meta,
                                        meta->GetDescriptor()->FindFieldByName("resourceVersion"));
    }
    EXPECT_TRUE(MessageDifferencer::Equals(*from_proto, *from_json))
        << Differences(*from_proto, *from_json);
  }
}

TEST_F(ApiserverWireTest, ProtobufWatchStreamFramesDecode) {
  core::ConfigMap cm;
  *cm.mutable_metadata() = Meta("watched");
  (*cm.mutable_data())["k"] = "v";
  Create(cm, kProtobuf);

  absl::Time start = absl::Now();
  HttpsReply reply = Call("GET", absl::StrCat(Collection(cm), "?watch=1&timeoutSeconds=2"),
                          kProtobufWatchContentType, "", "");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_THAT(reply.content_type, ::testing::HasSubstr("stream=watch"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));

  // Frames: a 4-byte big-endian length, then a raw meta/v1 WatchEvent.
  absl::string_view stream = reply.body;
  std::set<std::string> names;
  int frames = 0;
  while (!stream.empty()) {
    ASSERT_GE(stream.size(), 4u);
    uint32_t length = (uint32_t{static_cast<unsigned char>(stream[0])} << 24) |
                      (uint32_t{static_cast<unsigned char>(stream[1])} << 16) |
                      (uint32_t{static_cast<unsigned char>(stream[2])} << 8) |
                      uint32_t{static_cast<unsigned char>(stream[3])};
    ASSERT_LE(length, stream.size() - 4);
    absl::StatusOr<DecodedWatchEvent> event = protobuf_.DecodeWatchEvent(stream.substr(4, length));
    ASSERT_TRUE(event.ok()) << event.status();
    stream.remove_prefix(4 + length);
    ++frames;
    EXPECT_EQ(event->type, WatchEventType::kAdded);
    auto* object = dynamic_cast<core::ConfigMap*>(event->object.message.get());
    ASSERT_NE(object, nullptr) << event->object.kind->kind;
    EXPECT_THAT(testing::FindUnknownFields(*object), ::testing::IsEmpty());
    names.insert(object->metadata().name());
  }
  EXPECT_GE(frames, 1);
  EXPECT_TRUE(names.count("watched")) << absl::StrJoin(names, ",");
}

// ---- Errors ---------------------------------------------------------------------------------

TEST_F(ApiserverWireTest, NotFoundStatusDecodesInBothFormats) {
  std::string path = absl::StrCat(Collection(core::Pod::default_instance()), "/no-such-pod");
  HttpsReply proto_reply = Call("GET", path, kProtobuf, "", "");
  ASSERT_EQ(proto_reply.status, 404);
  absl::StatusOr<DecodedObject> decoded = protobuf_.Decode(proto_reply.body);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(decoded->kind->kind, "Status");
  auto* status = dynamic_cast<meta::Status*>(decoded->message.get());
  ASSERT_NE(status, nullptr);
  EXPECT_THAT(testing::FindUnknownFields(*status), ::testing::IsEmpty());
  EXPECT_EQ(status->reason(), "NotFound");
  EXPECT_EQ(status->code(), 404);
  EXPECT_EQ(status->details().kind(), "pods");

  HttpsReply json_reply = Call("GET", path, kJson, "", "");
  absl::StatusOr<DecodedObject> from_json = json_.Decode(json_reply.body);
  ASSERT_TRUE(from_json.ok()) << from_json.status();
  meta::Status a = *status;
  meta::Status b = dynamic_cast<meta::Status&>(*from_json->message);
  testing::ClearZeroScalars(&a);
  testing::ClearZeroScalars(&b);
  EXPECT_TRUE(MessageDifferencer::Equals(a, b)) << Differences(a, b);

  // Decoding a Status body as a Pod names both kinds.
  core::Pod pod;
  absl::Status wrong = protobuf_.DecodeInto(proto_reply.body, &pod);
  EXPECT_EQ(wrong.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(wrong.message()), ::testing::HasSubstr("Status"));
}

// ---- Unknown fields -------------------------------------------------------------------------

// OlderDescriptorPool rebuilds the .proto files of Pod with one field removed, as an older
// kubecpp would have them.
class OlderPodSchema {
 public:
  OlderPodSchema(absl::string_view message_name, absl::string_view dropped_field) {
    std::vector<const google::protobuf::FileDescriptor*> order;
    std::set<const google::protobuf::FileDescriptor*> seen;
    Collect(core::Pod::descriptor()->file(), seen, order);
    for (const google::protobuf::FileDescriptor* file : order) {
      google::protobuf::FileDescriptorProto proto;
      file->CopyTo(&proto);
      for (auto& message : *proto.mutable_message_type()) {
        if (message.name() != message_name) continue;
        auto* fields = message.mutable_field();
        for (int i = 0; i < fields->size(); ++i) {
          if (fields->Get(i).name() == dropped_field) {
            fields->DeleteSubrange(i, 1);
            dropped_ = true;
            break;
          }
        }
      }
      EXPECT_NE(pool_.BuildFile(proto), nullptr) << file->name();
    }
    pod_ = pool_.FindMessageTypeByName("kube.api.core.v1.Pod");
  }

  bool dropped() const { return dropped_; }
  std::unique_ptr<Message> NewPod() {
    return std::unique_ptr<Message>(factory_.GetPrototype(pod_)->New());
  }

 private:
  static void Collect(const google::protobuf::FileDescriptor* file,
                      std::set<const google::protobuf::FileDescriptor*>& seen,
                      std::vector<const google::protobuf::FileDescriptor*>& order) {
    if (!seen.insert(file).second) return;
    for (int i = 0; i < file->dependency_count(); ++i) Collect(file->dependency(i), seen, order);
    order.push_back(file);
  }

  google::protobuf::DescriptorPool pool_;
  google::protobuf::DynamicMessageFactory factory_{&pool_};
  const google::protobuf::Descriptor* pod_ = nullptr;
  bool dropped_ = false;
};

TEST_F(ApiserverWireTest, FieldsUnknownToKubecppSurviveAProtobufGetModifyUpdate) {
  Create(testing::RichPod(ns(), "survivor"), kProtobuf);
  std::string path = absl::StrCat(Collection(core::Pod::default_instance()), "/survivor");

  // An older kubecpp, whose PodSpec has no "hostname".
  OlderPodSchema older("PodSpec", "hostname");
  ASSERT_TRUE(older.dropped());
  HttpsReply got = Call("GET", path, kProtobuf, "", "");
  ASSERT_EQ(got.status, 200);
  absl::StatusOr<ProtobufEnvelope> envelope = UnwrapProtobuf(got.body);
  ASSERT_TRUE(envelope.ok());
  std::unique_ptr<Message> pod = older.NewPod();
  ASSERT_TRUE(pod->ParseFromString(envelope->raw));
  EXPECT_THAT(testing::FindUnknownFields(*pod), ::testing::Not(::testing::IsEmpty()));

  // Modify a field the older schema knows: add a label, through reflection.
  const auto* metadata_field = pod->GetDescriptor()->FindFieldByName("metadata");
  Message* metadata = pod->GetReflection()->MutableMessage(pod.get(), metadata_field);
  const auto* labels = metadata->GetDescriptor()->FindFieldByName("labels");
  Message* entry = metadata->GetReflection()->AddMessage(metadata, labels);
  entry->GetReflection()->SetString(entry, entry->GetDescriptor()->FindFieldByName("key"),
                                    "updated");
  entry->GetReflection()->SetString(entry, entry->GetDescriptor()->FindFieldByName("value"), "yes");

  std::string body = WrapProtobuf(envelope->api_version, envelope->kind, pod->SerializeAsString());
  HttpsReply put = Call("PUT", path, kProtobuf, kProtobuf, body);
  ASSERT_EQ(put.status, 200) << DescribeFailure(put);

  core::Pod after;
  HttpsReply reread = Call("GET", path, kProtobuf, "", "");
  ASSERT_TRUE(protobuf_.DecodeInto(reread.body, &after).ok());
  EXPECT_EQ(after.metadata().labels().at("updated"), "yes");
  EXPECT_EQ(after.spec().hostname(), "rich");  // kept although the older schema dropped it
}

TEST_F(ApiserverWireTest, AppendedUnknownFieldSurvivesDecodeEncode) {
  Create(testing::RichPod(ns(), "appended"), kProtobuf);
  HttpsReply got = Call("GET", absl::StrCat(Collection(core::Pod::default_instance()), "/appended"),
                        kProtobuf, "", "");
  ASSERT_EQ(got.status, 200);
  absl::StatusOr<ProtobufEnvelope> envelope = UnwrapProtobuf(got.body);
  ASSERT_TRUE(envelope.ok());
  // A field from the future: number 9999, length-delimited, appended to the server's bytes.
  google::protobuf::UnknownFieldSet future;
  future.AddLengthDelimited(9999, "future");
  std::string suffix;
  ASSERT_TRUE(future.SerializeToString(&suffix));
  std::string raw = envelope->raw + suffix;
  core::Pod pod;
  ASSERT_TRUE(protobuf_.DecodeInto(WrapProtobuf("v1", "Pod", raw), &pod).ok());
  ASSERT_EQ(pod.GetReflection()->GetUnknownFields(pod).field_count(), 1);
  absl::StatusOr<std::string> encoded = protobuf_.Encode(pod);
  ASSERT_TRUE(encoded.ok());
  absl::StatusOr<ProtobufEnvelope> again = UnwrapProtobuf(*encoded);
  ASSERT_TRUE(again.ok());
  core::Pod reparsed;
  ASSERT_TRUE(reparsed.ParseFromString(again->raw));
  const google::protobuf::UnknownFieldSet& unknown =
      reparsed.GetReflection()->GetUnknownFields(reparsed);
  ASSERT_EQ(unknown.field_count(), 1);
  EXPECT_EQ(unknown.field(0).number(), 9999);
  EXPECT_EQ(unknown.field(0).length_delimited(), "future");
}

}  // namespace
}  // namespace kube::api
