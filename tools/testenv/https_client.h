// kube::testenv::HttpsExchange — a minimal, blocking HTTPS client for tests.
//
// Test-only: it lets tests of layers below client/transport (codecs, kubeconfig, the transport
// itself) talk to the real testenv apiserver with nothing but Beast, the testenv CA and a token.
// One connection per call; no retries, no pooling. Production code uses client/transport.
#ifndef KUBECPP_TOOLS_TESTENV_HTTPS_CLIENT_H_
#define KUBECPP_TOOLS_TESTENV_HTTPS_CLIENT_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "tools/testenv/testenv.h"

namespace kube::testenv {

struct HttpsReply {
  int status = 0;
  std::string content_type;
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  std::string body;
};

struct HttpsCall {
  std::string method = "GET";
  std::string target;  // "/api/v1/namespaces/default"
  std::string token;   // bearer token; empty = none
  std::string accept = "application/json";
  std::string content_type;  // for a body
  std::string body;
};

// HttpsExchange performs one call against env's apiserver, verifying its certificate with the
// testenv CA. Transport failures are errors; every HTTP status is a reply.
absl::StatusOr<HttpsReply> HttpsExchange(const Environment& env, const HttpsCall& call);

}  // namespace kube::testenv

#endif  // KUBECPP_TOOLS_TESTENV_HTTPS_CLIENT_H_
