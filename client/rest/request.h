// kube::rest::Request — the fluent builder for one apiserver request (client-go's rest.Request).
//
// Where it sits: typed/dynamic clients and tools build Requests from a RestClient
// (rest_client.h) and run them with Do() (buffered) or Watch() (streaming):
//
//   absl::StatusOr<Result> cm = client->Get()
//       .Namespace("kube-system").Resource("configmaps").Name("kube-root-ca.crt").Do();
//   absl::StatusOr<Result> created = client->Post()
//       .GroupVersion("apps", "v1").Namespace("ns").Resource("deployments")
//       .Body(json, "application/json").Do();
//
// The path is /api/v1 for the core group ("") and /apis/<group>/<version> otherwise, then
// /namespaces/<ns> (when a non-empty namespace is set), /<resource>, /<name>, /<subresource>...;
// AbsPath() replaces all of that (discovery, /version). The RestClient puts its host's path
// prefix in front. Namespace, name and subresource segments are validated as client-go does
// (non-empty, not "." or "..", no '/' or '%') and percent-encoded where needed. Parameters are
// query-encoded, sorted by name (values of one name keep their order), as Go's url.Values does.
//
// Builder mistakes (an invalid segment, a header with CR/LF, the namespace set twice, ...)
// accumulate and are returned, all together, as InvalidArgument by Do() and Watch(); nothing is
// sent then.
//
// Thread-safety: a Request is a value; copy it freely, use one copy from one thread at a time.
// Do() and Watch() may run concurrently on different copies.
#ifndef KUBECPP_CLIENT_REST_REQUEST_H_
#define KUBECPP_CLIENT_REST_REQUEST_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/cancellation.h"
#include "client/rest/warning.h"
#include "client/rest/watch_stream.h"
#include "client/transport/transport.h"

namespace kube::rest {

// Result is a successful (2xx) response.
struct Result {
  int status_code = 0;
  transport::Headers headers;
  std::string content_type;  // the Content-Type header ("" when absent)
  std::string body;
  std::vector<Warning> warnings;
  bool WasCreated() const { return status_code == 201; }
};

class Request;

// BodySink receives a successful response's body as it arrives (DoStream): the Content-Type
// header, then the bytes in order, in chunks of no meaning. An error ends the exchange and is
// what DoStream returns.
using BodySink =
    absl::FunctionRef<absl::Status(absl::string_view content_type, absl::string_view chunk)>;

// RequestExecutor runs Requests; RestClient implements it. A seam for tests of code that builds
// Requests.
class RequestExecutor {
 public:
  virtual ~RequestExecutor() = default;
  virtual absl::StatusOr<Result> Execute(const Request& request) = 0;
  virtual absl::StatusOr<std::shared_ptr<WatchCall>> ExecuteWatch(
      const Request& request, std::shared_ptr<WatchHandler> handler) = 0;
  // ExecuteStream is Execute handing a 2xx body to `sink` instead of returning it. The default
  // buffers (Execute) and then hands the body over in one chunk; RestClient streams it.
  virtual absl::StatusOr<Result> ExecuteStream(const Request& request, BodySink sink);
};

class Request {
 public:
  // `verb` is the HTTP method ("GET", "POST", "PUT", "PATCH", "DELETE", ...). Without an
  // executor the Request can be built and inspected, and Do()/Watch() fail FailedPrecondition.
  explicit Request(absl::string_view verb, std::shared_ptr<RequestExecutor> executor = nullptr);

  // GroupVersion selects the API: ("", "v1") is the default (/api/v1).
  Request& GroupVersion(absl::string_view group, absl::string_view version);
  // Namespace scopes the request; "" means all namespaces (no /namespaces/ segment). Once only.
  Request& Namespace(absl::string_view namespace_name);
  // Resource is the lower-case plural ("configmaps"). Once only.
  Request& Resource(absl::string_view resource);
  // Name is the object's name; never empty. Once only.
  Request& Name(absl::string_view name);
  // SubResource appends a subresource segment ("status", "scale", "log"); repeatable for
  // multi-segment subresources ("proxy", "path").
  Request& SubResource(absl::string_view subresource);
  // AbsPath sets the whole path ("/version", "/apis/apps/v1"); excludes the setters above.
  Request& AbsPath(absl::string_view path);
  // Param adds a query parameter; a name may repeat.
  Request& Param(absl::string_view name, absl::string_view value);
  // Body sets the request body and its Content-Type.
  Request& Body(std::string body, absl::string_view content_type);
  // Accept sets the Accept header (default "application/json").
  Request& Accept(absl::string_view media_types);
  // Header adds a header (repeatable).
  Request& Header(absl::string_view name, absl::string_view value);
  // Timeout bounds the whole request, retries and rate-limiter waits included, and is sent as
  // the `timeout` parameter; it overrides RestConfig::timeout. InfiniteDuration() = none.
  // For a watch it bounds the stream (the config's timeout never applies to watches).
  Request& Timeout(absl::Duration timeout);
  // MaxRetries overrides RestClientOptions::max_retries for this request (0 = no retries).
  Request& MaxRetries(int max_retries);
  // CancelWith lets another thread abandon Do(): `cancellation`->Cancel() ends the exchange in
  // flight and Do() returns Cancelled (also before it starts or between retries).
  Request& CancelWith(std::shared_ptr<Cancellation> cancellation);

  // Do sends the request and buffers the response (see RestClient for retries and errors).
  absl::StatusOr<Result> Do() const;
  // DoStream is Do with the 2xx body handed to `sink` as it arrives (Result::body stays empty),
  // so a large body is never held whole. Retries happen only before the first body byte.
  absl::StatusOr<Result> DoStream(BodySink sink) const;
  // Watch starts a watch (adds watch=1 unless a `watch` parameter is present).
  absl::StatusOr<std::shared_ptr<WatchCall>> Watch(std::shared_ptr<WatchHandler> handler) const;

  // Inspection, for executors and tests.
  const std::string& verb() const { return verb_; }
  // BuildError is InvalidArgument listing every builder mistake, or OK.
  absl::Status BuildError() const;
  // Path is the request path without the client's prefix, percent-encoded.
  std::string Path() const;
  // PathTemplate is Path with the namespace and name replaced by {namespace} and {name}.
  std::string PathTemplate() const;
  // Query is the encoded query without '?'; `extra` parameters are merged in.
  std::string Query(const std::vector<std::pair<std::string, std::string>>& extra = {}) const;
  bool HasParam(absl::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& params() const { return params_; }
  const transport::Headers& headers() const { return headers_; }
  const std::string& body() const { return body_; }
  const std::string& content_type() const { return content_type_; }
  const std::string& accept() const { return accept_; }
  std::optional<absl::Duration> timeout() const { return timeout_; }
  std::optional<int> max_retries() const { return max_retries_; }
  const std::shared_ptr<Cancellation>& cancellation() const { return cancellation_; }

 private:
  void AddError(std::string error);
  bool ValidSegment(absl::string_view what, absl::string_view segment);
  std::string BuildPath(bool as_template) const;

  std::shared_ptr<RequestExecutor> executor_;
  std::string verb_;
  std::string group_;
  std::string version_ = "v1";
  std::optional<std::string> namespace_;
  std::optional<std::string> resource_;
  std::optional<std::string> name_;
  std::vector<std::string> subresources_;
  std::optional<std::string> abs_path_;
  std::vector<std::pair<std::string, std::string>> params_;
  transport::Headers headers_;
  std::string body_;
  std::string content_type_;
  std::string accept_ = "application/json";
  std::optional<absl::Duration> timeout_;
  std::optional<int> max_retries_;
  std::shared_ptr<Cancellation> cancellation_;
  std::vector<std::string> errors_;
};

// IsValidPathSegment reports whether `segment` may be a namespace, name or subresource: not
// empty, not "." or "..", without '/' or '%'.
bool IsValidPathSegment(absl::string_view segment);

// FormatGoDuration renders `d` as Go's time.ParseDuration reads it ("30s", "1500ms", "250us").
std::string FormatGoDuration(absl::Duration d);

}  // namespace kube::rest

#endif  // KUBECPP_CLIENT_REST_REQUEST_H_
