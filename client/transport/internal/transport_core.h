// kube::transport::internal::TransportCore — what every exchange of one HTTP transport shares:
// the event loop and its threads, the server, TLS contexts, credentials, the connection pool,
// and the set of running exchanges (so destruction can cancel them).
//
// Lifetime: HttpTransport owns the core and calls Shutdown() when destroyed. Exchanges refer to
// the core by reference; Shutdown() waits until each has finished before stopping the threads,
// and the io_context (a member) outlives every socket and timer.
//
// Thread-safety: thread-safe.
#ifndef KUBECPP_CLIENT_TRANSPORT_INTERNAL_TRANSPORT_CORE_H_
#define KUBECPP_CLIENT_TRANSPORT_INTERNAL_TRANSPORT_CORE_H_

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ssl/context.hpp"
#include "client/config/rest_config.h"
#include "client/transport/credentials.h"
#include "client/transport/http_transport.h"
#include "client/transport/internal/connection.h"
#include "client/transport/internal/server_url.h"
#include "client/transport/transport.h"

namespace kube::transport::internal {

class Exchange;

class TransportCore {
 public:
  static absl::StatusOr<std::shared_ptr<TransportCore>> Create(const config::RestConfig& config,
                                                               const HttpTransportOptions& options);
  TransportCore(const TransportCore&) = delete;
  TransportCore& operator=(const TransportCore&) = delete;
  ~TransportCore();

  // Shutdown cancels every exchange, waits for them to end, stops and joins the threads. Called
  // on one of the core's own threads it does that on a new detached thread (which then owns
  // `core`), since a thread cannot join itself.
  static void Shutdown(std::shared_ptr<TransportCore> core);

  // OnAnyIoThread tells whether the calling thread runs the event loop of some transport.
  static bool OnAnyIoThread();

  boost::asio::io_context& io() { return io_; }
  const ServerUrl& server() const { return server_; }
  const config::TlsConfig& tls() const { return tls_; }
  const HttpTransportOptions& options() const { return options_; }
  CredentialSource* credentials() const { return credentials_.get(); }
  const Headers& impersonation() const { return impersonation_; }
  const std::string& user_agent() const { return user_agent_; }
  bool disable_compression() const { return disable_compression_; }
  ConnectionPool& pool() { return pool_; }
  TransportObserver* observer() const { return options_.observer.get(); }

  // TlsContextFor returns the TLS context for a request made with `credentials`: the
  // configured one, or one carrying the exec plugin's client certificate. Null for plain http.
  absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> TlsContextFor(
      const Credentials& credentials);

  // Register adds a starting exchange; false once shutdown began. Unregister removes it.
  bool Register(Exchange* exchange);
  void Unregister(Exchange* exchange);

 private:
  TransportCore(const HttpTransportOptions& options, ServerUrl server);
  void StartThreads();
  void ShutdownAndJoin();

  // Declared first: destroyed last, after every socket and timer.
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;

  const HttpTransportOptions options_;
  const ServerUrl server_;
  config::TlsConfig tls_;
  std::shared_ptr<boost::asio::ssl::context> base_tls_context_;
  std::shared_ptr<CredentialSource> credentials_;
  Headers impersonation_;
  std::string user_agent_;
  bool disable_compression_ = false;
  ConnectionPool pool_;

  absl::Mutex tls_mu_;
  std::shared_ptr<const ClientIdentity> identity_ ABSL_GUARDED_BY(tls_mu_);
  std::shared_ptr<boost::asio::ssl::context> identity_context_ ABSL_GUARDED_BY(tls_mu_);

  absl::Mutex mu_;
  absl::flat_hash_set<Exchange*> active_ ABSL_GUARDED_BY(mu_);
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ = false;  // set by ShutdownAndJoin, checked by the destructor
};

}  // namespace kube::transport::internal

#endif  // KUBECPP_CLIENT_TRANSPORT_INTERNAL_TRANSPORT_CORE_H_
