#include "client/transport/tls.h"

#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <string>

#include "absl/status/status.h"
#include "client/transport/testing/test_pki.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::transport {
namespace {

using ::kube::transport::testing::SelfSignedCa;
using ::kube::transport::testing::TestCertificate;
using ::testing::HasSubstr;

TEST(NewTlsContextTest, InsecureTogetherWithACaIsAnError) {
  config::TlsConfig tls;
  tls.insecure_skip_verify = true;
  tls.ca_data = SelfSignedCa("ca").certificate_pem;
  absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> context = NewTlsContext(tls, nullptr);
  EXPECT_EQ(context.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(context.status().message(), HasSubstr("insecure"));
}

TEST(NewTlsContextTest, CaMustHoldACertificate) {
  config::TlsConfig tls;
  tls.ca_data = "not a PEM";
  EXPECT_EQ(NewTlsContext(tls, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
  tls.ca_data.clear();
  tls.ca_file = "/nonexistent/ca.crt";
  absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> context = NewTlsContext(tls, nullptr);
  EXPECT_EQ(context.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(context.status().message(), HasSubstr("/nonexistent/ca.crt"));
}

TEST(NewTlsContextTest, AcceptsSeveralCasAndAClientIdentity) {
  const TestCertificate first = SelfSignedCa("first");
  const TestCertificate second = SelfSignedCa("second");
  config::TlsConfig tls;
  tls.ca_data = first.certificate_pem + second.certificate_pem;
  tls.cert_data = first.certificate_pem;
  tls.key_data = first.key_pem;
  absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> context = NewTlsContext(tls, nullptr);
  ASSERT_TRUE(context.ok()) << context.status();
  ClientIdentity identity{second.certificate_pem, second.key_pem};
  EXPECT_TRUE(NewTlsContext(tls, &identity).ok());
}

TEST(NewTlsContextTest, CertificateAndKeyMustMatchAndComeTogether) {
  const TestCertificate first = SelfSignedCa("first");
  const TestCertificate second = SelfSignedCa("second");
  config::TlsConfig tls;
  tls.cert_data = first.certificate_pem;
  EXPECT_EQ(NewTlsContext(tls, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
  tls.key_data = second.key_pem;
  absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> context = NewTlsContext(tls, nullptr);
  EXPECT_EQ(context.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(context.status().message(), HasSubstr("does not match"));
  ClientIdentity garbage{"junk", "junk"};
  EXPECT_EQ(NewTlsContext({}, &garbage).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(IsIpLiteralTest, TellsAddressesFromNames) {
  EXPECT_TRUE(IsIpLiteral("127.0.0.1"));
  EXPECT_TRUE(IsIpLiteral("::1"));
  EXPECT_TRUE(IsIpLiteral("fe80::1"));
  EXPECT_FALSE(IsIpLiteral("localhost"));
  EXPECT_FALSE(IsIpLiteral("[::1]"));
  EXPECT_FALSE(IsIpLiteral("1.2.3.4.example.com"));
}

class PrepareTlsConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = NewTlsContext({}, nullptr).value();
    ssl_ = SSL_new(context_->native_handle());
    ASSERT_NE(ssl_, nullptr);
  }
  void TearDown() override { SSL_free(ssl_); }

  std::string VerifiedHost() {
    const char* host = X509_VERIFY_PARAM_get0_host(SSL_get0_param(ssl_), 0);
    return host != nullptr ? host : "";
  }
  std::string VerifiedIp() {
    char* ip = X509_VERIFY_PARAM_get1_ip_asc(SSL_get0_param(ssl_));
    std::string result = ip != nullptr ? ip : "";
    OPENSSL_free(ip);
    return result;
  }
  std::string Sni() {
    const char* name = SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name);
    return name != nullptr ? name : "";
  }

  std::shared_ptr<boost::asio::ssl::context> context_;
  SSL* ssl_ = nullptr;
};

TEST_F(PrepareTlsConnectionTest, NameIsSentAsSniAndVerified) {
  ASSERT_TRUE(PrepareTlsConnection(ssl_, "kube.example.com", {}).ok());
  EXPECT_EQ(Sni(), "kube.example.com");
  EXPECT_EQ(VerifiedHost(), "kube.example.com");
}

TEST_F(PrepareTlsConnectionTest, IpIsVerifiedAsAnIpWithoutSni) {
  ASSERT_TRUE(PrepareTlsConnection(ssl_, "127.0.0.1", {}).ok());
  EXPECT_EQ(Sni(), "");
  EXPECT_EQ(VerifiedHost(), "");
  EXPECT_EQ(VerifiedIp(), "127.0.0.1");
}

TEST_F(PrepareTlsConnectionTest, ServerNameOverridesTheHost) {
  config::TlsConfig tls;
  tls.server_name = "kubernetes.default.svc";
  ASSERT_TRUE(PrepareTlsConnection(ssl_, "127.0.0.1", tls).ok());
  EXPECT_EQ(Sni(), "kubernetes.default.svc");
  EXPECT_EQ(VerifiedHost(), "kubernetes.default.svc");
  EXPECT_EQ(VerifiedIp(), "");
}

}  // namespace
}  // namespace kube::transport
