#include "client/api/registry.h"

#include "client/api/apps/v1/apps.pb.h"
#include "client/api/builtin_kinds.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/meta/v1/status.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::api {
namespace {

namespace core = ::kube::api::core::v1;

TEST(RegistryTest, BuiltinKindsResolveEveryWay) {
  const Registry& registry = DefaultRegistry();
  const KindInfo* pod = registry.FindByKind("v1", "Pod");
  ASSERT_NE(pod, nullptr);
  EXPECT_EQ(pod->descriptor, core::Pod::descriptor());
  EXPECT_EQ(pod->prototype, &core::Pod::default_instance());
  EXPECT_EQ(pod->resource, "pods");
  EXPECT_TRUE(pod->namespaced);
  EXPECT_EQ(pod->list_kind, "PodList");
  EXPECT_FALSE(pod->is_list());
  EXPECT_EQ(registry.FindByMessage(core::Pod::descriptor()), pod);
  EXPECT_EQ(registry.FindByResource("", "v1", "pods"), pod);
  EXPECT_EQ(registry.FindByGroupVersionKind("", "v1", "Pod"), pod);

  const KindInfo* list = registry.FindByKind("v1", "PodList");
  ASSERT_NE(list, nullptr);
  EXPECT_TRUE(list->is_list());
  EXPECT_EQ(list->item_kind, "Pod");
  EXPECT_EQ(list->descriptor, core::PodList::descriptor());

  const KindInfo* deployment = registry.FindByResource("apps", "v1", "deployments");
  ASSERT_NE(deployment, nullptr);
  EXPECT_EQ(deployment->api_version, "apps/v1");
  EXPECT_EQ(deployment->kind, "Deployment");

  const KindInfo* ns = registry.FindByKind("v1", "Namespace");
  ASSERT_NE(ns, nullptr);
  EXPECT_FALSE(ns->namespaced);

  // Status is written as v1, and also read as meta.k8s.io/v1.
  EXPECT_EQ(registry.FindByMessage(meta::v1::Status::descriptor())->api_version, "v1");
  EXPECT_NE(registry.FindByKind("meta.k8s.io/v1", "Status"), nullptr);

  EXPECT_EQ(registry.FindByKind("v1", "Deployment"), nullptr);
  EXPECT_EQ(registry.FindByKind("apps/v2", "Deployment"), nullptr);
  EXPECT_EQ(registry.FindByResource("", "v1", "deployments"), nullptr);
}

TEST(RegistryTest, EveryBuiltinResourceHasItsList) {
  for (const KindInfo* kind : DefaultRegistry().kinds()) {
    if (kind->resource.empty()) continue;
    const KindInfo* list = DefaultRegistry().FindByKind(kind->api_version, kind->list_kind);
    ASSERT_NE(list, nullptr) << kind->kind;
    EXPECT_EQ(list->item_kind, kind->kind);
    // A list's items field holds the kind's message.
    const google::protobuf::FieldDescriptor* items = list->descriptor->FindFieldByName("items");
    ASSERT_NE(items, nullptr) << list->kind;
    EXPECT_EQ(items->message_type(), kind->descriptor) << list->kind;
  }
}

TEST(RegistryTest, DuplicatesAreErrors) {
  Registry::Builder builder;
  builder.AddKind("", "v1", "Pod", core::Pod::default_instance())
      .AddKind("", "v1", "Pod", core::Pod::default_instance());
  absl::StatusOr<Registry> registry = std::move(builder).Build();
  EXPECT_EQ(registry.status().code(), absl::StatusCode::kAlreadyExists);

  Registry::Builder resources;
  resources.AddResource({"", "v1", "pods", ResourceScope::kNamespaced,
                         &core::Pod::default_instance(), &core::PodList::default_instance()});
  resources.AddResource({"", "v1", "pods", ResourceScope::kNamespaced,
                         &core::ConfigMap::default_instance(),
                         &core::ConfigMapList::default_instance()});
  EXPECT_EQ(std::move(resources).Build().status().code(), absl::StatusCode::kAlreadyExists);
}

TEST(RegistryTest, IncompleteResourcesAreErrors) {
  Registry::Builder builder;
  builder.AddResource({"", "v1", "pods", ResourceScope::kNamespaced, nullptr, nullptr});
  EXPECT_EQ(std::move(builder).Build().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RegistryTest, ACustomRegistryExtendsTheBuiltins) {
  Registry::Builder builder;
  AddBuiltinKinds(builder);
  builder.AddKind("example.com", "v1", "Widget", core::ConfigMap::default_instance());
  absl::StatusOr<Registry> registry = std::move(builder).Build();
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_NE(registry->FindByKind("example.com/v1", "Widget"), nullptr);
  // ConfigMap keeps its first registration for writing.
  EXPECT_EQ(registry->FindByMessage(core::ConfigMap::descriptor())->kind, "ConfigMap");
  // Moving the registry keeps its entries valid.
  const KindInfo* before = registry->FindByKind("v1", "Pod");
  Registry moved = *std::move(registry);
  EXPECT_EQ(moved.FindByKind("v1", "Pod"), before);
}

}  // namespace
}  // namespace kube::api
