// ObjectTraits over generated messages: views into the message itself, and the cache templates
// (Indexer, Lister) work with real kinds.
#include "informers/proto_object_traits.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/meta/labels.h"
#include "gtest/gtest.h"
#include "indexers/builtin_indexes.h"
#include "indexers/index_registry.h"
#include "indexers/indexer.h"
#include "indexers/lister.h"

namespace kube::informers {
namespace {

using api::core::v1::ConfigMap;
using api::core::v1::Pod;
using Traits = indexers::ObjectTraits<ConfigMap>;

static_assert(indexers::KubeObject<ConfigMap>);
static_assert(indexers::KubeObject<Pod>);
static_assert(indexers::KubeObject<api::meta::v1::PartialObjectMetadata>);
// Lists carry a ListMeta, not an ObjectMeta: they are not cacheable objects.
static_assert(!ProtoKubeObject<api::core::v1::ConfigMapList>);

ConfigMap MakeConfigMap() {
  ConfigMap cm;
  auto* m = cm.mutable_metadata();
  m->set_namespace_("ns1");
  m->set_name("cm1");
  m->set_resourceversion("42");
  (*m->mutable_labels())["app"] = "web";
  (*m->mutable_annotations())["k8s.io/initial-events-end"] = "true";
  return cm;
}

TEST(ProtoObjectTraitsTest, ReadsMetadataAsViewsIntoTheMessage) {
  ConfigMap cm = MakeConfigMap();
  EXPECT_EQ(Traits::Namespace(cm), "ns1");
  EXPECT_EQ(Traits::Name(cm), "cm1");
  EXPECT_EQ(Traits::ResourceVersion(cm), "42");
  EXPECT_EQ(Traits::Name(cm).data(), cm.metadata().name().data());
  meta::LabelView labels = Traits::Labels(cm);
  ASSERT_TRUE(labels.Get("app").has_value());
  EXPECT_EQ(*labels.Get("app"), "web");
  EXPECT_EQ(labels.Get("app")->data(), cm.metadata().labels().at("app").data());  // no copy
  EXPECT_FALSE(labels.Get("tier").has_value());
  EXPECT_EQ(Traits::Annotation(cm, "k8s.io/initial-events-end"), "true");
  EXPECT_FALSE(Traits::Annotation(cm, "other").has_value());
  EXPECT_EQ(indexers::KeyOf(cm).String(), "ns1/cm1");
}

TEST(ProtoObjectTraitsTest, PartialObjectMetadataReadsTheSameFields) {
  api::meta::v1::PartialObjectMetadata p;
  p.mutable_metadata()->set_name("node-a");
  p.mutable_metadata()->set_resourceversion("7");
  using P = indexers::ObjectTraits<api::meta::v1::PartialObjectMetadata>;
  EXPECT_EQ(P::Namespace(p), "");
  EXPECT_EQ(P::Name(p), "node-a");
  EXPECT_EQ(P::ResourceVersion(p), "7");
  EXPECT_EQ(indexers::KeyOf(p).String(), "node-a");
}

TEST(ProtoObjectTraitsTest, IndexerAndListerServeGeneratedMessages) {
  indexers::Indexer<ConfigMap> indexer;
  auto a = std::make_shared<ConfigMap>(MakeConfigMap());
  auto b = std::make_shared<ConfigMap>(MakeConfigMap());
  b->mutable_metadata()->set_name("cm2");
  (*b->mutable_metadata()->mutable_labels())["app"] = "db";
  indexer.Upsert(a);
  indexer.Upsert(b);
  indexers::Lister<ConfigMap> lister(&indexer);
  auto selector = meta::LabelSelector::Parse("app=db");
  ASSERT_TRUE(selector.ok());
  auto listed = lister.List(*selector);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].get(), b.get());  // the stored object itself
}

static_assert(indexers::HasOwnerUids<Pod>);
static_assert(indexers::HasOwnerUids<api::meta::v1::PartialObjectMetadata>);

std::shared_ptr<const Pod> OwnedPod(const std::string& name, std::vector<std::string> owners) {
  auto pod = std::make_shared<Pod>();
  pod->mutable_metadata()->set_namespace_("ns1");
  pod->mutable_metadata()->set_name(name);
  for (const std::string& uid : owners) {
    auto* ref = pod->mutable_metadata()->add_ownerreferences();
    ref->set_kind("ReplicaSet");
    ref->set_name("rs-" + uid);
    ref->set_uid(uid);
  }
  return pod;
}

std::vector<std::string> Names(const std::vector<indexers::ObjectPtr<Pod>>& pods) {
  std::vector<std::string> names;
  for (const auto& p : pods) names.push_back(p->metadata().name());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ProtoObjectTraitsTest, OwnerUidsListsEveryOwnerReferenceUid) {
  auto pod = OwnedPod("p", {"uid-a", "uid-b"});
  std::vector<absl::string_view> uids = indexers::ObjectTraits<Pod>::OwnerUids(*pod);
  ASSERT_EQ(uids.size(), 2u);
  EXPECT_EQ(uids[0], "uid-a");
  EXPECT_EQ(uids[1], "uid-b");
  EXPECT_EQ(uids[0].data(), pod->metadata().ownerreferences(0).uid().data());  // no copy
  EXPECT_TRUE(indexers::ObjectTraits<Pod>::OwnerUids(*OwnedPod("q", {})).empty());
}

// The builtin owner index, registered by AddBuiltinIndexes through the explicit builder, answers
// ByIndex for protobuf Pods, and follows updates and deletes.
TEST(ProtoObjectTraitsTest, BuiltinOwnerUidIndexServesPods) {
  indexers::IndexRegistry<Pod>::Builder builder;
  ASSERT_TRUE(indexers::AddBuiltinIndexes<Pod>(builder, {}).ok());
  indexers::IndexRegistry<Pod> registry = std::move(builder).Build();
  auto selected = registry.Select({std::string(indexers::kOwnerUidIndex)});
  ASSERT_TRUE(selected.ok()) << selected.status();
  indexers::Indexer<Pod> indexer;
  ASSERT_TRUE(indexer.AddIndexers(*std::move(selected)).ok());

  indexer.Upsert(OwnedPod("a1", {"rs-1"}));
  indexer.Upsert(OwnedPod("a2", {"rs-1"}));
  indexer.Upsert(OwnedPod("b1", {"rs-2", "rs-1", "rs-2"}));  // duplicates filed once
  indexer.Upsert(OwnedPod("orphan", {}));

  auto rs1 = indexer.ByIndex(indexers::kOwnerUidIndex, "rs-1");
  ASSERT_TRUE(rs1.ok()) << rs1.status();
  EXPECT_EQ(Names(*rs1), (std::vector<std::string>{"a1", "a2", "b1"}));
  auto rs2 = indexer.ByIndex(indexers::kOwnerUidIndex, "rs-2");
  ASSERT_TRUE(rs2.ok());
  EXPECT_EQ(Names(*rs2), (std::vector<std::string>{"b1"}));
  EXPECT_EQ(*indexer.IndexSize(indexers::kOwnerUidIndex, "rs-2"), 1u);
  EXPECT_TRUE(indexer.ByIndex(indexers::kOwnerUidIndex, "nope")->empty());

  indexer.Upsert(OwnedPod("a2", {"rs-3"}));  // adopted by another owner
  EXPECT_EQ(Names(*indexer.ByIndex(indexers::kOwnerUidIndex, "rs-1")),
            (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(Names(*indexer.ByIndex(indexers::kOwnerUidIndex, "rs-3")),
            (std::vector<std::string>{"a2"}));
  indexer.Delete(meta::ObjectKeyRef{"ns1", "b1"});
  EXPECT_TRUE(indexer.ByIndex(indexers::kOwnerUidIndex, "rs-2")->empty());
}

// The metadata-only informer's type gets the same index.
TEST(ProtoObjectTraitsTest, BuiltinOwnerUidIndexServesPartialObjectMetadata) {
  using P = api::meta::v1::PartialObjectMetadata;
  indexers::IndexRegistry<P>::Builder builder;
  ASSERT_TRUE(indexers::AddBuiltinIndexes<P>(builder, {}).ok());
  auto selected = std::move(builder).Build().Select({std::string(indexers::kOwnerUidIndex)});
  ASSERT_TRUE(selected.ok());
  indexers::Indexer<P> indexer;
  ASSERT_TRUE(indexer.AddIndexers(*std::move(selected)).ok());
  auto p = std::make_shared<P>();
  p->mutable_metadata()->set_name("cm");
  p->mutable_metadata()->add_ownerreferences()->set_uid("owner-9");
  indexer.Upsert(p);
  auto found = indexer.ByIndex(indexers::kOwnerUidIndex, "owner-9");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0]->metadata().name(), "cm");
}

}  // namespace
}  // namespace kube::informers
