// Shutdown of an informer whose LIST is in flight against a server that never answers: it must
// return promptly (the reflector's Stop cancels the LIST's HTTP exchange), not after the list
// timeout. A stalled LIST is a fault the real apiserver will not produce on demand, hence the
// in-process fake HTTP server.
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/config/rest_config.h"
#include "client/rest/rest_client.h"
#include "client/transport/http_transport.h"
#include "client/transport/testing/fake_http_server.h"
#include "gtest/gtest.h"
#include "informers/rest_lister_watcher.h"
#include "informers/shared_informer.h"

namespace kube::informers {
namespace {

using ConfigMap = api::core::v1::ConfigMap;
using transport::testing::FakeConnection;
using transport::testing::FakeHttpServer;

TEST(InformerShutdownTest, ShutdownDuringAStalledListReturnsPromptly) {
  absl::Notification got_list;
  auto server = FakeHttpServer::Start([&](FakeConnection& c) {
    auto request = c.ReadRequest();
    if (!request) return;
    if (!got_list.HasBeenNotified()) got_list.Notify();
    c.WaitForClientClose(absl::Seconds(60));  // never answers
  });
  ASSERT_TRUE(server.ok()) << server.status();
  config::RestConfig config;
  config.host = (*server)->url();
  config.qps = -1;
  auto transport = transport::NewHttpTransport(config);
  ASSERT_TRUE(transport.ok()) << transport.status();
  auto client = rest::RestClient::Create(*transport, {.config = config});
  ASSERT_TRUE(client.ok()) << client.status();
  auto lw = RestListerWatcher<ConfigMap>::Create(
      *client, {.resource = "configmaps", .list_timeout = absl::Seconds(60)});
  ASSERT_TRUE(lw.ok()) << lw.status();
  SharedInformerOptions<ConfigMap> options;
  options.reflector.use_watch_list = false;  // straight to the LIST
  auto informer = SharedIndexInformer<ConfigMap>::Create(lw->get(), std::move(options));
  ASSERT_TRUE(informer.ok()) << informer.status();
  (*informer)->Run();
  ASSERT_TRUE(got_list.WaitForNotificationWithTimeout(absl::Seconds(10)));
  const absl::Time start = absl::Now();
  (*informer)->Shutdown();
  const absl::Duration took = absl::Now() - start;
  EXPECT_LT(took, absl::Seconds(5)) << "Shutdown waited for the LIST: " << took;
  EXPECT_FALSE((*informer)->HasSynced());
  // The cancelled LIST is not reported as a list error: the informer was stopping.
  EXPECT_EQ((*informer)->Stats().reflector.list_errors, 0);
}

}  // namespace
}  // namespace kube::informers
