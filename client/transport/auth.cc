#include "client/transport/auth.h"

#include <deque>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "client/transport/exec_credential.h"
#include "client/transport/token_source.h"

namespace kube::transport {
namespace {

class StaticSource final : public CredentialSource {
 public:
  explicit StaticSource(Credentials credentials) : credentials_(std::move(credentials)) {}
  void Get(Callback done) override { done(credentials_); }

 private:
  const Credentials credentials_;
};

// TokenFileSource reads the token file through a cache; `fallback` (the config's bearer_token)
// is used while the file has never been read successfully.
class TokenFileSource final : public CredentialSource {
 public:
  TokenFileSource(std::unique_ptr<CachedFileTokenSource> file, std::string fallback)
      : file_(std::move(file)), fallback_(std::move(fallback)) {}

  void Get(Callback done) override {
    absl::StatusOr<std::string> token = file_->Token();
    if (token.ok()) {
      done(Credentials{.authorization = absl::StrCat("Bearer ", *token)});
    } else if (!fallback_.empty()) {
      done(Credentials{.authorization = absl::StrCat("Bearer ", fallback_)});
    } else {
      done(absl::UnauthenticatedError(
          absl::StrCat("getting credentials: ", token.status().message())));
    }
  }

 private:
  const std::unique_ptr<CachedFileTokenSource> file_;
  const std::string fallback_;
};

// ExecSource runs the plugin on its own thread so that Get never blocks an I/O thread; callers
// that arrive during a run share its result.
class ExecSource final : public CredentialSource {
 public:
  explicit ExecSource(std::unique_ptr<ExecCredentialProvider> provider)
      : provider_(std::move(provider)), worker_([this] { Work(); }) {}

  ~ExecSource() override {
    provider_->Cancel();  // a running plugin is killed
    {
      MutexLock lock(&mu_);
      stopping_ = true;
    }
    worker_.join();
    std::deque<Callback> left;
    {
      MutexLock lock(&mu_);
      left.swap(waiting_);
    }
    for (Callback& done : left) done(absl::CancelledError("credential source shut down"));
  }

  void Get(Callback done) override {
    if (std::shared_ptr<const ExecCredential> cached = provider_->Cached()) {
      done(ToCredentials(cached));
      return;
    }
    {
      MutexLock lock(&mu_);
      if (!stopping_) {
        waiting_.push_back(std::move(done));
        return;
      }
    }
    done(absl::CancelledError("credential source shut down"));
  }

  void Unauthorized(const Credentials& used) override {
    std::shared_ptr<const ExecCredential> current;
    {
      MutexLock lock(&mu_);
      if (current_ == nullptr || !SameCredentials(used, current_credentials_)) return;
      current = current_;
    }
    provider_->Invalidate(current.get());
  }

 private:
  static bool SameCredentials(const Credentials& a, const Credentials& b) {
    return a.authorization == b.authorization && a.client_identity == b.client_identity;
  }

  // ToCredentials hands out the same Credentials (and so the same ClientIdentity pointer) for
  // the same cached ExecCredential.
  Credentials ToCredentials(const std::shared_ptr<const ExecCredential>& credential) {
    MutexLock lock(&mu_);
    if (credential != current_) {
      current_ = credential;
      current_credentials_ = Credentials{};
      if (!credential->token.empty()) {
        current_credentials_.authorization = absl::StrCat("Bearer ", credential->token);
      }
      if (!credential->client_certificate_pem.empty()) {
        current_credentials_.client_identity = std::make_shared<const ClientIdentity>(
            ClientIdentity{credential->client_certificate_pem, credential->client_key_pem});
      }
    }
    return current_credentials_;
  }

  void Work() {
    for (;;) {
      std::deque<Callback> batch;
      {
        MutexLock lock(&mu_);
        AwaitCondition(mu_, absl::Condition(
                                +[](ExecSource* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
                                  return self->stopping_ || !self->waiting_.empty();
                                },
                                this));
        if (stopping_) return;
        batch.swap(waiting_);
      }
      absl::StatusOr<std::shared_ptr<const ExecCredential>> credential = provider_->Get();
      absl::StatusOr<Credentials> result =
          credential.ok() ? absl::StatusOr<Credentials>(ToCredentials(*credential))
                          : absl::StatusOr<Credentials>(credential.status());
      // A separate copy per callback: each goes to another exchange's thread, and Debian's
      // Abseil Status reference count is invisible to ThreadSanitizer.
      for (Callback& done : batch) {
        if (result.ok()) {
          done(*result);
        } else {
          done(absl::Status(result.status().code(), result.status().message()));
        }
      }
    }
  }

  const std::unique_ptr<ExecCredentialProvider> provider_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Callback> waiting_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const ExecCredential> current_ ABSL_GUARDED_BY(mu_);
  Credentials current_credentials_ ABSL_GUARDED_BY(mu_);
  std::thread worker_;  // last: starts after the members it uses exist
};

bool IsTokenChar(unsigned char c) {
  if (absl::ascii_isalnum(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool HasControlBreak(absl::string_view value) {
  return value.find_first_of(absl::string_view("\r\n\0", 3)) != absl::string_view::npos;
}

}  // namespace

std::shared_ptr<CredentialSource> NewStaticCredentialSource(Credentials credentials) {
  return std::make_shared<StaticSource>(std::move(credentials));
}

std::string BasicAuthorization(absl::string_view username, absl::string_view password) {
  return absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat(username, ":", password)));
}

std::string EscapeHeaderKey(absl::string_view key) {
  std::string escaped;
  for (unsigned char c : key) {
    if (IsTokenChar(c)) {
      escaped.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&escaped, "%%%02X", c);
    }
  }
  return escaped;
}

absl::StatusOr<Headers> ImpersonationHeaders(const config::Impersonation& impersonate) {
  Headers headers;
  auto add = [&](std::string name, const std::string& value) {
    headers.push_back({std::move(name), value});
  };
  if (!impersonate.user.empty()) add("Impersonate-User", impersonate.user);
  if (!impersonate.uid.empty()) add("Impersonate-Uid", impersonate.uid);
  for (const std::string& group : impersonate.groups) add("Impersonate-Group", group);
  for (const auto& [key, values] : impersonate.extra) {
    for (const std::string& value : values) {
      add(absl::StrCat("Impersonate-Extra-", EscapeHeaderKey(key)), value);
    }
  }
  for (const Header& header : headers) {
    if (HasControlBreak(header.value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("impersonation value for ", header.name, " holds CR, LF or NUL"));
    }
  }
  return headers;
}

void AddRequestHeaders(const Credentials& credentials, const Headers& impersonation,
                       absl::string_view user_agent, Headers& headers) {
  bool has_user_agent = false;
  bool has_authorization = false;
  bool has_impersonation = false;
  for (const Header& header : headers) {
    has_user_agent |= absl::EqualsIgnoreCase(header.name, "User-Agent");
    has_authorization |= absl::EqualsIgnoreCase(header.name, "Authorization");
    has_impersonation |= absl::StartsWithIgnoreCase(header.name, "Impersonate-");
  }
  if (!has_user_agent && !user_agent.empty()) {
    headers.push_back({"User-Agent", std::string(user_agent)});
  }
  if (!has_authorization && !credentials.authorization.empty()) {
    headers.push_back({"Authorization", credentials.authorization});
  }
  if (!has_impersonation) headers.insert(headers.end(), impersonation.begin(), impersonation.end());
}

absl::StatusOr<std::shared_ptr<CredentialSource>> NewCredentialSource(
    const config::RestConfig& config, const AuthOptions& options) {
  const bool has_token = !config.bearer_token.empty() || !config.bearer_token_file.empty();
  const bool has_basic = !config.username.empty() || !config.password.empty();
  if (has_token && has_basic) {
    return absl::InvalidArgumentError("username/password or bearer token may be set, but not both");
  }
  if (HasControlBreak(config.bearer_token) || HasControlBreak(config.username) ||
      HasControlBreak(config.password)) {
    return absl::InvalidArgumentError("credentials hold CR, LF or NUL");
  }
  if (!config.bearer_token_file.empty()) {
    auto file = std::make_unique<CachedFileTokenSource>(
        config.bearer_token_file, CachedFileTokenSource::Options{
                                      .period = options.token_file_period, .clock = options.clock});
    if (config.bearer_token.empty()) {
      absl::StatusOr<std::string> first = file->Token();
      if (!first.ok()) return first.status();
    }
    return std::shared_ptr<CredentialSource>(
        std::make_shared<TokenFileSource>(std::move(file), config.bearer_token));
  }
  if (!config.bearer_token.empty()) {
    return NewStaticCredentialSource(
        {.authorization = absl::StrCat("Bearer ", config.bearer_token)});
  }
  if (has_basic) {
    return NewStaticCredentialSource(
        {.authorization = BasicAuthorization(config.username, config.password)});
  }
  const bool has_certificate = !config.tls.cert_data.empty() || !config.tls.cert_file.empty();
  if (config.exec.has_value() && !has_certificate) {
    absl::StatusOr<std::unique_ptr<ExecCredentialProvider>> provider =
        ExecCredentialProvider::Create(config,
                                       {.clock = options.clock, .timeout = options.exec_timeout});
    if (!provider.ok()) return provider.status();
    return std::shared_ptr<CredentialSource>(std::make_shared<ExecSource>(*std::move(provider)));
  }
  return std::shared_ptr<CredentialSource>();
}

}  // namespace kube::transport
