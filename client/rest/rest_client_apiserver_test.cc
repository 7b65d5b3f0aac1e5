// RestClient end to end: the real transport (//client/transport:http_transport) against the real
// kube-apiserver. CRUD errors arrive as mapped Statuses, warnings reach the handler, and watches
// stream real events (JSON and protobuf) through WatchStream with flow control.
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/sync.h"
#include "boost/json.hpp"
#include "client/config/rest_config.h"
#include "client/rest/rest_client.h"
#include "client/rest/status.h"
#include "client/rest/watch_event.h"
#include "client/transport/http_transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/testenv/testenv.h"

namespace kube::rest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class Events : public WatchHandler {
 public:
  void OnStarted() override {
    MutexLock lock(&mu_);
    ++started_;
  }
  bool OnEvent(WatchEvent event) override {
    MutexLock lock(&mu_);
    events_.push_back(std::move(event));
    return events_.size() % 2 == 0;  // pause after every other event; the test resumes
  }
  void OnEnd(const absl::Status& status) override {
    MutexLock lock(&mu_);
    end_ = status;
  }
  std::optional<absl::Status> end() {
    MutexLock lock(&mu_);
    return end_;
  }
  std::vector<WatchEvent> events() {
    MutexLock lock(&mu_);
    return events_;
  }
  int started() {
    MutexLock lock(&mu_);
    return started_;
  }

 private:
  absl::Mutex mu_;
  int started_ = 0;
  std::vector<WatchEvent> events_;
  std::optional<absl::Status> end_;
};

class RestClientApiserverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testenv::Environment> env = testenv::Load();
    ASSERT_TRUE(env.ok()) << env.status().message();
    env_ = *env;
    config::RestConfig config;
    config.host = env_.server;
    config.tls.ca_file = env_.ca_file;
    config.bearer_token = env_.admin_token;
    config.qps = -1;
    absl::StatusOr<std::shared_ptr<transport::Transport>> transport =
        transport::NewHttpTransport(config);
    ASSERT_TRUE(transport.ok()) << transport.status();
    RestClientOptions options;
    options.config = config;
    options.warning_handler = [this](const Warning& w) {
      MutexLock lock(&mu_);
      warnings_.push_back(w.text);
    };
    absl::StatusOr<std::shared_ptr<RestClient>> client =
        RestClient::Create(*transport, std::move(options));
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *client;

    std::mt19937 rng(static_cast<uint32_t>(absl::ToUnixNanos(absl::Now())));
    namespace_ = absl::StrCat("kubecpp-restclient-", rng() % 1000000);
    absl::StatusOr<Result> created =
        client_->Post()
            .Resource("namespaces")
            .Body(absl::StrCat(R"({"metadata":{"name":")", namespace_, R"("}})"),
                  "application/json")
            .Do();
    ASSERT_TRUE(created.ok()) << created.status();
  }

  void TearDown() override {
    if (client_ != nullptr && !namespace_.empty()) {
      (void)client_->Delete().Resource("namespaces").Name(namespace_).Do();
    }
  }

  Request ConfigMaps(Request request) {
    request.Namespace(namespace_).Resource("configmaps");
    return request;
  }

  absl::StatusOr<Result> Create(absl::string_view name, absl::string_view extra = "") {
    return ConfigMaps(client_->Post())
        .Body(absl::StrCat(R"({"metadata":{"name":")", name, R"(","labels":{"t":"y"}},)",
                           R"("data":{"k":"v"})", extra, "}"),
              "application/json")
        .Do();
  }

  std::vector<std::string> warnings() {
    MutexLock lock(&mu_);
    return warnings_;
  }

  // RunWatch watches configmaps from `rv` until the server's timeout ends the watch.
  std::shared_ptr<Events> RunWatch(const std::string& rv, absl::string_view accept) {
    auto events = std::make_shared<Events>();
    absl::StatusOr<std::shared_ptr<WatchCall>> call = ConfigMaps(client_->Get())
                                                          .Param("resourceVersion", rv)
                                                          .Param("labelSelector", "t=y")
                                                          .Param("timeoutSeconds", "1")
                                                          .Accept(accept)
                                                          .Watch(events);
    EXPECT_TRUE(call.ok()) << call.status();
    if (!call.ok()) return events;
    const absl::Time give_up = absl::Now() + absl::Seconds(30);
    while (!events->end().has_value() && absl::Now() < give_up) {
      (*call)->Resume();
      absl::SleepFor(absl::Milliseconds(5));
    }
    return events;
  }

  testenv::Environment env_;
  std::shared_ptr<RestClient> client_;
  std::string namespace_;
  absl::Mutex mu_;
  std::vector<std::string> warnings_;
};

TEST_F(RestClientApiserverTest, VersionThroughAbsPath) {
  absl::StatusOr<Result> version = client_->Get().AbsPath("/version").Do();
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(boost::json::parse(version->body).at("gitVersion").as_string(), env_.kube_version);
}

TEST_F(RestClientApiserverTest, CrudErrorsAreMappedStatuses) {
  absl::StatusOr<Result> missing = ConfigMaps(client_->Get()).Name("missing").Do();
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(rest::IsNotFound(missing.status()));

  absl::StatusOr<Result> created = Create("dup");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->WasCreated());
  absl::StatusOr<Result> again = Create("dup");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(rest::IsAlreadyExists(again.status()));

  absl::StatusOr<Result> invalid = Create("Not_Valid");
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(rest::IsInvalid(invalid.status()));

  // The same errors with protobuf responses.
  absl::StatusOr<Result> missing_proto =
      ConfigMaps(client_->Get()).Name("missing").Accept("application/vnd.kubernetes.protobuf").Do();
  EXPECT_TRUE(rest::IsNotFound(missing_proto.status())) << missing_proto.status();
  EXPECT_EQ(missing_proto.status().message(), missing.status().message());
}

TEST_F(RestClientApiserverTest, FieldValidationWarningsReachTheHandler) {
  absl::StatusOr<Result> created =
      ConfigMaps(client_->Post())
          .Param("fieldValidation", "Warn")
          .Body(R"({"metadata":{"name":"warned"},"bogusField":1})", "application/json")
          .Do();
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ(created->warnings.size(), 1u);
  EXPECT_EQ(created->warnings[0].code, 299);
  EXPECT_THAT(created->warnings[0].text, HasSubstr("bogusField"));
  EXPECT_THAT(warnings(), ElementsAre(created->warnings[0].text));
}

TEST_F(RestClientApiserverTest, WatchStreamsRealEventsInJsonAndProtobuf) {
  absl::StatusOr<Result> list = ConfigMaps(client_->Get()).Do();
  ASSERT_TRUE(list.ok()) << list.status();
  const std::string rv(
      boost::json::parse(list->body).at("metadata").at("resourceVersion").as_string());
  for (const char* name : {"w1", "w2", "w3"}) ASSERT_TRUE(Create(name).ok());
  ASSERT_TRUE(ConfigMaps(client_->Delete()).Name("w2").Do().ok());

  for (const char* accept : {"application/json", "application/vnd.kubernetes.protobuf"}) {
    std::shared_ptr<Events> events = RunWatch(rv, accept);
    ASSERT_TRUE(events->end().has_value()) << accept;
    EXPECT_TRUE(events->end()->ok()) << *events->end();
    EXPECT_EQ(events->started(), 1);
    std::vector<WatchEventType> types;
    for (const WatchEvent& e : events->events()) {
      types.push_back(e.type);
      EXPECT_EQ(e.encoding, absl::string_view(accept) == "application/json"
                                ? WireEncoding::kJson
                                : WireEncoding::kProtobuf);
    }
    EXPECT_THAT(types, ElementsAre(WatchEventType::kAdded, WatchEventType::kAdded,
                                   WatchEventType::kAdded, WatchEventType::kDeleted))
        << accept;
  }
}

TEST_F(RestClientApiserverTest, WatchAsAForbiddenUserEndsWithPermissionDenied) {
  config::RestConfig config;
  config.host = env_.server;
  config.tls.ca_file = env_.ca_file;
  config.bearer_token = env_.limited_token;
  absl::StatusOr<std::shared_ptr<transport::Transport>> transport =
      transport::NewHttpTransport(config);
  ASSERT_TRUE(transport.ok()) << transport.status();
  RestClientOptions options;
  options.config = config;
  absl::StatusOr<std::shared_ptr<RestClient>> limited = RestClient::Create(*transport, options);
  ASSERT_TRUE(limited.ok());
  auto events = std::make_shared<Events>();
  absl::StatusOr<std::shared_ptr<WatchCall>> call =
      (*limited)->Get().Namespace(namespace_).Resource("secrets").Watch(events);
  ASSERT_TRUE(call.ok());
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (!events->end().has_value() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_TRUE(events->end().has_value());
  EXPECT_EQ(events->end()->code(), absl::StatusCode::kPermissionDenied) << *events->end();
  EXPECT_TRUE(rest::IsForbidden(*events->end()));
  EXPECT_EQ(events->started(), 0);
}

}  // namespace
}  // namespace kube::rest
