#include "client/rest/watch_event.h"

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json.hpp"
#include "client/rest/internal/proto_wire.h"
#include "client/rest/status.h"

namespace kube::rest {
namespace {

using internal::ProtoField;
using internal::WireType;

absl::Status Malformed(absl::string_view what, size_t offset) {
  return absl::DataLossError(
      absl::StrCat("malformed JSON watch event: ", what, " at byte ", offset));
}

bool IsWhitespace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

size_t SkipWhitespace(absl::string_view s, size_t i) {
  while (i < s.size() && IsWhitespace(s[i])) ++i;
  return i;
}

// StringEnd returns the index just past the string starting with the quote at `i`.
absl::StatusOr<size_t> StringEnd(absl::string_view s, size_t i) {
  for (++i;;) {
    i = s.find_first_of("\"\\", i);
    if (i == absl::string_view::npos) return Malformed("unterminated string", s.size());
    if (s[i] == '"') return i + 1;
    i += 2;  // a backslash and the byte it escapes
  }
}

// ValueEnd returns the index just past the JSON value starting at `i` (framing only: strings,
// matched brackets, literal runs).
absl::StatusOr<size_t> ValueEnd(absl::string_view s, size_t i) {
  if (i >= s.size()) return Malformed("missing value", i);
  const char c = s[i];
  if (c == '"') return StringEnd(s, i);
  if (c == '{' || c == '[') {
    std::string brackets(1, c);
    for (++i;; ++i) {
      i = s.find_first_of("\"{}[]", i);
      if (i == absl::string_view::npos) return Malformed("unterminated value", s.size());
      const char d = s[i];
      if (d == '"') {
        absl::StatusOr<size_t> end = StringEnd(s, i);
        if (!end.ok()) return end;
        i = *end - 1;
      } else if (d == '{' || d == '[') {
        brackets.push_back(d);
      } else {
        if (d != (brackets.back() == '{' ? '}' : ']')) return Malformed("mismatched bracket", i);
        brackets.pop_back();
        if (brackets.empty()) return i + 1;
      }
    }
  }
  const size_t start = i;
  while (i < s.size() && (absl::ascii_isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' ||
                          s[i] == '+' || s[i] == '.')) {
    ++i;
  }
  if (i == start) return Malformed("unexpected byte", start);
  return i;
}

// DecodeString turns a JSON string token (with quotes) into its value.
absl::StatusOr<std::string> DecodeString(absl::string_view token) {
  absl::string_view inner = token.substr(1, token.size() - 2);
  if (inner.find('\\') == absl::string_view::npos) return std::string(inner);
  boost::system::error_code ec;
  boost::json::value v =
      boost::json::parse(boost::json::string_view(token.data(), token.size()), ec);
  if (ec || !v.is_string()) return absl::DataLossError("malformed JSON string in watch event");
  return std::string(v.get_string().data(), v.get_string().size());
}

absl::Status AttachError(WatchEvent& event) {
  if (event.type != WatchEventType::kError) return absl::OkStatus();
  absl::StatusOr<ApiStatus> api = event.encoding == WireEncoding::kJson
                                      ? ParseApiStatusJson(event.object)
                                      : ParseApiStatusProtobuf(event.object);
  if (!api.ok()) {
    event.error = absl::UnknownError(
        absl::StrCat("watch ERROR event whose object is not a Status: ", api.status().message()));
    return absl::OkStatus();
  }
  event.error = ToStatus(*api);
  if (event.error.ok()) {
    event.error = absl::UnknownError(
        absl::StrCat("watch ERROR event with a successful Status: ", api->message));
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view WatchEventTypeName(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
    case WatchEventType::kError:
      return "ERROR";
  }
  return "UNKNOWN";
}

absl::StatusOr<WatchEventType> ParseWatchEventType(absl::string_view name) {
  if (name == "ADDED") return WatchEventType::kAdded;
  if (name == "MODIFIED") return WatchEventType::kModified;
  if (name == "DELETED") return WatchEventType::kDeleted;
  if (name == "BOOKMARK") return WatchEventType::kBookmark;
  if (name == "ERROR") return WatchEventType::kError;
  return absl::InvalidArgumentError(
      absl::StrCat("watch event type \"", absl::CHexEscape(name.substr(0, 64)),
                   "\" is not one of ADDED, MODIFIED, DELETED, BOOKMARK, ERROR"));
}

absl::string_view MediaTypeOf(WireEncoding encoding) {
  return encoding == WireEncoding::kJson ? kJsonMediaType : kProtobufMediaType;
}

absl::StatusOr<WatchEvent> DecodeJsonWatchEvent(absl::string_view value) {
  size_t i = SkipWhitespace(value, 0);
  if (i >= value.size() || value[i] != '{') return Malformed("event is not a JSON object", i);
  i = SkipWhitespace(value, i + 1);
  std::optional<std::string> type;
  std::optional<absl::string_view> object;
  if (i < value.size() && value[i] == '}') {
    ++i;
  } else {
    for (;;) {
      if (i >= value.size() || value[i] != '"') return Malformed("expected a member name", i);
      absl::StatusOr<size_t> key_end = StringEnd(value, i);
      if (!key_end.ok()) return key_end.status();
      absl::StatusOr<std::string> key = DecodeString(value.substr(i, *key_end - i));
      if (!key.ok()) return key.status();
      i = SkipWhitespace(value, *key_end);
      if (i >= value.size() || value[i] != ':') return Malformed("expected ':'", i);
      i = SkipWhitespace(value, i + 1);
      absl::StatusOr<size_t> value_end = ValueEnd(value, i);
      if (!value_end.ok()) return value_end.status();
      const absl::string_view member = value.substr(i, *value_end - i);
      // As Go's encoding/json, the last of duplicate members wins.
      if (*key == "type") {
        if (member[0] != '"') return Malformed("\"type\" is not a string", i);
        absl::StatusOr<std::string> name = DecodeString(member);
        if (!name.ok()) return name.status();
        type = *std::move(name);
      } else if (*key == "object") {
        object = member;
      }
      i = SkipWhitespace(value, *value_end);
      if (i < value.size() && value[i] == ',') {
        i = SkipWhitespace(value, i + 1);
        continue;
      }
      if (i < value.size() && value[i] == '}') {
        ++i;
        break;
      }
      return Malformed("expected ',' or '}'", i);
    }
  }
  if (SkipWhitespace(value, i) != value.size()) return Malformed("bytes after the event", i);
  if (!type.has_value()) return absl::DataLossError("JSON watch event without a \"type\"");
  absl::StatusOr<WatchEventType> parsed = ParseWatchEventType(*type);
  if (!parsed.ok()) return parsed.status();
  if (!object.has_value() || object->empty() || (*object)[0] != '{') {
    return absl::DataLossError(
        absl::StrCat("JSON watch event ", *type, " without an \"object\" that is a JSON object"));
  }
  WatchEvent event;
  event.type = *parsed;
  event.encoding = WireEncoding::kJson;
  event.object.assign(object->data(), object->size());
  if (absl::Status s = AttachError(event); !s.ok()) return s;
  return event;
}

absl::StatusOr<WatchEvent> DecodeProtobufWatchEvent(absl::string_view frame) {
  std::optional<absl::string_view> type;
  std::optional<absl::string_view> raw;
  absl::Status s = internal::ForEachField(frame, [&](const ProtoField& f) -> absl::Status {
    if (f.number == 1) {
      if (f.type != WireType::kLengthDelimited) {
        return absl::DataLossError("WatchEvent.type has the wrong wire type");
      }
      type = f.bytes;
    } else if (f.number == 2) {
      if (f.type != WireType::kLengthDelimited) {
        return absl::DataLossError("WatchEvent.object has the wrong wire type");
      }
      // RawExtension {raw = 1}; an absent raw is an empty object.
      raw = absl::string_view();
      return internal::ForEachField(f.bytes, [&](const ProtoField& g) -> absl::Status {
        if (g.number != 1) return absl::OkStatus();
        if (g.type != WireType::kLengthDelimited) {
          return absl::DataLossError("RawExtension.raw has the wrong wire type");
        }
        raw = g.bytes;
        return absl::OkStatus();
      });
    }
    return absl::OkStatus();
  });
  if (!s.ok()) {
    if (s.code() == absl::StatusCode::kInvalidArgument) {
      return absl::DataLossError(absl::StrCat("malformed protobuf watch event: ", s.message()));
    }
    return s;
  }
  if (!type.has_value()) return absl::DataLossError("protobuf watch event without a type");
  absl::StatusOr<WatchEventType> parsed = ParseWatchEventType(*type);
  if (!parsed.ok()) return parsed.status();
  if (!raw.has_value() || raw->empty()) {
    return absl::DataLossError(absl::StrCat("protobuf watch event ", *type, " without an object"));
  }
  WatchEvent event;
  event.type = *parsed;
  event.encoding = WireEncoding::kProtobuf;
  event.object.assign(raw->data(), raw->size());
  if (absl::Status st = AttachError(event); !st.ok()) return st;
  return event;
}

absl::StatusOr<WireEncoding> WatchEncodingForContentType(absl::string_view content_type) {
  absl::string_view media = content_type.substr(0, content_type.find(';'));
  media = absl::StripAsciiWhitespace(media);
  if (media.empty() || absl::EqualsIgnoreCase(media, kJsonMediaType)) return WireEncoding::kJson;
  if (absl::EqualsIgnoreCase(media, kProtobufMediaType)) return WireEncoding::kProtobuf;
  return absl::UnimplementedError(absl::StrCat("unsupported watch content type \"",
                                               absl::CHexEscape(content_type.substr(0, 128)),
                                               "\" (kubecpp reads JSON and protobuf)"));
}

WatchEventDecoder::WatchEventDecoder(WireEncoding encoding, Options options)
    : encoding_(encoding),
      framer_(
          encoding == WireEncoding::kJson
              ? decltype(framer_)(std::in_place_type<JsonValueSplitter>, options.max_event_bytes)
              : decltype(framer_)(std::in_place_type<LengthPrefixedFrameReader>,
                                  options.max_event_bytes)) {}

absl::Status WatchEventDecoder::Feed(absl::string_view chunk, EventCallback on_event) {
  if (auto* json = std::get_if<JsonValueSplitter>(&framer_)) {
    return json->Feed(chunk, [&](absl::string_view value) -> absl::Status {
      absl::StatusOr<WatchEvent> event = DecodeJsonWatchEvent(value);
      if (!event.ok()) return event.status();
      return on_event(*std::move(event));
    });
  }
  return std::get<LengthPrefixedFrameReader>(framer_).Feed(
      chunk, [&](absl::string_view frame) -> absl::Status {
        absl::StatusOr<WatchEvent> event = DecodeProtobufWatchEvent(frame);
        if (!event.ok()) return event.status();
        return on_event(*std::move(event));
      });
}

absl::Status WatchEventDecoder::Finish() {
  if (auto* json = std::get_if<JsonValueSplitter>(&framer_)) {
    // A trailing bare literal is no event.
    return json->Finish([](absl::string_view value) {
      return absl::DataLossError(absl::StrCat("watch stream ended with a non-event JSON value \"",
                                              absl::CHexEscape(value.substr(0, 64)), "\""));
    });
  }
  return std::get<LengthPrefixedFrameReader>(framer_).Finish();
}

size_t WatchEventDecoder::BufferedBytes() const {
  if (const auto* json = std::get_if<JsonValueSplitter>(&framer_)) return json->BufferedBytes();
  return std::get<LengthPrefixedFrameReader>(framer_).BufferedBytes();
}

}  // namespace kube::rest
