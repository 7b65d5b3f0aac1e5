// The first test against the real kube-apiserver: plain Beast over TLS, verifying the server
// against the testenv CA, authenticating with a bearer token. Everything the transport layer
// (client/transport) does builds on exactly this exchange.
#include <string>

#include "absl/status/statusor.h"
#include "boost/json.hpp"
#include "gtest/gtest.h"
#include "tools/testenv/https_client.h"
#include "tools/testenv/testenv.h"

namespace kube::testenv {
namespace {

struct Reply {
  int status = 0;
  std::string body;
};

Reply Get(const Environment& env, const std::string& target, const std::string& token) {
  absl::StatusOr<HttpsReply> reply = HttpsExchange(env, {.target = target, .token = token});
  EXPECT_TRUE(reply.ok()) << reply.status();
  if (!reply.ok()) return {};
  return Reply{reply->status, reply->body};
}

class ApiserverSmokeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Environment> env = Load();
    ASSERT_TRUE(env.ok()) << env.status().message();
    env_ = *env;
  }
  Environment env_;
};

TEST_F(ApiserverSmokeTest, VersionReportsThePinnedKubernetes) {
  Reply reply = Get(env_, "/version", env_.admin_token);
  ASSERT_EQ(reply.status, 200) << reply.body;
  boost::json::object version = boost::json::parse(reply.body).as_object();
  EXPECT_EQ(version.at("gitVersion").as_string(), env_.kube_version);
  EXPECT_EQ(version.at("major").as_string(), "1");
}

TEST_F(ApiserverSmokeTest, DefaultNamespaceExistsAndIsActive) {
  Reply reply = Get(env_, "/api/v1/namespaces/default", env_.admin_token);
  ASSERT_EQ(reply.status, 200) << reply.body;
  boost::json::object ns = boost::json::parse(reply.body).as_object();
  EXPECT_EQ(ns.at("kind").as_string(), "Namespace");
  EXPECT_EQ(ns.at("metadata").at("name").as_string(), "default");
  EXPECT_EQ(ns.at("status").at("phase").as_string(), "Active");
}

TEST_F(ApiserverSmokeTest, WrongTokenIsUnauthorized) {
  Reply reply = Get(env_, "/api/v1/namespaces/default", "not-a-valid-token");
  ASSERT_EQ(reply.status, 401) << reply.body;
  boost::json::object status = boost::json::parse(reply.body).as_object();
  EXPECT_EQ(status.at("kind").as_string(), "Status");
  EXPECT_EQ(status.at("reason").as_string(), "Unauthorized");
}

TEST_F(ApiserverSmokeTest, LimitedUserIsForbidden) {
  Reply reply = Get(env_, "/api/v1/namespaces/default/secrets", env_.limited_token);
  ASSERT_EQ(reply.status, 403) << reply.body;
  EXPECT_EQ(boost::json::parse(reply.body).at("reason").as_string(), "Forbidden");
}

}  // namespace
}  // namespace kube::testenv
