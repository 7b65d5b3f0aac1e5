// The HTTP transport against the real kube-apiserver of tools/testenv: TLS verification,
// every credential kind, impersonation, a live watch stream, gzip and connection reuse.
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "base/testing/fake_clock.h"
#include "boost/json.hpp"
#include "client/config/rest_config.h"
#include "client/transport/http_transport.h"
#include "client/transport/testing/recording_handler.h"
#include "client/transport/testing/test_pki.h"
#include "client/transport/transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/testenv/testenv.h"

namespace kube::transport {
namespace {

using ::kube::transport::testing::RecordingHandler;
using ::testing::HasSubstr;

constexpr absl::Duration kTimeout = absl::Seconds(30);

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/", name);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& contents, bool executable = false) {
  {
    std::ofstream out(path, std::ios::trunc);
    out << contents;
  }
  if (executable) ::chmod(path.c_str(), 0755);
}

Request Get(std::string target) {
  Request request;
  request.target = std::move(target);
  request.timeout = kTimeout;
  request.headers = {{"Accept", "application/json"}};
  return request;
}

Request Post(std::string target, std::string json) {
  Request request = Get(std::move(target));
  request.method = "POST";
  request.body = std::move(json);
  request.headers.push_back({"Content-Type", "application/json"});
  return request;
}

class CountingObserver : public TransportObserver {
 public:
  void OnConnectionOpened() override { ++opened; }
  void OnConnectionReused() override { ++reused; }
  void OnExchangeEnd(const ExchangeStats& stats) override {
    MutexLock lock(&mu_);
    last_ = stats;
  }
  ExchangeStats last() {
    MutexLock lock(&mu_);
    return last_;
  }
  std::atomic<int> opened{0};
  std::atomic<int> reused{0};

 private:
  absl::Mutex mu_;
  ExchangeStats last_ ABSL_GUARDED_BY(mu_);
};

class ApiserverTransportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testenv::Environment> env = testenv::Load();
    if (!env.ok()) {
      load_error_ = new std::string(env.status().ToString());
      return;
    }
    env_ = new testenv::Environment(*env);
    // One namespace for this suite: other suites share the apiserver.
    auto transport = NewHttpTransport(AdminConfig()).value();
    absl::StatusOr<Response> created = transport->RoundTrip(Post(
        "/api/v1/namespaces",
        R"({"apiVersion":"v1","kind":"Namespace","metadata":{"generateName":"kubecpp-transport-"}})"));
    if (!created.ok() || created->head.status != 201) {
      load_error_ =
          new std::string(absl::StrCat("creating the test namespace: ",
                                       created.ok() ? created->body : created.status().ToString()));
      return;
    }
    namespace_ = new std::string(
        boost::json::parse(created->body).at("metadata").at("name").as_string().c_str());
  }

  static void TearDownTestSuite() {
    if (env_ != nullptr && namespace_ != nullptr) {
      auto transport = NewHttpTransport(AdminConfig()).value();
      Request remove = Get(absl::StrCat("/api/v1/namespaces/", *namespace_));
      remove.method = "DELETE";
      (void)transport->RoundTrip(remove);
    }
    delete namespace_;
    delete env_;
    delete load_error_;
    namespace_ = nullptr;
    env_ = nullptr;
    load_error_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(load_error_, nullptr) << *load_error_;
    ASSERT_NE(namespace_, nullptr);
  }

  static const testenv::Environment& env() { return *env_; }
  static const std::string& ns() { return *namespace_; }

  // A config trusting the testenv CA, with no credentials.
  static config::RestConfig BaseConfig() {
    config::RestConfig config;
    config.host = env_->server;
    config.tls.ca_file = env_->ca_file;
    return config;
  }
  static config::RestConfig AdminConfig() {
    config::RestConfig config = BaseConfig();
    config.bearer_token = env_->admin_token;
    return config;
  }

  static std::shared_ptr<Transport> Make(const config::RestConfig& config,
                                         HttpTransportOptions options = {}) {
    absl::StatusOr<std::shared_ptr<Transport>> transport = NewHttpTransport(config, options);
    EXPECT_TRUE(transport.ok()) << transport.status();
    return transport.ok() ? *transport : nullptr;
  }

  static int StatusOf(Transport& transport, const std::string& target) {
    absl::StatusOr<Response> response = transport.RoundTrip(Get(target));
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->head.status : -1;
  }

  std::string SecretsPath() const { return absl::StrCat("/api/v1/namespaces/", ns(), "/secrets"); }

 private:
  static inline testenv::Environment* env_ = nullptr;
  static inline std::string* namespace_ = nullptr;
  static inline std::string* load_error_ = nullptr;
};

TEST_F(ApiserverTransportTest, VersionWithTheAdminToken) {
  auto transport = Make(AdminConfig());
  absl::StatusOr<Response> response = transport->RoundTrip(Get("/version"));
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->head.status, 200) << response->body;
  EXPECT_EQ(boost::json::parse(response->body).at("gitVersion").as_string(), env().kube_version);
  EXPECT_THAT(std::string(FindHeader(response->head.headers, "Content-Type").value_or("")),
              HasSubstr("application/json"));
}

TEST_F(ApiserverTransportTest, WrongTokenGetsA401Head) {
  config::RestConfig config = BaseConfig();
  config.bearer_token = "not-a-valid-token";
  auto transport = Make(config);
  absl::StatusOr<Response> response = transport->RoundTrip(Get("/api/v1/namespaces"));
  ASSERT_TRUE(response.ok()) << response.status() << " (a 401 is an answer, not an error)";
  EXPECT_EQ(response->head.status, 401);
  EXPECT_EQ(boost::json::parse(response->body).at("reason").as_string(), "Unauthorized");
}

TEST_F(ApiserverTransportTest, ClientCertificateFromFilesAndFromData) {
  config::RestConfig config = BaseConfig();
  config.tls.cert_file = env().admin_cert_file;
  config.tls.key_file = env().admin_key_file;
  EXPECT_EQ(StatusOf(*Make(config), "/api/v1/namespaces"), 200);

  config = BaseConfig();
  config.tls.cert_data = ReadFile(env().admin_cert_file);
  config.tls.key_data = ReadFile(env().admin_key_file);
  config.tls.ca_data = ReadFile(env().ca_file);
  config.tls.ca_file = "/ignored/because/data/wins";
  EXPECT_EQ(StatusOf(*Make(config), "/api/v1/namespaces"), 200);

  EXPECT_EQ(StatusOf(*Make(BaseConfig()), "/api/v1/namespaces"), 403) << "anonymous";
}

TEST_F(ApiserverTransportTest, UnknownCaFailsVerification) {
  config::RestConfig config = AdminConfig();
  config.tls.ca_file.clear();
  config.tls.ca_data = testing::SelfSignedCa("not-the-testenv-ca").certificate_pem;
  auto transport = Make(config);
  absl::StatusOr<Response> response = transport->RoundTrip(Get("/version"));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnauthenticated) << response.status();
  EXPECT_THAT(response.status().message(), HasSubstr("failed verification"));

  // No CA at all: the system roots do not know the testenv CA either.
  config.tls.ca_data.clear();
  EXPECT_EQ(Make(config)->RoundTrip(Get("/version")).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(ApiserverTransportTest, ServerNameIsWhatGetsVerified) {
  config::RestConfig config = AdminConfig();  // host is 127.0.0.1: an IP SAN
  config.tls.server_name = "kubernetes.default.svc";
  EXPECT_EQ(StatusOf(*Make(config), "/version"), 200);

  config.tls.server_name = "not-in-the-certificate.example.com";
  absl::StatusOr<Response> response = Make(config)->RoundTrip(Get("/version"));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnauthenticated) << response.status();
  EXPECT_THAT(response.status().message(), HasSubstr("failed verification"));

  config = AdminConfig();
  config.host = absl::StrCat("https://localhost:", env().port);  // resolved, verified as a name
  EXPECT_EQ(StatusOf(*Make(config), "/version"), 200);
}

TEST_F(ApiserverTransportTest, InsecureSkipVerifyOnlyWhenAskedAndNeverWithACa) {
  config::RestConfig config = AdminConfig();
  config.tls.ca_file.clear();
  config.tls.insecure_skip_verify = true;
  EXPECT_EQ(StatusOf(*Make(config), "/version"), 200);

  config.tls.ca_file = env().ca_file;
  EXPECT_EQ(NewHttpTransport(config).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ApiserverTransportTest, TokenFileIsReReadAfterThePeriod) {
  kube::testing::FakeClock clock;
  const std::string token_file = TempPath("rotating-token");
  WriteFile(token_file, env().admin_token + "\n");
  config::RestConfig config = BaseConfig();
  config.bearer_token_file = token_file;
  auto transport = Make(config, {.clock = &clock});
  EXPECT_EQ(StatusOf(*transport, SecretsPath()), 200);

  WriteFile(token_file, env().limited_token + "\n");
  EXPECT_EQ(StatusOf(*transport, SecretsPath()), 200) << "re-read before the period ended";

  clock.Advance(absl::Seconds(61));
  EXPECT_EQ(StatusOf(*transport, SecretsPath()), 403) << "the rotated (limited) token is used";

  std::remove(token_file.c_str());
  clock.Advance(absl::Seconds(61));
  EXPECT_EQ(StatusOf(*transport, SecretsPath()), 403) << "the last good read wins";
}

TEST_F(ApiserverTransportTest, ImpersonationMakesTheAdminActAsTheLimitedUser) {
  config::RestConfig config = AdminConfig();
  config.impersonate.user = "kubecpp-limited";
  config.impersonate.groups = {"system:authenticated"};
  config.impersonate.extra = {{"example.com/reason", {"kubecpp test"}}};
  auto transport = Make(config);
  absl::StatusOr<Response> response = transport->RoundTrip(Get(SecretsPath()));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->head.status, 403);
  EXPECT_THAT(response->body, HasSubstr("User \\\"kubecpp-limited\\\" cannot list resource "
                                        "\\\"secrets\\\""));
  EXPECT_EQ(StatusOf(*Make(AdminConfig()), SecretsPath()), 200) << "without impersonation";
}

// An exec plugin that counts its runs and answers with `token_for_run` (a shell expression of
// $n, the run number).
config::RestConfig ExecConfig(const std::string& name, const std::string& counter,
                              const std::string& status_json, const std::string& api_version) {
  const std::string plugin = TempPath(name);
  WriteFile(
      plugin,
      absl::StrCat("#!/bin/sh\n",  //
                   "n=$(cat ", counter, " 2>/dev/null || echo 0)\n", "n=$((n + 1)); echo $n > ",
                   counter, "\n", "echo \"$KUBERNETES_EXEC_INFO\" > ", counter, ".info\n",
                   "cat <<EOF\n{\"apiVersion\":\"", api_version,
                   "\",\"kind\":\"ExecCredential\",\"status\":", status_json, "}\nEOF\n"),
      /*executable=*/true);
  config::RestConfig config;
  config.exec = config::ExecConfig{
      .command = plugin, .api_version = api_version, .interactive_mode = "Never"};
  return config;
}

TEST_F(ApiserverTransportTest, ExecPluginTokenIsCached) {
  const std::string counter = TempPath("exec-cached-count");
  std::remove(counter.c_str());
  config::RestConfig config =
      ExecConfig("exec-cached", counter, absl::StrCat("{\"token\":\"", env().admin_token, "\"}"),
                 "client.authentication.k8s.io/v1");
  config.host = env().server;
  config.tls.ca_file = env().ca_file;
  auto transport = Make(config);
  EXPECT_EQ(StatusOf(*transport, "/api/v1/namespaces"), 200);
  EXPECT_EQ(StatusOf(*transport, "/api/v1/namespaces"), 200);
  EXPECT_EQ(ReadFile(counter), "1\n") << "the credential has no expiry: one run";
  EXPECT_THAT(ReadFile(counter + ".info"), HasSubstr("\"interactive\":false"));
}

TEST_F(ApiserverTransportTest, ExecPluginRunsAgainAfterA401) {
  const std::string counter = TempPath("exec-401-count");
  std::remove(counter.c_str());
  // The first run hands out a token the server rejects, later runs the admin token.
  const std::string status =
      absl::StrCat("{\"token\":\"$(if [ $n -eq 1 ]; then echo rejected-token; else echo ",
                   env().admin_token, "; fi)\"}");
  config::RestConfig config =
      ExecConfig("exec-401", counter, status, "client.authentication.k8s.io/v1beta1");
  config.host = env().server;
  config.tls.ca_file = env().ca_file;
  auto transport = Make(config);
  EXPECT_EQ(StatusOf(*transport, "/api/v1/namespaces"), 401);
  EXPECT_EQ(StatusOf(*transport, "/api/v1/namespaces"), 200) << "fresh credentials after the 401";
  EXPECT_EQ(StatusOf(*transport, "/api/v1/namespaces"), 200);
  EXPECT_EQ(ReadFile(counter), "2\n");
}

TEST_F(ApiserverTransportTest, ExecPluginClientCertificate) {
  auto json_escape = [](const std::string& pem) {
    return boost::json::serialize(boost::json::value(pem));  // a quoted JSON string
  };
  const std::string counter = TempPath("exec-cert-count");
  std::remove(counter.c_str());
  config::RestConfig config = ExecConfig(
      "exec-cert", counter,
      absl::StrCat("{\"clientCertificateData\":", json_escape(ReadFile(env().admin_cert_file)),
                   ",\"clientKeyData\":", json_escape(ReadFile(env().admin_key_file)), "}"),
      "client.authentication.k8s.io/v1");
  config.host = env().server;
  config.tls.ca_file = env().ca_file;
  auto observer = std::make_shared<CountingObserver>();
  auto transport = Make(config, {.observer = observer});
  EXPECT_EQ(StatusOf(*transport, "/api/v1/namespaces"), 200);
  EXPECT_EQ(StatusOf(*transport, "/api/v1/namespaces"), 200);
  EXPECT_EQ(ReadFile(counter), "1\n");
  EXPECT_EQ(observer->opened.load(), 1) << "same certificate, same pooled connection";
}

TEST_F(ApiserverTransportTest, ExecPluginFailureIsAClearError) {
  config::RestConfig config = BaseConfig();
  config.exec = config::ExecConfig{.command = TempPath("no-such-exec-plugin"),
                                   .api_version = "client.authentication.k8s.io/v1",
                                   .install_hint = "see https://example.com/install"};
  absl::StatusOr<Response> response = Make(config)->RoundTrip(Get("/version"));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(response.status().message(), HasSubstr("https://example.com/install"));
}

TEST_F(ApiserverTransportTest, WatchDeliversEachEventAsItHappens) {
  auto transport = Make(AdminConfig());
  auto handler = std::make_shared<RecordingHandler>();
  Request watch = Get(absl::StrCat("/api/v1/namespaces/", ns(), "/configmaps?watch=1"));
  watch.timeout = absl::InfiniteDuration();
  watch.idle_timeout = absl::Minutes(2);
  std::shared_ptr<Call> call = transport->Stream(watch, handler);
  ASSERT_TRUE(handler->WaitForHead(kTimeout));
  ASSERT_EQ(handler->head().status, 200) << handler->body();

  absl::StatusOr<Response> created = transport->RoundTrip(
      Post(absl::StrCat("/api/v1/namespaces/", ns(), "/configmaps"),
           R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"watched"},)"
           R"("data":{"k":"v"}})"));
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ(created->head.status, 201) << created->body;

  ASSERT_TRUE(handler->WaitForBody("\"name\":\"watched\"", kTimeout)) << handler->body();
  EXPECT_FALSE(handler->ended()) << "the event must arrive while the watch is still open";
  boost::json::value event = boost::json::parse(handler->body());  // exactly one event so far
  EXPECT_EQ(event.at("type").as_string(), "ADDED");
  EXPECT_EQ(event.at("object").at("metadata").at("name").as_string(), "watched");

  call->Cancel();
  ASSERT_TRUE(handler->WaitForEnd(kTimeout));
  EXPECT_EQ(handler->status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(handler->violations(), 0);
}

TEST_F(ApiserverTransportTest, GzipListDecodesToTheSameBytes) {
  auto admin = Make(AdminConfig());
  const std::string path = absl::StrCat("/api/v1/namespaces/", ns(), "/configmaps");
  const std::string data(4000, 'z');
  for (int i = 0; i < 50; ++i) {
    absl::StatusOr<Response> created = admin->RoundTrip(Post(
        path, absl::StrCat(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bulk-)", i,
                           R"("},"data":{"payload":")", data, R"("}})")));
    ASSERT_TRUE(created.ok()) << created.status();
    ASSERT_EQ(created->head.status, 201) << created->body;
  }
  config::RestConfig plain_config = AdminConfig();
  plain_config.disable_compression = true;
  auto plain_observer = std::make_shared<CountingObserver>();
  auto plain = Make(plain_config, {.observer = plain_observer});
  absl::StatusOr<Response> uncompressed = plain->RoundTrip(Get(path));
  ASSERT_TRUE(uncompressed.ok()) << uncompressed.status();
  ASSERT_EQ(uncompressed->head.status, 200);
  EXPECT_FALSE(plain_observer->last().decompressed);
  ASSERT_GT(uncompressed->body.size(), 200000u);

  // The same resourceVersion, exactly: the server must produce the same bytes.
  const std::string rv(
      boost::json::parse(uncompressed->body).at("metadata").at("resourceVersion").as_string());
  const std::string pinned =
      absl::StrCat(path, "?resourceVersion=", rv, "&resourceVersionMatch=Exact");
  uncompressed = plain->RoundTrip(Get(pinned));
  ASSERT_TRUE(uncompressed.ok()) << uncompressed.status();

  auto gzip_observer = std::make_shared<CountingObserver>();
  auto gzip = Make(AdminConfig(), {.observer = gzip_observer});
  absl::StatusOr<Response> compressed = gzip->RoundTrip(Get(pinned));
  ASSERT_TRUE(compressed.ok()) << compressed.status();
  ASSERT_EQ(compressed->head.status, 200) << compressed->body;
  const ExchangeStats stats = gzip_observer->last();
  EXPECT_TRUE(stats.decompressed) << "the apiserver compresses large responses";
  EXPECT_LT(stats.wire_body_bytes * 4, stats.body_bytes);
  EXPECT_EQ(FindHeader(compressed->head.headers, "Content-Encoding"), std::nullopt);
  EXPECT_TRUE(compressed->body == uncompressed->body)
      << "sizes " << compressed->body.size() << " vs " << uncompressed->body.size();
}

TEST_F(ApiserverTransportTest, SequentialRequestsShareOneConnection) {
  auto observer = std::make_shared<CountingObserver>();
  auto transport = Make(AdminConfig(), {.observer = observer});
  EXPECT_EQ(StatusOf(*transport, "/version"), 200);
  EXPECT_EQ(StatusOf(*transport, "/api/v1/namespaces"), 200);
  EXPECT_EQ(observer->opened.load(), 1);
  EXPECT_EQ(observer->reused.load(), 1);
  EXPECT_TRUE(observer->last().reused_connection);
}

}  // namespace
}  // namespace kube::transport
