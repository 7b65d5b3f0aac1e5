// The first test against the real kube-apiserver: plain Beast over TLS, verifying the server
// against the testenv CA, authenticating with a bearer token. Everything the transport layer
// (client/transport) does builds on exactly this exchange.
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "boost/json.hpp"
#include "gtest/gtest.h"
#include "tools/testenv/testenv.h"

namespace kube::testenv {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct Reply {
  int status = 0;
  std::string body;
};

// Get performs one HTTPS GET with the given bearer token and returns status and body.
Reply Get(const Environment& env, const std::string& target, const std::string& token) {
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.load_verify_file(env.ca_file);
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  stream.set_verify_callback(asio::ssl::host_name_verification(env.host));
  asio::ip::tcp::resolver resolver(io);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(stream).connect(resolver.resolve(env.host, std::to_string(env.port)));
  stream.handshake(asio::ssl::stream_base::client);

  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, env.host);
  request.set(http::field::accept, "application/json");
  request.set(http::field::authorization, "Bearer " + token);
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  beast::error_code ignored;
  stream.shutdown(ignored);
  return Reply{static_cast<int>(response.result_int()), response.body()};
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
