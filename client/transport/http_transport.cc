#include "client/transport/http_transport.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "client/transport/internal/exchange.h"
#include "client/transport/internal/transport_core.h"

namespace kube::transport {
namespace {

using internal::Exchange;
using internal::TransportCore;

// Collector buffers one exchange for RoundTrip.
class Collector final : public StreamHandler {
 public:
  void OnHead(const ResponseHead& head) override { response_.head = head; }

  bool OnBody(absl::string_view data) override {
    response_.body.append(data.data(), data.size());
    return true;
  }

  void OnEnd(const absl::Status& status) override {
    MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }

  absl::StatusOr<Response> Wait() {
    MutexLock lock(&mu_);
    AwaitCondition(mu_, absl::Condition(&done_));
    // Unshared: the exchange's thread may release this object's copy after the caller's.
    if (!status_.ok()) return internal::Unshared(status_);
    return std::move(response_);
  }

 private:
  Response response_;  // written on the I/O thread before OnEnd, read after Wait
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

// IgnoringHandler stands in for a null handler.
class IgnoringHandler final : public StreamHandler {
 public:
  void OnHead(const ResponseHead&) override {}
  bool OnBody(absl::string_view) override { return true; }
  void OnEnd(const absl::Status&) override {}
};

class HttpTransport final : public Transport {
 public:
  explicit HttpTransport(std::shared_ptr<TransportCore> core) : core_(std::move(core)) {}
  ~HttpTransport() override { TransportCore::Shutdown(std::move(core_)); }

  absl::StatusOr<Response> RoundTrip(const Request& request) override {
    if (TransportCore::OnAnyIoThread()) {
      return absl::FailedPreconditionError(
          "RoundTrip blocks and must not be called on a transport I/O thread (from a stream "
          "handler); use Stream");
    }
    auto collector = std::make_shared<Collector>();
    Exchange::Start(*core_, request, collector, /*buffered=*/true);
    return collector->Wait();
  }

  std::shared_ptr<Call> Stream(const Request& request,
                               std::shared_ptr<StreamHandler> handler) override {
    if (handler == nullptr) handler = std::make_shared<IgnoringHandler>();
    return Exchange::Start(*core_, request, std::move(handler), /*buffered=*/false);
  }

  const std::string& BaseUrl() const override { return core_->server().base_url; }

 private:
  std::shared_ptr<TransportCore> core_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<Transport>> NewHttpTransport(const config::RestConfig& config,
                                                            HttpTransportOptions options) {
  absl::StatusOr<std::shared_ptr<TransportCore>> core = TransportCore::Create(config, options);
  if (!core.ok()) return core.status();
  return std::shared_ptr<Transport>(std::make_shared<HttpTransport>(*std::move(core)));
}

}  // namespace kube::transport
