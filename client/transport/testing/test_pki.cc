#include "client/transport/testing/test_pki.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <string>

namespace kube::transport::testing {
namespace {

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

void Check(bool ok) {
  if (!ok) std::abort();  // test-only helper: a failure here is a broken test environment
}

}  // namespace

TestCertificate SelfSignedCa(absl::string_view common_name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  Check(key != nullptr);
  X509* cert = X509_new();
  Check(cert != nullptr);
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  const std::string cn(common_name);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* constraints =
      X509V3_EXT_conf_nid(nullptr, &context, NID_basic_constraints, "critical,CA:TRUE");
  Check(constraints != nullptr);
  X509_add_ext(cert, constraints, -1);
  X509_EXTENSION_free(constraints);
  Check(X509_sign(cert, key, EVP_sha256()) > 0);

  TestCertificate result;
  BIO* cert_bio = BIO_new(BIO_s_mem());
  Check(PEM_write_bio_X509(cert_bio, cert) == 1);
  result.certificate_pem = BioToString(cert_bio);
  BIO_free(cert_bio);
  BIO* key_bio = BIO_new(BIO_s_mem());
  Check(PEM_write_bio_PrivateKey(key_bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  result.key_pem = BioToString(key_bio);
  BIO_free(key_bio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return result;
}

}  // namespace kube::transport::testing
