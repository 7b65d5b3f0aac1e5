// Plugins scoped per informer against the real kube-apiserver: two informers on Pods from one
// factory, each loading the same transform .so (strip-metadata) with a different config, plus the
// pods-by-node index; each cache reflects only its own config, for the initial list and for a
// later update. Pods are bound with spec.nodeName at creation (no scheduler or kubelet runs).
#include <memory>
#include <random>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/config/loader.h"
#include "client/rest/rest_client.h"
#include "client/transport/http_transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "informers/factory.h"
#include "informers/rest_lister_watcher.h"
#include "plugins/host/plugin_loader.h"
#include "plugins/host/testing/runfiles.h"
#include "plugins/informer/informer_plugins.h"
#include "plugins/informer/plugin_errors.h"
#include "tools/testenv/testenv.h"

namespace kube::plugins {
namespace {

using ::kube::api::core::v1::Pod;
using ::kube::informers::InformerConfig;
using ::testing::UnorderedElementsAre;

class InformerPluginsApiserverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testenv::Environment> env = testenv::Load();
    ASSERT_TRUE(env.ok()) << env.status().message();
    absl::StatusOr<config::LoadedRestConfig> loaded =
        config::LoadRestConfig({.explicit_path = env->kubeconfig, .allow_in_cluster = false});
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    config::RestConfig config = loaded->config;
    config.qps = -1;
    auto transport = transport::NewHttpTransport(config);
    ASSERT_TRUE(transport.ok()) << transport.status();
    auto client = rest::RestClient::Create(*transport, {.config = config});
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *client;
    std::random_device rd;
    ns_ = absl::StrCat("kubecpp-plugins-", std::uniform_int_distribution<uint32_t>()(rd));
    ASSERT_TRUE(Post("", "namespaces",
                     absl::StrCat(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")",
                                  ns_, R"("}})"))
                    .ok());
    auto loader = PluginLoader::Create({});
    ASSERT_TRUE(loader.ok()) << loader.status();
    loader_ = *std::move(loader);
  }
  void TearDown() override {
    if (client_ == nullptr || ns_.empty()) return;
    // No kubelet finishes a graceful deletion of a bound pod: delete at once.
    (void)client_->Delete().Namespace(ns_).Resource("pods").Param("gracePeriodSeconds", "0").Do();
    (void)client_->Delete().Resource("namespaces").Name(ns_).Do();
  }

  absl::Status Post(absl::string_view ns, absl::string_view resource, std::string json) {
    rest::Request r = client_->Post();
    if (!ns.empty()) r.Namespace(ns);
    absl::StatusOr<rest::Result> res =
        r.Resource(resource).Body(std::move(json), "application/json").Do();
    EXPECT_TRUE(res.ok()) << res.status();
    return res.status();
  }
  void CreatePod(const std::string& name, const std::string& node) {
    ASSERT_TRUE(Post(ns_, "pods",
                     absl::StrCat(
                         R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")", name,
                         R"(","annotations":{"a.example.com/note":"a","b.example.com/note":"b"}},)",
                         R"("spec":{"nodeName":")", node,
                         R"(","containers":[{"name":"c","image":"busybox"}]}})"))
                    .ok());
  }
  InformerConfig<Pod> StripConfig(const std::string& strip) {
    InformerConfig<Pod> config{.resource = "pods", .ns = ns_};
    EXPECT_TRUE(AddPlugin(*loader_,
                          {.path = testing::RunfilePath("plugins/examples/libstrip_metadata.so"),
                           .config = strip},
                          {"v1", "Pod"}, errors_, config)
                    .ok());
    EXPECT_TRUE(AddPlugin(*loader_,
                          {.path = testing::RunfilePath("plugins/examples/libpods_by_node.so")},
                          {"v1", "Pod"}, errors_, config)
                    .ok());
    return config;
  }

  std::shared_ptr<rest::RestClient> client_;
  std::string ns_;
  std::unique_ptr<PluginLoader> loader_;
  std::shared_ptr<PluginErrors> errors_ = std::make_shared<PluginErrors>();
};

template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 1000 && !done(); ++i) absl::SleepFor(absl::Milliseconds(10));
  return done();
}

bool Has(const indexers::ObjectPtr<Pod>& pod, const std::string& annotation) {
  return pod != nullptr && pod->metadata().annotations().contains(annotation);
}

TEST_F(InformerPluginsApiserverTest, SameTransformDifferentConfigsKeepSeparateCaches) {
  CreatePod("web-0", "node-a");
  CreatePod("web-1", "node-b");
  informers::InformerFactory<Pod> factory(informers::RestListerWatcherMaker<Pod>(client_, {}), {});
  auto strip_a = factory.Acquire(StripConfig("a.example.com/*"));
  auto strip_b = factory.Acquire(StripConfig("b.example.com/*"));
  ASSERT_TRUE(strip_a.ok() && strip_b.ok());
  EXPECT_NE(strip_a->informer_id(), strip_b->informer_id());
  ASSERT_TRUE(strip_a->WaitForCacheSync(absl::Now() + absl::Seconds(30)));
  ASSERT_TRUE(strip_b->WaitForCacheSync(absl::Now() + absl::Seconds(30)));

  const std::string key = ns_ + "/web-0";
  auto a = strip_a->GetIndexer().GetByKey(key);
  auto b = strip_b->GetIndexer().GetByKey(key);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(Has(a, "a.example.com/note"));
  EXPECT_TRUE(Has(a, "b.example.com/note"));
  EXPECT_TRUE(Has(b, "a.example.com/note"));
  EXPECT_FALSE(Has(b, "b.example.com/note"));
  // The server stamps managedFields on create; both transforms strip them.
  EXPECT_EQ(a->metadata().managedfields_size(), 0);
  EXPECT_EQ(b->metadata().managedfields_size(), 0);
  EXPECT_THAT(*strip_a->GetIndexer().IndexKeys("pods-by-node", "node-a"),
              UnorderedElementsAre(key));
  EXPECT_THAT(*strip_b->GetIndexer().IndexKeys("pods-by-node", "node-b"),
              UnorderedElementsAre(ns_ + "/web-1"));

  // A later update (a new annotation of each group) goes through each informer's own instance.
  absl::StatusOr<rest::Result> patched =
      client_->Patch()
          .Namespace(ns_)
          .Resource("pods")
          .Name("web-0")
          .Body(R"({"metadata":{"annotations":{"a.example.com/new":"1","b.example.com/new":"1"}}})",
                "application/merge-patch+json")
          .Do();
  ASSERT_TRUE(patched.ok()) << patched.status();
  ASSERT_TRUE(Eventually([&] {
    return Has(strip_a->GetIndexer().GetByKey(key), "b.example.com/new") &&
           Has(strip_b->GetIndexer().GetByKey(key), "a.example.com/new");
  }));
  EXPECT_FALSE(Has(strip_a->GetIndexer().GetByKey(key), "a.example.com/new"));
  EXPECT_FALSE(Has(strip_b->GetIndexer().GetByKey(key), "b.example.com/new"));
  EXPECT_EQ(errors_->index_errors() + errors_->transform_errors(), 0u);
}

}  // namespace
}  // namespace kube::plugins
