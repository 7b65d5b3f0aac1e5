// kube::transport::testing::FakeHttpServer — a scripted HTTP/1.1 server on 127.0.0.1 for
// transport tests.
//
// Each accepted connection runs the test's handler on its own thread with a FakeConnection: the
// handler reads requests and writes whatever bytes it likes (well-formed or not), resets or
// closes the connection, or waits for the client to go away. That is how tests produce faults
// the real apiserver will not produce on demand: a reset in the middle of a body, a truncated
// chunked body, a stalled stream, a malformed head, garbage gzip.
//
// Every blocking call takes a timeout so a broken test fails instead of hanging. Destroying the
// server stops accepting, shuts every live connection down (waking its handler) and joins.
//
// Thread-safety: the server's methods are thread-safe; a FakeConnection belongs to its handler.
#ifndef KUBECPP_CLIENT_TRANSPORT_TESTING_FAKE_HTTP_SERVER_H_
#define KUBECPP_CLIENT_TRANSPORT_TESTING_FAKE_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace kube::transport::testing {

struct FakeRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Header returns the first value of `name` (case-insensitive).
  std::optional<std::string> Header(absl::string_view name) const;
  // HeaderValues returns every value of `name`, in order.
  std::vector<std::string> HeaderValues(absl::string_view name) const;
};

class FakeHttpServer;

class FakeConnection {
 public:
  FakeConnection(const FakeConnection&) = delete;
  FakeConnection& operator=(const FakeConnection&) = delete;

  // ReadRequest reads one request head and its Content-Length body; nullopt when the client
  // closed the connection, on a malformed request, or after `timeout`.
  std::optional<FakeRequest> ReadRequest(absl::Duration timeout = absl::Seconds(10));
  // Write sends all of `bytes`; false when the client is gone.
  bool Write(absl::string_view bytes);
  // Reset aborts the connection with a TCP RST.
  void Reset();
  // Close closes the connection normally (FIN).
  void Close();
  // WaitForClientClose returns true once the client closed the connection (bytes it sends
  // meanwhile are discarded), false after `timeout`.
  bool WaitForClientClose(absl::Duration timeout = absl::Seconds(10));

 private:
  friend class FakeHttpServer;
  FakeConnection(FakeHttpServer* server, int fd) : server_(server), fd_(fd) {}
  // ReadMore appends what the socket has to buffer_; false on EOF, error or timeout.
  bool ReadMore(absl::Time deadline);

  FakeHttpServer* server_;
  int fd_;
  std::string buffer_;
};

class FakeHttpServer {
 public:
  using Handler = std::function<void(FakeConnection&)>;

  // Start listens on 127.0.0.1 on a port the kernel picks and serves each connection with
  // `handler` on its own thread.
  static absl::StatusOr<std::unique_ptr<FakeHttpServer>> Start(Handler handler);

  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;
  ~FakeHttpServer();

  uint16_t port() const { return port_; }
  // "http://127.0.0.1:<port>"
  std::string url() const;
  // Connections accepted so far.
  int connections_accepted() const;

 private:
  friend class FakeConnection;
  FakeHttpServer(Handler handler, int listen_fd, uint16_t port);
  void AcceptLoop();
  void Serve(int fd);
  // CloseFd closes a connection's descriptor once, under the lock that Stop uses.
  void CloseFd(int& fd, bool reset);

  const Handler handler_;
  const int listen_fd_;
  const uint16_t port_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int accepted_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_set<int> live_fds_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> connection_threads_ ABSL_GUARDED_BY(mu_);
  std::thread accept_thread_;
};

// HttpResponse renders a complete response with Content-Length.
std::string HttpResponse(int status, absl::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers = {});
// ChunkedResponseHead renders a response head with Transfer-Encoding: chunked.
std::string ChunkedResponseHead(
    int status, const std::vector<std::pair<std::string, std::string>>& headers = {});
// Chunk renders one chunk of a chunked body; LastChunk ends the body.
std::string Chunk(absl::string_view data);
std::string LastChunk();

}  // namespace kube::transport::testing

#endif  // KUBECPP_CLIENT_TRANSPORT_TESTING_FAKE_HTTP_SERVER_H_
