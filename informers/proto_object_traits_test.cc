// ObjectTraits over generated messages: views into the message itself, and the cache templates
// (Indexer, Lister) work with real kinds.
#include "informers/proto_object_traits.h"

#include <memory>

#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/meta/labels.h"
#include "gtest/gtest.h"
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

}  // namespace
}  // namespace kube::informers
