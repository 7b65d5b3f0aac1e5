// kube::plugin_sdk::Status and Error — how an SDK plugin reports failure.
//
// Part of the header-only plugin SDK (plugins/sdk/plugin.h is the entry point; guide:
// docs/plugins.md). Plugins do not link Abseil or any kubecpp library, so this is a small
// std-only Status whose codes are numbered exactly as absl::StatusCode and the C ABI's
// KUBE_PLUGIN_* codes.
//
// Return a Status for expected failures (a bad config, an object the plugin cannot handle);
// throw Error (or anything else) from deep inside helper code. The SDK catches every exception
// at the C boundary and turns it into a status for the host: Error keeps its code and message,
// std::bad_alloc becomes RESOURCE_EXHAUSTED, another std::exception INTERNAL with what(), and
// anything else UNKNOWN.
//
// Thread-safety: values; const methods may be called concurrently.
#ifndef KUBECPP_PLUGINS_SDK_STATUS_H_
#define KUBECPP_PLUGINS_SDK_STATUS_H_

#include <cstdint>
#include <exception>
#include <string>
#include <utility>

#include "plugins/abi/kube_plugin.h"

namespace kube::plugin_sdk {

enum class StatusCode : int32_t {
  kOk = KUBE_PLUGIN_OK,
  kCancelled = KUBE_PLUGIN_CANCELLED,
  kUnknown = KUBE_PLUGIN_UNKNOWN,
  kInvalidArgument = KUBE_PLUGIN_INVALID_ARGUMENT,
  kDeadlineExceeded = KUBE_PLUGIN_DEADLINE_EXCEEDED,
  kNotFound = KUBE_PLUGIN_NOT_FOUND,
  kAlreadyExists = KUBE_PLUGIN_ALREADY_EXISTS,
  kPermissionDenied = KUBE_PLUGIN_PERMISSION_DENIED,
  kResourceExhausted = KUBE_PLUGIN_RESOURCE_EXHAUSTED,
  kFailedPrecondition = KUBE_PLUGIN_FAILED_PRECONDITION,
  kAborted = KUBE_PLUGIN_ABORTED,
  kOutOfRange = KUBE_PLUGIN_OUT_OF_RANGE,
  kUnimplemented = KUBE_PLUGIN_UNIMPLEMENTED,
  kInternal = KUBE_PLUGIN_INTERNAL,
  kUnavailable = KUBE_PLUGIN_UNAVAILABLE,
  kDataLoss = KUBE_PLUGIN_DATA_LOSS,
  kUnauthenticated = KUBE_PLUGIN_UNAUTHENTICATED,
};

class Status {
 public:
  // An OK status.
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}
inline Status FailedPreconditionError(std::string message) {
  return Status(StatusCode::kFailedPrecondition, std::move(message));
}
inline Status NotFoundError(std::string message) {
  return Status(StatusCode::kNotFound, std::move(message));
}
inline Status InternalError(std::string message) {
  return Status(StatusCode::kInternal, std::move(message));
}

// Error carries a Status through exceptions. An OK status is reported as INTERNAL.
class Error : public std::exception {
 public:
  explicit Error(Status status) : status_(std::move(status)) {}
  Error(StatusCode code, std::string message) : status_(code, std::move(message)) {}

  const Status& status() const { return status_; }
  const char* what() const noexcept override { return status_.message().c_str(); }

 private:
  Status status_;
};

}  // namespace kube::plugin_sdk

#endif  // KUBECPP_PLUGINS_SDK_STATUS_H_
