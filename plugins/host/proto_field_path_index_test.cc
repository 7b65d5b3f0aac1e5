// FieldPathIndex on generated Pods through the Indexer: values by path, "[*]" over lists,
// updates, CacheQuery::MatchingFields finding it by name, and bad paths refused at construction.
#include "plugins/host/proto_field_path_index.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/meta/v1/meta.pb.h"
#include "gtest/gtest.h"
#include "indexers/cache_query.h"
#include "indexers/index_registry.h"
#include "indexers/indexer.h"
#include "informers/proto_object_traits.h"

namespace kube::plugins {
namespace {

using api::core::v1::Pod;

std::shared_ptr<const Pod> MakePod(const std::string& name, const std::string& node,
                                   std::vector<std::string> images) {
  auto pod = std::make_shared<Pod>();
  pod->mutable_metadata()->set_namespace_("ns1");
  pod->mutable_metadata()->set_name(name);
  (*pod->mutable_metadata()->mutable_labels())["app"] = name.substr(0, 1);
  if (!node.empty()) pod->mutable_spec()->set_nodename(node);
  for (size_t i = 0; i < images.size(); ++i) {
    auto* c = pod->mutable_spec()->add_containers();
    c->set_name("c" + std::to_string(i));
    if (!images[i].empty()) c->set_image(images[i]);
  }
  return pod;
}

std::vector<std::string> Names(const absl::StatusOr<std::vector<indexers::ObjectPtr<Pod>>>& pods) {
  EXPECT_TRUE(pods.ok()) << pods.status();
  std::vector<std::string> names;
  if (!pods.ok()) return names;
  for (const auto& p : *pods) names.push_back(p->metadata().name());
  std::sort(names.begin(), names.end());
  return names;
}

using V = std::vector<std::string>;

class FieldPathIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    indexers::IndexRegistry<Pod>::Builder builder;
    for (const char* path :
         {"spec.nodeName", "spec.containers[*].image", "metadata.labels['app']"}) {
      auto def = FieldPathIndex<Pod>(path);
      ASSERT_TRUE(def.ok()) << path << ": " << def.status();
      ASSERT_TRUE(builder.Add(*std::move(def)).ok());
    }
    registry_ = std::move(builder).Build();
    auto selected = registry_.Select(registry_.Names());
    ASSERT_TRUE(selected.ok());
    ASSERT_TRUE(indexer_.AddIndexers(*std::move(selected)).ok());
    indexer_.Upsert(MakePod("a1", "node-1", {"nginx:1", "envoy:2"}));
    indexer_.Upsert(MakePod("a2", "node-1", {"nginx:1", "nginx:1"}));
    indexer_.Upsert(MakePod("b1", "node-2", {"redis:7", ""}));  // second container: no image
    indexer_.Upsert(MakePod("u1", "", {}));                     // unscheduled, no containers
  }

  indexers::IndexRegistry<Pod> registry_;
  indexers::Indexer<Pod> indexer_;
};

TEST_F(FieldPathIndexTest, NamesAndIdentityCarryThePath) {
  EXPECT_EQ(registry_.Names(), (V{"field:metadata.labels['app']", "field:spec.containers[*].image",
                                  "field:spec.nodeName"}));
  const auto* def = registry_.Find("field:spec.nodeName");
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->identity, "builtin:field-path:kube.api.core.v1.Pod:spec.nodeName");
  EXPECT_NE(registry_.Find("field:spec.containers[*].image")->identity, def->identity);
}

TEST_F(FieldPathIndexTest, ByNodeName) {
  EXPECT_EQ(Names(indexer_.ByIndex("field:spec.nodeName", "node-1")), (V{"a1", "a2"}));
  EXPECT_EQ(Names(indexer_.ByIndex("field:spec.nodeName", "node-2")), (V{"b1"}));
  // Absent field: filed under "", as a field selector reads it.
  EXPECT_EQ(Names(indexer_.ByIndex("field:spec.nodeName", "")), (V{"u1"}));
  indexer_.Upsert(MakePod("u1", "node-2", {}));  // scheduled
  EXPECT_EQ(Names(indexer_.ByIndex("field:spec.nodeName", "node-2")), (V{"b1", "u1"}));
  EXPECT_TRUE(Names(indexer_.ByIndex("field:spec.nodeName", "")).empty());
}

TEST_F(FieldPathIndexTest, EveryListElement) {
  const std::string index = "field:spec.containers[*].image";
  EXPECT_EQ(Names(indexer_.ByIndex(index, "nginx:1")), (V{"a1", "a2"}));
  EXPECT_EQ(Names(indexer_.ByIndex(index, "envoy:2")), (V{"a1"}));
  EXPECT_EQ(Names(indexer_.ByIndex(index, "redis:7")), (V{"b1"}));
  EXPECT_TRUE(Names(indexer_.ByIndex(index, "")).empty());  // missing values are not filed
  auto values = indexer_.ListIndexFuncValues(index);
  ASSERT_TRUE(values.ok());
  std::sort(values->begin(), values->end());
  EXPECT_EQ(*values, (V{"envoy:2", "nginx:1", "redis:7"}));
}

TEST_F(FieldPathIndexTest, MapKeyPathAndMatchingFields) {
  EXPECT_EQ(Names(indexer_.ByIndex("field:metadata.labels['app']", "a")), (V{"a1", "a2"}));
  indexers::CacheQuery<Pod> query(&indexer_);
  indexers::QueryStats stats;
  auto found = query.MatchingFields({{"spec.nodeName", "node-1"}}, std::nullopt, &stats);
  EXPECT_EQ(Names(found), (V{"a1", "a2"}));
  EXPECT_FALSE(stats.scanned());
  EXPECT_EQ(stats.candidates, 2u);
}

TEST(FieldPathIndexErrorsTest, BadPathsAreInvalidArgumentAtConstruction) {
  for (const char* path : {
           "",                       // empty
           "spec..nodeName",         // malformed
           "spec.nodeNam",           // no such field
           "spec.containers",        // a list, not a scalar
           "spec",                   // a message
           "metadata.labels",        // a map
           "spec.nodeName[*]",       // [*] on a scalar
           "metadata.labels[*]",     // [*] on a map
           "spec.containers.image",  // list not indexed
           "spec.containers[*]",     // ends at a message
           "kind",                   // not in protobuf objects
       }) {
    auto def = FieldPathIndex<Pod>(path);
    ASSERT_FALSE(def.ok()) << path;
    EXPECT_EQ(def.status().code(), absl::StatusCode::kInvalidArgument) << path << def.status();
    EXPECT_NE(def.status().message().find("field path"), absl::string_view::npos) << def.status();
  }
  // Metadata-only objects have no spec.
  auto partial = FieldPathIndex<api::meta::v1::PartialObjectMetadata>("spec.nodeName");
  EXPECT_EQ(partial.status().code(), absl::StatusCode::kInvalidArgument) << partial.status();
}

TEST(FieldPathIndexErrorsTest, PartialObjectMetadataOwnerUidsByPath) {
  using P = api::meta::v1::PartialObjectMetadata;
  auto def = FieldPathIndex<P>("metadata.ownerReferences[*].uid");
  ASSERT_TRUE(def.ok()) << def.status();
  P p;
  p.mutable_metadata()->add_ownerreferences()->set_uid("u2");
  p.mutable_metadata()->add_ownerreferences()->set_uid("u1");
  p.mutable_metadata()->add_ownerreferences()->set_uid("u2");
  EXPECT_EQ(def->func(p), (V{"u1", "u2"}));
  // A quoted key may contain "[*]" literally.
  auto quoted = FieldPathIndex<P>("metadata.labels['a[*]']");
  ASSERT_TRUE(quoted.ok()) << quoted.status();
  (*p.mutable_metadata()->mutable_labels())["a[*]"] = "x";
  EXPECT_EQ(quoted->func(p), (V{"x"}));
}

}  // namespace
}  // namespace kube::plugins
