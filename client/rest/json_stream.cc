#include "client/rest/json_stream.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace kube::rest {
namespace {

bool IsWhitespace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

bool IsLiteralStart(char c) {
  return c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n';
}

bool IsLiteralByte(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
         c == '+' || c == '.';
}

}  // namespace

JsonValueSplitter::JsonValueSplitter(size_t max_value_bytes) : max_value_bytes_(max_value_bytes) {}

absl::Status JsonValueSplitter::Fail(absl::Status status) {
  status_ = std::move(status);
  buffer_.clear();
  brackets_.clear();
  scan_ = 0;
  return status_;
}

absl::Status JsonValueSplitter::Feed(absl::string_view chunk, ValueCallback on_value) {
  if (!status_.ok()) return status_;
  buffer_.append(chunk.data(), chunk.size());
  return Scan(on_value);
}

absl::Status JsonValueSplitter::Scan(ValueCallback on_value) {
  const absl::string_view b = buffer_;
  const size_t n = b.size();
  size_t i = scan_;
  size_t consumed = 0;     // bytes of buffer_ no longer needed
  size_t value_start = 0;  // start of the value being scanned (state_ != kBetween)

  auto too_large = [&](size_t length) {
    return Fail(absl::ResourceExhaustedError(
        absl::StrCat("JSON value at stream offset ", stream_offset_ + value_start, " exceeds ",
                     max_value_bytes_, " bytes (", length, " bytes so far)")));
  };
  // Searches inside an open value stop where it would exceed the cap, so a value that is both too
  // long and malformed further on fails the same way (ResourceExhausted) however it was chunked.
  auto search_end = [&]() {
    return n - value_start > max_value_bytes_ ? value_start + max_value_bytes_ + 1 : n;
  };
  auto find = [&](absl::string_view bytes, size_t from) {
    const size_t found = b.substr(0, search_end()).find_first_of(bytes, from);
    return found == absl::string_view::npos ? search_end() : found;
  };
  auto emit = [&](size_t end) -> absl::Status {
    if (end - value_start > max_value_bytes_) return too_large(end - value_start);
    state_ = State::kBetween;
    consumed = end;
    absl::Status s = on_value(b.substr(value_start, end - value_start));
    if (!s.ok()) return Fail(std::move(s));
    return absl::OkStatus();
  };

  while (i < n) {
    switch (state_) {
      case State::kBetween: {
        const char c = b[i];
        if (IsWhitespace(c)) {
          consumed = ++i;
          continue;
        }
        value_start = i;
        if (c == '{' || c == '[') {
          brackets_.assign(1, c);
          in_string_ = false;
          state_ = State::kContainer;
        } else if (c == '"') {
          escape_ = false;
          state_ = State::kTopString;
        } else if (IsLiteralStart(c)) {
          state_ = State::kLiteral;
        } else {
          return Fail(absl::DataLossError(
              absl::StrCat("unexpected byte '", absl::CHexEscape(absl::string_view(&c, 1)),
                           "' between JSON values at stream offset ", stream_offset_ + i)));
        }
        ++i;
        break;
      }
      case State::kContainer: {
        if (in_string_ || escape_) {
          if (escape_) {
            escape_ = false;
            ++i;
            break;
          }
          // Jump to the next quote or backslash inside the string.
          i = find("\"\\", i);
          if (i == search_end()) break;
          if (b[i] == '\\') {
            escape_ = true;
          } else {
            in_string_ = false;
          }
          ++i;
          break;
        }
        i = find("\"{}[]", i);
        if (i == search_end()) break;
        const char c = b[i];
        if (c == '"') {
          in_string_ = true;
        } else if (c == '{' || c == '[') {
          brackets_.push_back(c);
        } else {
          const char want = brackets_.back() == '{' ? '}' : ']';
          if (c != want) {
            return Fail(absl::DataLossError(absl::StrCat("mismatched '", absl::string_view(&c, 1),
                                                         "' in JSON value at stream offset ",
                                                         stream_offset_ + i)));
          }
          brackets_.pop_back();
          if (brackets_.empty()) {
            if (absl::Status s = emit(i + 1); !s.ok()) return s;
          }
        }
        ++i;
        break;
      }
      case State::kTopString: {
        if (escape_) {
          escape_ = false;
          ++i;
          break;
        }
        i = find("\"\\", i);
        if (i == search_end()) break;
        if (b[i] == '\\') {
          escape_ = true;
          ++i;
          break;
        }
        ++i;
        if (absl::Status s = emit(i); !s.ok()) return s;
        break;
      }
      case State::kLiteral: {
        if (IsLiteralByte(b[i])) {
          ++i;
          break;
        }
        // The byte that ended the literal is looked at again, between values.
        if (absl::Status s = emit(i); !s.ok()) return s;
        break;
      }
    }
    if (state_ != State::kBetween && i - value_start > max_value_bytes_) {
      return too_large(i - value_start);
    }
  }
  if (state_ != State::kBetween) consumed = value_start;
  buffer_.erase(0, consumed);
  stream_offset_ += consumed;
  scan_ = i - consumed;
  return absl::OkStatus();
}

absl::Status JsonValueSplitter::Finish(ValueCallback on_value) {
  if (!status_.ok()) return status_;
  switch (state_) {
    case State::kBetween:
      return absl::OkStatus();
    case State::kLiteral: {
      state_ = State::kBetween;
      std::string literal = std::move(buffer_);
      buffer_.clear();
      scan_ = 0;
      absl::Status s = on_value(literal);
      if (!s.ok()) return Fail(std::move(s));
      return absl::OkStatus();
    }
    case State::kContainer:
    case State::kTopString:
      break;
  }
  return Fail(absl::DataLossError(
      absl::StrCat("JSON stream ended inside a value that started at stream offset ",
                   stream_offset_, " (", buffer_.size(), " bytes buffered)")));
}

}  // namespace kube::rest
