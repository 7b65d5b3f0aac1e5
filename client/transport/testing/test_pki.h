// kube::transport::testing test PKI — throwaway certificates made in memory for TLS tests
// (a CA that did not sign the server's certificate, a key that does not match a certificate).
#ifndef KUBECPP_CLIENT_TRANSPORT_TESTING_TEST_PKI_H_
#define KUBECPP_CLIENT_TRANSPORT_TESTING_TEST_PKI_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kube::transport::testing {

struct TestCertificate {
  std::string certificate_pem;
  std::string key_pem;
};

// SelfSignedCa returns a fresh self-signed CA certificate (P-256, valid for a day) and its key.
TestCertificate SelfSignedCa(absl::string_view common_name);

}  // namespace kube::transport::testing

#endif  // KUBECPP_CLIENT_TRANSPORT_TESTING_TEST_PKI_H_
