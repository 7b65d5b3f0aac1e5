#include "client/transport/testing/fake_transport.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/sync.h"

namespace kube::transport::testing {

struct FakeTransport::Expectation {
  std::string method;
  std::string target;
  bool stream = false;
  absl::StatusOr<Response> reply = absl::UnknownError("unset");
  FakeStream script;
};

struct FakeTransport::StreamRun {
  FakeStream script;
  std::shared_ptr<StreamHandler> handler;  // moved to the stream's thread when it starts
  absl::Mutex mu;
  StreamState state ABSL_GUARDED_BY(mu);
  bool in_body ABSL_GUARDED_BY(mu) = false;
  bool resume_during_body ABSL_GUARDED_BY(mu) = false;
};

class FakeTransport::FakeCall final : public Call {
 public:
  explicit FakeCall(std::shared_ptr<StreamRun> run) : run_(std::move(run)) {}

  void Cancel() override {
    MutexLock lock(&run_->mu);
    run_->state.cancelled = true;
  }

  void Resume() override {
    MutexLock lock(&run_->mu);
    ++run_->state.resumes;
    if (run_->in_body) {
      run_->resume_during_body = true;
    } else {
      run_->state.paused = false;
    }
  }

 private:
  std::shared_ptr<StreamRun> run_;
};

FakeTransport::FakeTransport(std::string base_url) : base_url_(std::move(base_url)) {}

FakeTransport::~FakeTransport() {
  std::vector<std::thread> threads;
  {
    MutexLock lock(&mu_);
    for (const std::shared_ptr<StreamRun>& run : streams_) {
      MutexLock run_lock(&run->mu);
      run->state.cancelled = true;
    }
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

void FakeTransport::ExpectRoundTrip(absl::string_view method, absl::string_view target,
                                    absl::StatusOr<Response> reply) {
  Expectation e;
  e.method = std::string(method);
  e.target = std::string(target);
  e.reply = std::move(reply);
  MutexLock lock(&mu_);
  expectations_.push_back(std::move(e));
}

void FakeTransport::ExpectStream(absl::string_view method, absl::string_view target,
                                 FakeStream stream) {
  Expectation e;
  e.method = std::string(method);
  e.target = std::string(target);
  e.stream = true;
  e.script = std::move(stream);
  MutexLock lock(&mu_);
  expectations_.push_back(std::move(e));
}

void FakeTransport::SetFallback(Responder responder) {
  MutexLock lock(&mu_);
  fallback_ = std::move(responder);
}

std::vector<Request> FakeTransport::Requests() const {
  MutexLock lock(&mu_);
  return requests_;
}

size_t FakeTransport::RequestCount() const {
  MutexLock lock(&mu_);
  return requests_.size();
}

std::vector<std::string> FakeTransport::Failures() const {
  MutexLock lock(&mu_);
  return failures_;
}

size_t FakeTransport::PendingExpectations() const {
  MutexLock lock(&mu_);
  return expectations_.size();
}

bool FakeTransport::AllExpectationsMet() const {
  MutexLock lock(&mu_);
  return expectations_.empty() && failures_.empty();
}

size_t FakeTransport::StreamCount() const {
  MutexLock lock(&mu_);
  return streams_.size();
}

StreamState FakeTransport::GetStreamState(size_t index) const {
  std::shared_ptr<StreamRun> run;
  {
    MutexLock lock(&mu_);
    if (index >= streams_.size()) return StreamState();
    run = streams_[index];
  }
  MutexLock lock(&run->mu);
  return run->state;
}

namespace {

template <typename Pred>
bool WaitOnRun(absl::Mutex& mu, absl::Duration timeout, const Pred& pred) {
  MutexLock lock(&mu);
  return AwaitConditionWithDeadline(mu, absl::Condition(&pred), absl::Now() + timeout);
}

}  // namespace

bool FakeTransport::WaitForStreamEnded(size_t index, absl::Duration timeout) const {
  std::shared_ptr<StreamRun> run;
  {
    MutexLock lock(&mu_);
    if (index >= streams_.size()) return false;
    run = streams_[index];
  }
  auto ended = [&run]() { return run->state.ended; };
  return WaitOnRun(run->mu, timeout, ended);
}

bool FakeTransport::WaitForStreamPaused(size_t index, absl::Duration timeout) const {
  std::shared_ptr<StreamRun> run;
  {
    MutexLock lock(&mu_);
    if (index >= streams_.size()) return false;
    run = streams_[index];
  }
  auto paused = [&run]() { return run->state.paused; };
  return WaitOnRun(run->mu, timeout, paused);
}

bool FakeTransport::WaitForStreamDelivered(size_t index, int on_body_calls,
                                           absl::Duration timeout) const {
  std::shared_ptr<StreamRun> run;
  {
    MutexLock lock(&mu_);
    if (index >= streams_.size()) return false;
    run = streams_[index];
  }
  auto delivered = [&run, on_body_calls]() { return run->state.on_body_calls >= on_body_calls; };
  return WaitOnRun(run->mu, timeout, delivered);
}

bool FakeTransport::TakeExpectation(const Request& request, bool stream, Expectation* out) {
  requests_.push_back(request);
  auto fail = [&](absl::string_view why) {
    failures_.push_back(absl::StrCat(stream ? "Stream " : "RoundTrip ", request.method, " ",
                                     request.target, ": ", why));
    return false;
  };
  if (expectations_.empty()) return fail("no expectation queued");
  Expectation& next = expectations_.front();
  if (next.stream != stream) {
    return fail(absl::StrCat("expected a ", next.stream ? "Stream" : "RoundTrip", " of ",
                             next.method, " ", next.target));
  }
  if ((!next.method.empty() && next.method != request.method) ||
      (!next.target.empty() && next.target != request.target)) {
    return fail(absl::StrCat("expected ", next.method, " ", next.target));
  }
  *out = std::move(next);
  expectations_.pop_front();
  return true;
}

absl::StatusOr<Response> FakeTransport::RoundTrip(const Request& request) {
  Responder fallback;
  {
    MutexLock lock(&mu_);
    if (expectations_.empty() && fallback_) {
      requests_.push_back(request);
      fallback = fallback_;
    } else {
      Expectation e;
      if (!TakeExpectation(request, /*stream=*/false, &e)) {
        return absl::InternalError(absl::StrCat("fake transport: unexpected RoundTrip ",
                                                request.method, " ", request.target, " (",
                                                failures_.back(), ")"));
      }
      return std::move(e.reply);
    }
  }
  return fallback(request);
}

std::shared_ptr<Call> FakeTransport::Stream(const Request& request,
                                            std::shared_ptr<StreamHandler> handler) {
  auto run = std::make_shared<StreamRun>();
  run->handler = std::move(handler);
  MutexLock lock(&mu_);
  Expectation e;
  if (TakeExpectation(request, /*stream=*/true, &e)) {
    run->script = std::move(e.script);
  } else {
    run->script.head.status = 0;
    run->script.end = absl::InternalError(
        absl::StrCat("fake transport: unexpected Stream ", request.method, " ", request.target));
  }
  streams_.push_back(run);
  threads_.emplace_back([run] { RunStream(run); });
  return std::make_shared<FakeCall>(run);
}

void FakeTransport::RunStream(std::shared_ptr<StreamRun> run) {
  std::shared_ptr<StreamHandler> handler;
  {
    MutexLock lock(&run->mu);
    handler = std::move(run->handler);
  }
  const FakeStream& script = run->script;
  auto cancelled = [&run]() { return run->state.cancelled; };
  auto runnable = [&run]() { return run->state.cancelled || !run->state.paused; };

  bool cancelled_early;
  {
    MutexLock lock(&run->mu);
    cancelled_early = run->state.cancelled;
  }
  if (!cancelled_early && script.head.status != 0) {
    handler->OnHead(script.head);
    for (const std::string& chunk : script.chunks) {
      {
        MutexLock lock(&run->mu);
        AwaitCondition(run->mu, absl::Condition(&runnable));
        if (run->state.cancelled) break;
        run->in_body = true;
        run->resume_during_body = false;
      }
      const bool more = handler->OnBody(chunk);
      MutexLock lock(&run->mu);
      run->in_body = false;
      ++run->state.on_body_calls;
      if (!more && !run->resume_during_body) {
        run->state.paused = true;
        ++run->state.pauses;
      }
    }
    MutexLock lock(&run->mu);
    // A paused reader does not notice the end of the body until it reads again.
    AwaitCondition(run->mu, absl::Condition(&runnable));
    if (script.hold_open) AwaitCondition(run->mu, absl::Condition(&cancelled));
  }
  absl::Status end;
  {
    MutexLock lock(&run->mu);
    end = run->state.cancelled ? absl::CancelledError("fake transport: cancelled") : script.end;
  }
  handler->OnEnd(end);
  handler.reset();
  MutexLock lock(&run->mu);
  run->state.ended = true;
  run->state.end_status = end;
}

Response FakeTransport::MakeResponse(int status, std::string body, Headers headers) {
  Response r;
  r.head.status = status;
  r.head.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

ResponseHead FakeTransport::MakeHead(int status, Headers headers) {
  ResponseHead head;
  head.status = status;
  head.headers = std::move(headers);
  return head;
}

std::vector<std::string> FakeTransport::Chunk(absl::string_view data, size_t size) {
  std::vector<std::string> chunks;
  if (size == 0) size = 1;
  for (size_t i = 0; i < data.size(); i += size) chunks.emplace_back(data.substr(i, size));
  return chunks;
}

std::vector<std::string> FakeTransport::RandomChunks(absl::string_view data, uint32_t seed,
                                                     size_t max_size) {
  std::mt19937 rng(seed);
  std::vector<std::string> chunks;
  if (max_size == 0) max_size = 1;
  size_t i = 0;
  while (i < data.size()) {
    const size_t n = std::min<size_t>(rng() % 3 == 0 ? 1 : 1 + rng() % max_size, data.size() - i);
    chunks.emplace_back(data.substr(i, n));
    i += n;
  }
  return chunks;
}

}  // namespace kube::transport::testing
