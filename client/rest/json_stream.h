// kube::rest::JsonValueSplitter — cuts a byte stream into top-level JSON values.
//
// Where it sits: the body of a JSON watch (or any stream of concatenated JSON documents) arrives
// from the transport in chunks whose boundaries mean nothing (PROTOCOL.md "Watch streams"); this
// finds where each top-level value ends, whatever the chunking: several values in one chunk, one
// value across many chunks, newlines or no whitespace at all between values.
//
// It frames, it does not validate: it tracks strings (with escapes) and bracket nesting, checks
// that brackets match, and hands each value's exact bytes to the caller, who parses them
// (watch_event.h does). Top-level values may be objects, arrays, strings or bare literals
// (numbers, true, false, null); a bare literal ends at whitespace, at the start of the next value
// or at Finish(). Any other byte between values is an error.
//
// A value longer than `max_value_bytes` fails with ResourceExhausted before it is buffered whole
// (a peer cannot make us hold an unbounded value); malformed framing fails with DataLoss. Errors
// are sticky: once Feed() or Finish() failed, every later call returns the same error.
//
// Thread-safety: not thread-safe; one stream, one splitter.
#ifndef KUBECPP_CLIENT_REST_JSON_STREAM_H_
#define KUBECPP_CLIENT_REST_JSON_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kube::rest {

class JsonValueSplitter {
 public:
  // Objects in etcd are at most ~1.5 MiB; 16 MiB leaves room for large custom resources.
  static constexpr size_t kDefaultMaxValueBytes = size_t{16} << 20;

  // ValueCallback receives one complete value; the view is valid only during the call. An error
  // returned from it stops the splitter (sticky) and is returned by Feed/Finish.
  using ValueCallback = absl::FunctionRef<absl::Status(absl::string_view value)>;

  explicit JsonValueSplitter(size_t max_value_bytes = kDefaultMaxValueBytes);

  // Feed consumes `chunk`, calling `on_value` for each value it completes, in stream order.
  absl::Status Feed(absl::string_view chunk, ValueCallback on_value);

  // Finish ends the stream: emits a trailing bare literal; DataLoss if a value was cut off.
  absl::Status Finish(ValueCallback on_value);

  // BufferedBytes is how many bytes of an unfinished value are held.
  size_t BufferedBytes() const { return buffer_.size(); }

 private:
  enum class State { kBetween, kContainer, kTopString, kLiteral };

  // Scans buffer_ from scan_; emits complete values; then drops consumed bytes.
  absl::Status Scan(ValueCallback on_value);
  absl::Status Fail(absl::Status status);

  const size_t max_value_bytes_;
  std::string buffer_;  // unconsumed bytes: the start of an unfinished value, at offset 0
  size_t scan_ = 0;     // next byte of buffer_ to look at
  State state_ = State::kBetween;
  bool in_string_ = false;      // inside a string nested in a container
  bool escape_ = false;         // the previous string byte was a backslash
  std::string brackets_;        // open '{' / '[' of the current value
  uint64_t stream_offset_ = 0;  // stream position of buffer_[0], for messages
  absl::Status status_;
};

}  // namespace kube::rest

#endif  // KUBECPP_CLIENT_REST_JSON_STREAM_H_
