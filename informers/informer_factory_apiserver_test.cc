// Issue 6 acceptance against the real apiserver: the cache pollution scenario (one factory, two
// consumers of Pods with different transforms and namespaces each see exactly their own view),
// and metadata-only informers (meta.k8s.io/v1 PartialObjectMetadata over the
// `as=PartialObjectMetadata` Accept parameters, protobuf and JSON, for a resource kubecpp has a
// type for and for one it has not).
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json.hpp"
#include "client/api/builtin_kinds.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/api/protobuf_codec.h"
#include "client/rest/rest_client.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "informers/factory.h"
#include "informers/rest_lister_watcher.h"
#include "informers/testing/live_cluster.h"
#include "tools/testenv/testenv.h"

namespace kube::informers {
namespace {

using api::core::v1::Pod;
using api::meta::v1::PartialObjectMetadata;
using google::protobuf::util::MessageDifferencer;

constexpr int kPodsPerNamespace = 6;

// Strips what a memory-conscious consumer does not want: managedFields and annotations.
Transform<Pod> StripManagedFieldsAndAnnotations() {
  return {"test:strip-managed-fields-and-annotations", [](indexers::ObjectPtr<Pod> pod) {
            auto copy = std::make_shared<Pod>(*pod);
            copy->mutable_metadata()->clear_managedfields();
            copy->mutable_metadata()->clear_annotations();
            return indexers::ObjectPtr<Pod>(std::move(copy));
          }};
}

class InformerFactoryApiserverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testenv::Environment> env = testenv::Load();
    ASSERT_TRUE(env.ok()) << env.status().message();
    absl::StatusOr<testing::LiveCluster> cluster = testing::LiveCluster::Connect(*env);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = std::make_unique<testing::LiveCluster>(*std::move(cluster));
    for (std::string* ns : {&ns_a_, &ns_b_}) {
      absl::StatusOr<std::string> created = cluster_->CreateNamespace("kubecpp-factory-");
      ASSERT_TRUE(created.ok()) << created.status();
      *ns = *created;
      for (int i = 0; i < kPodsPerNamespace; ++i) {
        ASSERT_TRUE(cluster_
                        ->CreatePod(*ns, absl::StrCat("p", i), R"({"app":"factory"})",
                                    R"({"owner":"team-x","note":"large annotation"})")
                        .ok());
      }
    }
  }
  void TearDown() override {
    if (cluster_ == nullptr) return;
    for (const std::string& ns : {ns_a_, ns_b_}) {
      if (!ns.empty()) (void)cluster_->DeleteNamespaceAndPods(ns);
    }
  }

  static absl::Time Deadline() { return absl::Now() + absl::Seconds(30); }

  std::unique_ptr<testing::LiveCluster> cluster_;
  std::string ns_a_, ns_b_;
};

TEST_F(InformerFactoryApiserverTest, ConsumersWithDifferentTransformsAndNamespacesSeeOwnViews) {
  InformerFactory<Pod> factory(RestListerWatcherMaker<Pod>(cluster_->client(), {}), {});
  // Consumer 1: only namespace A, stripped. Consumer 2 (and 3, identical): every namespace, whole.
  InformerConfig<Pod> stripped{
      .resource = "pods", .ns = ns_a_, .transforms = {StripManagedFieldsAndAnnotations()}};
  InformerConfig<Pod> whole{.resource = "pods"};
  auto c1 = factory.Acquire(stripped);
  auto c2 = factory.Acquire(whole);
  auto c3 = factory.Acquire(whole);
  ASSERT_TRUE(c1.ok() && c2.ok() && c3.ok());
  EXPECT_NE(c1->informer_id(), c2->informer_id());
  EXPECT_EQ(c2->informer_id(), c3->informer_id());
  EXPECT_EQ(&c2->GetIndexer(), &c3->GetIndexer());
  EXPECT_EQ(factory.Size(), 2u);
  ASSERT_TRUE(c1->WaitForCacheSync(Deadline()));
  ASSERT_TRUE(c2->WaitForCacheSync(Deadline()));

  // Each view against a fresh LIST: consumer 1 holds exactly namespace A, consumer 2 holds A and
  // B (and whatever else the shared control plane holds).
  auto check_views = [&](absl::string_view when) {
    absl::StatusOr<testing::KeyVersions> truth_a = cluster_->ListPods(ns_a_);
    absl::StatusOr<testing::KeyVersions> truth_b = cluster_->ListPods(ns_b_);
    ASSERT_TRUE(truth_a.ok() && truth_b.ok());
    ASSERT_TRUE(testing::WaitUntil(
        absl::Seconds(30), [&] { return testing::CacheVersions(c1->GetIndexer()) == *truth_a; }))
        << when << "\n"
        << testing::DiffKeyVersions(*truth_a, testing::CacheVersions(c1->GetIndexer()));
    ASSERT_TRUE(testing::WaitUntil(absl::Seconds(30), [&] {
      testing::KeyVersions all = testing::CacheVersions(c2->GetIndexer());
      for (const auto* truth : {&*truth_a, &*truth_b}) {
        for (const auto& [key, rv] : *truth) {
          auto it = all.find(key);
          if (it == all.end() || it->second != rv) return false;
        }
      }
      return true;
    })) << when;
    auto in_b = c2->GetIndexer().ByIndex(indexers::kNamespaceIndex, ns_b_);
    ASSERT_TRUE(in_b.ok());
    EXPECT_EQ(in_b->size(), truth_b->size()) << when;
    auto b_in_c1 = c1->GetIndexer().ByIndex(indexers::kNamespaceIndex, ns_b_);
    ASSERT_TRUE(b_in_c1.ok());
    EXPECT_TRUE(b_in_c1->empty()) << when << ": namespace B leaked into the restricted cache";

    // Field by field: consumer 1's object is consumer 2's with exactly the two fields cleared.
    for (const indexers::ObjectPtr<Pod>& mine : c1->GetIndexer().List()) {
      EXPECT_EQ(mine->metadata().namespace_(), ns_a_);
      EXPECT_EQ(mine->metadata().managedfields_size(), 0);
      EXPECT_TRUE(mine->metadata().annotations().empty());
      EXPECT_EQ(mine->metadata().labels().at("app"), "factory");
      auto theirs = c2->GetLister().Get(ns_a_, mine->metadata().name());
      ASSERT_TRUE(theirs.ok()) << theirs.status();
      EXPECT_NE(mine.get(), theirs->get());
      EXPECT_GT((*theirs)->metadata().managedfields_size(), 0) << "the whole view was stripped";
      EXPECT_TRUE((*theirs)->metadata().annotations().contains("owner"));
      Pod expected = **theirs;
      expected.mutable_metadata()->clear_managedfields();
      expected.mutable_metadata()->clear_annotations();
      std::string diff;
      MessageDifferencer differ;
      differ.ReportDifferencesToString(&diff);
      EXPECT_TRUE(differ.Compare(expected, *mine)) << when << ": " << diff;
    }
  };
  check_views("after sync");

  // Live changes: an annotation edit in A, a new pod in B, a deletion in A.
  ASSERT_TRUE(
      cluster_->PatchPod(ns_a_, "p0", R"({"metadata":{"annotations":{"owner":"team-y"}}})").ok());
  ASSERT_TRUE(cluster_->CreatePod(ns_b_, "late", R"({"app":"factory"})").ok());
  ASSERT_TRUE(cluster_->DeletePod(ns_a_, "p1").ok());
  check_views("after live changes");
  auto p0 = c2->GetLister().Get(ns_a_, "p0");
  ASSERT_TRUE(p0.ok());
  EXPECT_EQ((*p0)->metadata().annotations().at("owner"), "team-y");
  EXPECT_TRUE(c2->GetLister().Get(ns_b_, "late").ok());
  EXPECT_FALSE(c1->GetLister().Get(ns_b_, "late").ok());
  EXPECT_FALSE(c1->GetLister().Get(ns_a_, "p1").ok());

  c1->Release();
  c2->Release();
  EXPECT_EQ(factory.Size(), 1u);  // c3 still holds the whole view
  c3->Release();
  EXPECT_EQ(factory.Size(), 0u);
}

// The server really converts: a raw LIST with the metadata Accept answers a protobuf envelope of
// kind meta.k8s.io/v1 PartialObjectMetadataList.
TEST_F(InformerFactoryApiserverTest, ServerAnswersPartialObjectMetadataList) {
  absl::StatusOr<rest::Result> r =
      cluster_->client()
          ->Get()
          .Namespace(ns_a_)
          .Resource("pods")
          .Accept(
              "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;"
              "g=meta.k8s.io;v=v1")
          .Do();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(absl::StartsWith(r->content_type, "application/vnd.kubernetes.protobuf"))
      << r->content_type;
  api::ProtobufCodec codec(api::DefaultRegistry());
  absl::StatusOr<api::DecodedObject> decoded = codec.Decode(r->body);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->kind->group, "meta.k8s.io");
  EXPECT_EQ(decoded->kind->kind, "PartialObjectMetadataList");
}

struct MetadataMode {
  std::string name;
  WireFormat format;
  bool use_watch_list;
};

class MetadataInformerTest : public InformerFactoryApiserverTest,
                             public ::testing::WithParamInterface<MetadataMode> {};

TEST_P(MetadataInformerTest, MetadataOnlyInformerOfPodsIsSeparateFromTheTypedOne) {
  const MetadataMode& mode = GetParam();
  FactoryOptions options{.use_watch_list = mode.use_watch_list,
                         .watch_error_handler = [](const absl::Status& s) {
                           ADD_FAILURE() << "list/watch error: " << s;
                         }};
  InformerFactory<PartialObjectMetadata> metadata_factory(
      RestListerWatcherMaker<PartialObjectMetadata>(cluster_->client(), {.format = mode.format}),
      options);
  InformerFactory<Pod> typed_factory(RestListerWatcherMaker<Pod>(cluster_->client(), {}), options);
  auto meta = metadata_factory.Acquire({.resource = "pods", .ns = ns_a_});
  auto typed = typed_factory.Acquire({.resource = "pods", .ns = ns_a_});
  ASSERT_TRUE(meta.ok() && typed.ok());
  EXPECT_NE(meta->informer_id(), typed->informer_id());
  testing::LastSeenHandler<PartialObjectMetadata> seen;
  ASSERT_TRUE(meta->AddEventHandler(seen.Handler()).ok());
  ASSERT_TRUE(meta->WaitForCacheSync(Deadline()));
  ASSERT_TRUE(typed->WaitForCacheSync(Deadline()));
  EXPECT_EQ(meta->Stats().reflector.watch_list_fallbacks, 0);

  // Live events through the metadata watch (they fail to decode unless the server converted
  // them: the codec checks the envelope's kind against PartialObjectMetadata).
  ASSERT_TRUE(cluster_->CreatePod(ns_a_, "late", R"({"app":"late"})").ok());
  ASSERT_TRUE(cluster_->PatchPod(ns_a_, "p0", R"({"metadata":{"labels":{"app":"patched"}}})").ok());
  ASSERT_TRUE(cluster_->DeletePod(ns_a_, "p1").ok());
  absl::StatusOr<testing::KeyVersions> truth = cluster_->ListPods(ns_a_);
  ASSERT_TRUE(truth.ok());
  EXPECT_TRUE(testing::WaitUntil(absl::Seconds(30), [&] {
    return testing::CacheVersions(meta->GetIndexer()) == *truth &&
           testing::CacheVersions(typed->GetIndexer()) == *truth && seen.LiveVersions() == *truth;
  })) << testing::DiffKeyVersions(*truth, testing::CacheVersions(meta->GetIndexer()));
  EXPECT_EQ(meta->Stats().reflector.watch_errors, 0);

  auto p0 = meta->GetLister().Get(ns_a_, "p0");
  ASSERT_TRUE(p0.ok()) << p0.status();
  EXPECT_EQ((*p0)->metadata().labels().at("app"), "patched");
  EXPECT_EQ((*p0)->metadata().annotations().at("owner"), "team-x");
  EXPECT_FALSE((*p0)->metadata().uid().empty());
  auto late = meta->GetLister().ListInNamespace(ns_a_, *meta::LabelSelector::Parse("app=late"));
  EXPECT_EQ(late.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, MetadataInformerTest,
    ::testing::Values(MetadataMode{"ProtobufWatchList", WireFormat::kProtobuf, true},
                      MetadataMode{"JsonWatchList", WireFormat::kJson, true},
                      MetadataMode{"ProtobufPagedList", WireFormat::kProtobuf, false},
                      // PartialObjectMetadataList in JSON, decoded as it streams.
                      MetadataMode{"JsonPagedList", WireFormat::kJson, false}),
    [](const ::testing::TestParamInfo<MetadataMode>& info) { return info.param.name; });

// A resource kubecpp has no generated type for: rbac.authorization.k8s.io/v1 clusterroles (the
// apiserver bootstraps dozens). The metadata informer's keys equal the names of a JSON LIST.
TEST_F(InformerFactoryApiserverTest, MetadataOnlyInformerOfAnUntypedResource) {
  auto lw = RestListerWatcher<PartialObjectMetadata>::Create(
      cluster_->client(),
      {.group = "rbac.authorization.k8s.io", .version = "v1", .resource = "clusterroles"});
  ASSERT_TRUE(lw.ok()) << lw.status();
  auto informer = SharedIndexInformer<PartialObjectMetadata>::Create(lw->get(), {});
  ASSERT_TRUE(informer.ok());
  (*informer)->Run();
  ASSERT_TRUE((*informer)->WaitForCacheSync(Deadline()));

  absl::StatusOr<rest::Result> r = cluster_->client()
                                       ->Get()
                                       .GroupVersion("rbac.authorization.k8s.io", "v1")
                                       .Resource("clusterroles")
                                       .Accept("application/json")
                                       .Do();
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(absl::StartsWith(r->content_type, "application/json")) << r->content_type;
  std::set<std::string> names;
  boost::json::value list = boost::json::parse(r->body);
  for (const boost::json::value& item : list.at("items").as_array()) {
    names.insert(std::string(item.at("metadata").at("name").as_string()));
  }
  ASSERT_GT(names.size(), 10u);
  std::set<std::string> cached;
  for (const auto& o : (*informer)->GetIndexer().List()) {
    EXPECT_EQ(o->metadata().namespace_(), "");
    cached.insert(o->metadata().name());
  }
  // Other tests do not create clusterroles, so the two reads agree exactly.
  EXPECT_EQ(cached, names);
  EXPECT_TRUE(cached.contains("cluster-admin"));
  (*informer)->Shutdown();
}

}  // namespace
}  // namespace kube::informers
