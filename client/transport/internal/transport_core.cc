#include "client/transport/internal/transport_core.h"

#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/sync.h"
#include "client/transport/auth.h"
#include "client/transport/internal/exchange.h"
#include "client/transport/tls.h"

namespace kube::transport::internal {
namespace {

// The core whose event loop the current thread runs, if any.
thread_local const TransportCore* t_current_core = nullptr;

}  // namespace

absl::StatusOr<std::shared_ptr<TransportCore>> TransportCore::Create(
    const config::RestConfig& config, const HttpTransportOptions& options) {
  if (options.io_threads < 1) return absl::InvalidArgumentError("io_threads must be at least 1");
  absl::StatusOr<ServerUrl> server = ParseServerUrl(config.host);
  if (!server.ok()) return server.status();
  std::shared_ptr<TransportCore> core(new TransportCore(options, *std::move(server)));
  core->tls_ = config.tls;
  if (core->server_.tls) {
    absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> context =
        NewTlsContext(config.tls, nullptr);
    if (!context.ok()) return context.status();
    core->base_tls_context_ = *std::move(context);
  }
  absl::StatusOr<std::shared_ptr<CredentialSource>> credentials =
      NewCredentialSource(config, AuthOptions{.clock = options.clock,
                                              .token_file_period = options.token_file_period,
                                              .exec_timeout = options.exec_timeout});
  if (!credentials.ok()) return credentials.status();
  core->credentials_ = *std::move(credentials);
  absl::StatusOr<Headers> impersonation = ImpersonationHeaders(config.impersonate);
  if (!impersonation.ok()) return impersonation.status();
  core->impersonation_ = *std::move(impersonation);
  core->user_agent_ =
      config.user_agent.empty() ? std::string(kDefaultUserAgent) : config.user_agent;
  if (absl::string_view(core->user_agent_).find_first_of(absl::string_view("\r\n\0", 3)) !=
      absl::string_view::npos) {
    return absl::InvalidArgumentError("user_agent holds CR, LF or NUL");
  }
  core->disable_compression_ = config.disable_compression;
  core->StartThreads();
  return core;
}

TransportCore::TransportCore(const HttpTransportOptions& options, ServerUrl server)
    : io_(options.io_threads),
      options_(options),
      server_(std::move(server)),
      pool_(options.max_idle_connections_per_host, options.idle_connection_timeout) {}

TransportCore::~TransportCore() {
  // A core that never started threads (Create failed half way) has nothing to stop.
  if (!shut_down_ && !threads_.empty()) ShutdownAndJoin();
}

void TransportCore::StartThreads() {
  work_.emplace(io_.get_executor());
  for (int i = 0; i < options_.io_threads; ++i) {
    threads_.emplace_back([this] {
      t_current_core = this;
      for (;;) {
        try {
          io_.run();
          break;
        } catch (const std::exception&) {
          // A handler threw (allocation failure): keep the loop serving the other exchanges.
        }
      }
      t_current_core = nullptr;
    });
  }
}

bool TransportCore::OnAnyIoThread() { return t_current_core != nullptr; }

void TransportCore::Shutdown(std::shared_ptr<TransportCore> core) {
  if (core == nullptr) return;
  if (t_current_core == core.get()) {
    std::thread([core = std::move(core)]() mutable {
      core->ShutdownAndJoin();
      core.reset();
    }).detach();
    return;
  }
  core->ShutdownAndJoin();
}

void TransportCore::ShutdownAndJoin() {
  {
    MutexLock lock(&mu_);
    shutting_down_ = true;
    for (Exchange* exchange : active_) {
      exchange->PostCancel(absl::CancelledError("the transport was destroyed"));
    }
    AwaitCondition(mu_, absl::Condition(
                            +[](absl::flat_hash_set<Exchange*>* active) { return active->empty(); },
                            &active_));
  }
  // Joins an exec plugin thread; callbacks it still makes find their exchanges finished.
  credentials_.reset();
  work_.reset();
  io_.stop();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  pool_.Clear();
  shut_down_ = true;
}

absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> TransportCore::TlsContextFor(
    const Credentials& credentials) {
  if (!server_.tls) return std::shared_ptr<boost::asio::ssl::context>();
  if (credentials.client_identity == nullptr) return base_tls_context_;
  MutexLock lock(&tls_mu_);
  if (identity_ == credentials.client_identity) return identity_context_;
  absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> context =
      NewTlsContext(tls_, credentials.client_identity.get());
  if (!context.ok()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the client certificate from the exec plugin is unusable: ", context.status().message()));
  }
  identity_ = credentials.client_identity;
  identity_context_ = *context;
  return context;
}

bool TransportCore::Register(Exchange* exchange) {
  MutexLock lock(&mu_);
  if (shutting_down_) return false;
  active_.insert(exchange);
  return true;
}

void TransportCore::Unregister(Exchange* exchange) {
  MutexLock lock(&mu_);
  active_.erase(exchange);
}

}  // namespace kube::transport::internal
