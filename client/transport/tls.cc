#include "client/transport/tls.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "boost/asio/ssl/error.hpp"

namespace kube::transport {
namespace {

namespace ssl = boost::asio::ssl;

// OpenSslErrors drains this thread's OpenSSL error queue into one line.
std::string OpenSslErrors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("reading ", what, " ", path, " failed"));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// DataOrFile returns `data` when set, else the contents of `file` (or "" when neither is set).
absl::StatusOr<std::string> DataOrFile(const std::string& data, const std::string& file,
                                       absl::string_view what) {
  if (!data.empty()) return data;
  if (file.empty()) return std::string();
  return ReadPemFile(file, what);
}

absl::Status AddCertificateAuthorities(SSL_CTX* context, const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  X509_STORE* store = SSL_CTX_get_cert_store(context);
  int added = 0;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, cert);  // a duplicate is not an error worth failing for
    X509_free(cert);
    ++added;
  }
  BIO_free(bio);
  ERR_clear_error();  // the loop ends on a "no start line" error
  if (added == 0) {
    return absl::InvalidArgumentError("certificate authority data holds no PEM certificate");
  }
  return absl::OkStatus();
}

}  // namespace

bool IsIpLiteral(absl::string_view host) {
  std::string copy(host);
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(AF_INET, copy.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
}

absl::StatusOr<std::shared_ptr<ssl::context>> NewTlsContext(const config::TlsConfig& tls,
                                                            const ClientIdentity* identity) {
  const bool has_ca = !tls.ca_data.empty() || !tls.ca_file.empty();
  if (tls.insecure_skip_verify && has_ca) {
    return absl::InvalidArgumentError(
        "specifying a root certificates file with the insecure flag is not allowed");
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  static constexpr unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(native, kAlpn, sizeof(kAlpn));

  if (tls.insecure_skip_verify) {
    SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
    if (has_ca) {
      absl::StatusOr<std::string> ca = DataOrFile(tls.ca_data, tls.ca_file, "CA file");
      if (!ca.ok()) return ca.status();
      if (absl::Status added = AddCertificateAuthorities(native, *ca); !added.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(tls.ca_data.empty() ? absl::StrCat("CA file ", tls.ca_file) : "ca_data",
                         ": ", added.message()));
      }
    } else if (SSL_CTX_set_default_verify_paths(native) != 1) {
      return absl::InternalError(
          absl::StrCat("loading the system certificate authorities: ", OpenSslErrors()));
    }
  }

  std::string cert;
  std::string key;
  if (identity != nullptr) {
    cert = identity->certificate_pem;
    key = identity->key_pem;
  } else {
    absl::StatusOr<std::string> cert_read =
        DataOrFile(tls.cert_data, tls.cert_file, "client certificate");
    if (!cert_read.ok()) return cert_read.status();
    absl::StatusOr<std::string> key_read = DataOrFile(tls.key_data, tls.key_file, "client key");
    if (!key_read.ok()) return key_read.status();
    cert = *std::move(cert_read);
    key = *std::move(key_read);
  }
  if (cert.empty() != key.empty()) {
    return absl::InvalidArgumentError(cert.empty() ? "client key given without a certificate"
                                                   : "client certificate given without a key");
  }
  if (!cert.empty()) {
    boost::system::error_code ec;
    context->use_certificate_chain(boost::asio::buffer(cert), ec);
    if (ec) {
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat("loading the client certificate: ", ec.message()));
    }
    context->use_private_key(boost::asio::buffer(key), ssl::context::pem, ec);
    if (ec) {
      ERR_clear_error();
      if (ec.category() == boost::asio::error::get_ssl_category() &&
          ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
        return absl::InvalidArgumentError("the client key does not match the client certificate");
      }
      return absl::InvalidArgumentError(absl::StrCat("loading the client key: ", ec.message()));
    }
    if (SSL_CTX_check_private_key(native) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("the client key does not match the client certificate: ", OpenSslErrors()));
    }
  }
  return context;
}

absl::Status PrepareTlsConnection(SSL* ssl, absl::string_view host, const config::TlsConfig& tls) {
  std::string name(tls.server_name.empty() ? host : absl::string_view(tls.server_name));
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  const bool is_ip = IsIpLiteral(name);
  if (!is_ip && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot use \"", name, "\" as TLS server name: ", OpenSslErrors()));
  }
  if (tls.insecure_skip_verify) return absl::OkStatus();
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (is_ip) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("bad IP address \"", name, "\""));
    }
  } else {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size()) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("bad host name \"", name, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status TlsHandshakeStatus(SSL* ssl, const boost::system::error_code& error,
                                absl::string_view server) {
  const long verify = SSL_get_verify_result(ssl);
  ERR_clear_error();
  if (verify != X509_V_OK && (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0) {
    return absl::UnauthenticatedError(
        absl::StrCat("TLS: the certificate of ", server,
                     " failed verification: ", X509_verify_cert_error_string(verify)));
  }
  return absl::UnavailableError(
      absl::StrCat("TLS handshake with ", server, " failed: ", error.message()));
}

}  // namespace kube::transport
