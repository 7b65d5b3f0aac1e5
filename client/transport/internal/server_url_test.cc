#include "client/transport/internal/server_url.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace kube::transport::internal {
namespace {

TEST(ParseServerUrlTest, HttpsWithPortAndPrefix) {
  absl::StatusOr<ServerUrl> url = ParseServerUrl("https://Kube.Example.com:6443/prefix/x");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "kube.example.com");
  EXPECT_EQ(url->port, 6443);
  EXPECT_EQ(url->authority, "Kube.Example.com:6443");
  EXPECT_EQ(url->base_url, "https://Kube.Example.com:6443");
}

TEST(ParseServerUrlTest, DefaultsPortsAndScheme) {
  EXPECT_EQ(ParseServerUrl("https://h").value().port, 443);
  EXPECT_EQ(ParseServerUrl("http://h").value().port, 80);
  absl::StatusOr<ServerUrl> bare = ParseServerUrl("10.0.0.1:8443");
  ASSERT_TRUE(bare.ok());
  EXPECT_TRUE(bare->tls);
  EXPECT_EQ(bare->host, "10.0.0.1");
  EXPECT_EQ(bare->base_url, "https://10.0.0.1:8443");
}

TEST(ParseServerUrlTest, BracketedIpv6) {
  absl::StatusOr<ServerUrl> url = ParseServerUrl("https://[::1]:6443");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 6443);
  EXPECT_EQ(url->authority, "[::1]:6443");
}

TEST(ParseServerUrlTest, RejectsBadUrls) {
  for (const char* bad : {"", "ftp://h", "https://", "https://h:0", "https://h:70000",
                          "https://h:x", "https://h/?q=1", "https://u@h", "https://[::1"}) {
    EXPECT_EQ(ParseServerUrl(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace kube::transport::internal
