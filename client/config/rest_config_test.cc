#include "client/config/rest_config.h"

#include "gtest/gtest.h"

namespace kube::config {
namespace {

TEST(RestConfig, DebugStringRedactsSecrets) {
  RestConfig config;
  config.host = "https://127.0.0.1:6443";
  config.bearer_token = "secret-token";
  config.password = "secret-password";
  config.username = "alice";
  config.tls.key_data = "-----BEGIN EC PRIVATE KEY-----secret";
  config.exec = ExecConfig{.command = "helper", .env = {{"SECRET", "secret-env"}}};
  std::string debug = config.DebugString();
  EXPECT_EQ(debug.find("secret"), std::string::npos) << debug;
  EXPECT_NE(debug.find("https://127.0.0.1:6443"), std::string::npos);
  EXPECT_NE(debug.find("alice"), std::string::npos);
}

TEST(RestConfig, EqualityCoversNestedFields) {
  RestConfig a, b;
  EXPECT_EQ(a, b);
  b.impersonate.groups.push_back("system:masters");
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace kube::config
