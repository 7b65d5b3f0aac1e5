#include "client/rest/status.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json.hpp"
#include "client/rest/internal/proto_wire.h"

namespace kube::rest {
namespace {

namespace json = boost::json;
using internal::ProtoField;
using internal::WireType;

// The reasons client-go's errors package knows; an unknown reason lets the code decide.
constexpr std::array<absl::string_view, 19> kKnownReasons = {
    reason::kUnauthorized,
    reason::kForbidden,
    reason::kNotFound,
    reason::kAlreadyExists,
    reason::kConflict,
    reason::kGone,
    reason::kInvalid,
    reason::kServerTimeout,
    reason::kStorageReadError,
    reason::kTimeout,
    reason::kTooManyRequests,
    reason::kBadRequest,
    reason::kMethodNotAllowed,
    reason::kNotAcceptable,
    reason::kRequestEntityTooLarge,
    reason::kUnsupportedMediaType,
    reason::kInternalError,
    reason::kExpired,
    reason::kServiceUnavailable,
};

bool IsKnownReason(absl::string_view r) {
  return std::find(kKnownReasons.begin(), kKnownReasons.end(), r) != kKnownReasons.end();
}

int32_t ClampToInt32(int64_t v) {
  return static_cast<int32_t>(std::clamp<int64_t>(v, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

// ---- JSON -------------------------------------------------------------------------------------

absl::Status JsonString(const json::object& object, absl::string_view key, std::string* out) {
  const json::value* v = object.if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr || v->is_null()) return absl::OkStatus();
  const json::string* s = v->if_string();
  if (s == nullptr)
    return absl::InvalidArgumentError(absl::StrCat("Status.", key, " is not a string"));
  out->assign(s->data(), s->size());
  return absl::OkStatus();
}

absl::Status JsonInt32(const json::object& object, absl::string_view key, int32_t* out) {
  const json::value* v = object.if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr || v->is_null()) return absl::OkStatus();
  if (const int64_t* i = v->if_int64()) {
    *out = ClampToInt32(*i);
  } else if (const uint64_t* u = v->if_uint64()) {
    *out = std::numeric_limits<int32_t>::max();
    if (*u <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      *out = static_cast<int32_t>(*u);
    }
  } else if (const double* d = v->if_double()) {
    // Go would reject a fraction; accept integral values only.
    if (!(*d >= std::numeric_limits<int32_t>::min() && *d <= std::numeric_limits<int32_t>::max()) ||
        static_cast<double>(static_cast<int32_t>(*d)) != *d) {
      return absl::InvalidArgumentError(absl::StrCat("Status.", key, " is not an int32"));
    }
    *out = static_cast<int32_t>(*d);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("Status.", key, " is not a number"));
  }
  return absl::OkStatus();
}

absl::StatusOr<StatusDetails> DetailsFromJson(const json::object& object) {
  StatusDetails details;
  for (auto [key, target] : {std::pair{"name", &details.name}, std::pair{"group", &details.group},
                             std::pair{"kind", &details.kind}, std::pair{"uid", &details.uid}}) {
    if (absl::Status s = JsonString(object, key, target); !s.ok()) return s;
  }
  if (absl::Status s = JsonInt32(object, "retryAfterSeconds", &details.retry_after_seconds);
      !s.ok()) {
    return s;
  }
  if (const json::value* causes = object.if_contains("causes");
      causes != nullptr && !causes->is_null()) {
    const json::array* array = causes->if_array();
    if (array == nullptr) return absl::InvalidArgumentError("Status.details.causes is not a list");
    for (const json::value& item : *array) {
      const json::object* c = item.if_object();
      if (c == nullptr) return absl::InvalidArgumentError("a Status cause is not an object");
      StatusCause status_cause;
      // metav1.StatusCause calls its reason "reason" in JSON (Go field Type).
      for (auto [key, target] :
           {std::pair{"reason", &status_cause.reason}, std::pair{"message", &status_cause.message},
            std::pair{"field", &status_cause.field}}) {
        if (absl::Status s = JsonString(*c, key, target); !s.ok()) return s;
      }
      details.causes.push_back(std::move(status_cause));
    }
  }
  return details;
}

json::object DetailsToJson(const StatusDetails& details) {
  json::object object;
  if (!details.name.empty()) object["name"] = SanitizeUtf8(details.name);
  if (!details.group.empty()) object["group"] = SanitizeUtf8(details.group);
  if (!details.kind.empty()) object["kind"] = SanitizeUtf8(details.kind);
  if (!details.uid.empty()) object["uid"] = SanitizeUtf8(details.uid);
  if (!details.causes.empty()) {
    json::array causes;
    for (const StatusCause& c : details.causes) {
      json::object item;
      if (!c.reason.empty()) item["reason"] = SanitizeUtf8(c.reason);
      if (!c.message.empty()) item["message"] = SanitizeUtf8(c.message);
      if (!c.field.empty()) item["field"] = SanitizeUtf8(c.field);
      causes.emplace_back(std::move(item));
    }
    object["causes"] = std::move(causes);
  }
  if (details.retry_after_seconds != 0) object["retryAfterSeconds"] = details.retry_after_seconds;
  return object;
}

// ---- protobuf ---------------------------------------------------------------------------------

absl::Status ProtoString(const ProtoField& field, std::string* out) {
  if (field.type != WireType::kLengthDelimited) {
    return absl::InvalidArgumentError(
        absl::StrCat("Status field ", field.number, " has the wrong wire type"));
  }
  *out = SanitizeUtf8(field.bytes);
  return absl::OkStatus();
}

absl::Status ProtoInt32(const ProtoField& field, int32_t* out) {
  if (field.type != WireType::kVarint) {
    return absl::InvalidArgumentError(
        absl::StrCat("Status field ", field.number, " has the wrong wire type"));
  }
  // proto2 int32: negative values travel as 64-bit two's complement; truncation is the rule.
  *out = static_cast<int32_t>(static_cast<uint32_t>(field.varint));
  return absl::OkStatus();
}

absl::StatusOr<StatusCause> CauseFromProto(absl::string_view message) {
  StatusCause c;
  absl::Status s = internal::ForEachField(message, [&](const ProtoField& f) {
    switch (f.number) {
      case 1:
        return ProtoString(f, &c.reason);
      case 2:
        return ProtoString(f, &c.message);
      case 3:
        return ProtoString(f, &c.field);
      default:
        return absl::OkStatus();
    }
  });
  if (!s.ok()) return s;
  return c;
}

absl::StatusOr<StatusDetails> DetailsFromProto(absl::string_view message) {
  StatusDetails d;
  absl::Status s = internal::ForEachField(message, [&](const ProtoField& f) -> absl::Status {
    switch (f.number) {
      case 1:
        return ProtoString(f, &d.name);
      case 2:
        return ProtoString(f, &d.group);
      case 3:
        return ProtoString(f, &d.kind);
      case 4: {
        if (f.type != WireType::kLengthDelimited) {
          return absl::InvalidArgumentError("Status cause has the wrong wire type");
        }
        absl::StatusOr<StatusCause> c = CauseFromProto(f.bytes);
        if (!c.ok()) return c.status();
        d.causes.push_back(*std::move(c));
        return absl::OkStatus();
      }
      case 5:
        return ProtoInt32(f, &d.retry_after_seconds);
      case 6:
        return ProtoString(f, &d.uid);
      default:
        return absl::OkStatus();
    }
  });
  if (!s.ok()) return s;
  return d;
}

// ---- synthesized statuses ---------------------------------------------------------------------

// ReasonForCode is the reason a bare HTTP code implies, for bodies that are not a Status.
absl::string_view ReasonForCode(int code) {
  switch (code) {
    case 400:
      return reason::kBadRequest;
    case 401:
      return reason::kUnauthorized;
    case 403:
      return reason::kForbidden;
    case 404:
      return reason::kNotFound;
    case 405:
      return reason::kMethodNotAllowed;
    case 406:
      return reason::kNotAcceptable;
    case 409:
      return reason::kConflict;
    case 410:
      return reason::kGone;
    case 413:
      return reason::kRequestEntityTooLarge;
    case 415:
      return reason::kUnsupportedMediaType;
    case 422:
      return reason::kInvalid;
    case 429:
      return reason::kTooManyRequests;
    case 500:
      return reason::kInternalError;
    case 503:
      return reason::kServiceUnavailable;
    case 504:
      return reason::kTimeout;
    default:
      return "";
  }
}

absl::string_view GenericMessage(int code) {
  switch (code) {
    case 400:
      return "the server rejected the request as malformed";
    case 401:
      return "the server requires the client to authenticate";
    case 403:
      return "the server forbids access to the requested resource";
    case 404:
      return "the server has no such resource";
    case 405:
      return "the server does not allow this method on the resource";
    case 406:
      return "the server cannot answer in a content type the client accepts";
    case 409:
      return "the server reported a conflict";
    case 410:
      return "the requested resource version is gone";
    case 413:
      return "the request body is too large for the server";
    case 415:
      return "the server does not accept the request's content type";
    case 422:
      return "the server found the request invalid";
    case 429:
      return "the server received too many requests; try again later";
    case 500:
      return "an internal error on the server stopped the request";
    case 503:
      return "the server is currently unavailable";
    case 504:
      return "the server did not answer in time (the request may still be processed)";
    default:
      return "the server answered with an unexpected status";
  }
}

// Snippet is the start of `body` for a message: at most kMaxBodySnippetBytes, valid UTF-8, no
// cut-off multi-byte character, surrounding whitespace removed.
std::string Snippet(absl::string_view body) {
  std::string text = SanitizeUtf8(body.substr(0, kMaxBodySnippetBytes));
  if (body.size() > kMaxBodySnippetBytes) {
    // The cut may have split a character, which became U+FFFD at the end: drop it.
    constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";
    while (absl::EndsWith(text, kReplacement)) text.resize(text.size() - kReplacement.size());
    text += "...";
  }
  return std::string(absl::StripAsciiWhitespace(text));
}

bool PayloadReasonOrCode(const absl::Status& status, absl::string_view want_reason, int want_code) {
  std::optional<ApiStatus> api = GetApiStatus(status);
  if (!api.has_value()) return false;
  if (api->reason == want_reason) return true;
  return !IsKnownReason(api->reason) && api->code == want_code;
}

}  // namespace

std::string SanitizeUtf8(absl::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    size_t len = 0;
    uint32_t min = 0;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      min = 0x10000;
    }
    bool valid = len != 0 && i + len <= n;
    uint32_t cp = 0;
    if (valid) {
      cp = c & (0xFF >> (len + 1));
      for (size_t k = 1; k < len; ++k) {
        if ((p[i + k] & 0xC0) != 0x80) {
          valid = false;
          break;
        }
        cp = (cp << 6) | (p[i + k] & 0x3F);
      }
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid too.
    if (valid && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) valid = false;
    if (valid) {
      out.append(bytes.data() + i, len);
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

absl::StatusOr<ApiStatus> ParseApiStatusJson(absl::string_view body) {
  boost::system::error_code ec;
  json::value doc = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("not a JSON Status: ", ec.message()));
  const json::object* object = doc.if_object();
  if (object == nullptr) return absl::InvalidArgumentError("not a JSON Status: not an object");
  const json::value* kind = object->if_contains("kind");
  if (kind == nullptr || !kind->is_string() || kind->get_string() != "Status") {
    return absl::InvalidArgumentError("not a JSON Status: kind is not \"Status\"");
  }
  ApiStatus status;
  for (auto [key, target] :
       {std::pair{"status", &status.status}, std::pair{"message", &status.message},
        std::pair{"reason", &status.reason}}) {
    if (absl::Status s = JsonString(*object, key, target); !s.ok()) return s;
  }
  if (absl::Status s = JsonInt32(*object, "code", &status.code); !s.ok()) return s;
  if (const json::value* details = object->if_contains("details");
      details != nullptr && !details->is_null()) {
    const json::object* d = details->if_object();
    if (d == nullptr) return absl::InvalidArgumentError("Status.details is not an object");
    absl::StatusOr<StatusDetails> parsed = DetailsFromJson(*d);
    if (!parsed.ok()) return parsed.status();
    status.details = *std::move(parsed);
  }
  return status;
}

absl::StatusOr<ApiStatus> ParseApiStatusProtobuf(absl::string_view body) {
  absl::StatusOr<internal::UnknownEnvelope> envelope = internal::ParseUnknownEnvelope(body);
  if (!envelope.ok()) return envelope.status();
  if (envelope->kind != "Status") {
    return absl::InvalidArgumentError(
        absl::StrCat("not a protobuf Status: kind is \"", SanitizeUtf8(envelope->kind), "\""));
  }
  ApiStatus status;
  absl::Status s = internal::ForEachField(envelope->raw, [&](const ProtoField& f) -> absl::Status {
    switch (f.number) {
      case 2:
        return ProtoString(f, &status.status);
      case 3:
        return ProtoString(f, &status.message);
      case 4:
        return ProtoString(f, &status.reason);
      case 5: {
        if (f.type != WireType::kLengthDelimited) {
          return absl::InvalidArgumentError("Status.details has the wrong wire type");
        }
        absl::StatusOr<StatusDetails> d = DetailsFromProto(f.bytes);
        if (!d.ok()) return d.status();
        status.details = *std::move(d);
        return absl::OkStatus();
      }
      case 6:
        return ProtoInt32(f, &status.code);
      default:
        return absl::OkStatus();  // 1 = metadata (ListMeta): nothing to keep
    }
  });
  if (!s.ok()) return s;
  return status;
}

absl::StatusOr<ApiStatus> ParseApiStatus(absl::string_view content_type, absl::string_view body) {
  if (absl::StartsWith(body, internal::kProtobufMagic)) return ParseApiStatusProtobuf(body);
  return ParseApiStatusJson(body);
}

std::string ApiStatusToJson(const ApiStatus& status) {
  json::object object;
  object["kind"] = "Status";
  object["apiVersion"] = "v1";
  object["metadata"] = json::object();
  if (!status.status.empty()) object["status"] = SanitizeUtf8(status.status);
  if (!status.message.empty()) object["message"] = SanitizeUtf8(status.message);
  if (!status.reason.empty()) object["reason"] = SanitizeUtf8(status.reason);
  if (status.details.has_value()) object["details"] = DetailsToJson(*status.details);
  if (status.code != 0) object["code"] = status.code;
  return json::serialize(object);
}

absl::StatusCode StatusCodeFor(absl::string_view r, int http_code) {
  if (r == reason::kNotFound) return absl::StatusCode::kNotFound;
  if (r == reason::kAlreadyExists) return absl::StatusCode::kAlreadyExists;
  if (r == reason::kConflict) return absl::StatusCode::kAborted;
  if (r == reason::kExpired || r == reason::kGone) return absl::StatusCode::kOutOfRange;
  if (r == reason::kUnauthorized) return absl::StatusCode::kUnauthenticated;
  if (r == reason::kForbidden) return absl::StatusCode::kPermissionDenied;
  if (r == reason::kInvalid || r == reason::kBadRequest) return absl::StatusCode::kInvalidArgument;
  if (r == reason::kTimeout) return absl::StatusCode::kDeadlineExceeded;
  if (r == reason::kTooManyRequests || r == reason::kServerTimeout || r == reason::kInternalError ||
      r == reason::kServiceUnavailable || r == reason::kStorageReadError) {
    return absl::StatusCode::kUnavailable;
  }
  if (r == reason::kMethodNotAllowed || r == reason::kNotAcceptable ||
      r == reason::kUnsupportedMediaType) {
    return absl::StatusCode::kUnimplemented;
  }
  if (r == reason::kRequestEntityTooLarge) return absl::StatusCode::kResourceExhausted;
  switch (http_code) {
    case 400:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 405:
    case 406:
    case 415:
      return absl::StatusCode::kUnimplemented;
    case 408:
      return absl::StatusCode::kDeadlineExceeded;
    case 409:
      return absl::StatusCode::kAborted;
    case 410:
      return absl::StatusCode::kOutOfRange;
    case 412:
      return absl::StatusCode::kFailedPrecondition;
    case 413:
      return absl::StatusCode::kResourceExhausted;
    case 422:
      return absl::StatusCode::kInvalidArgument;
    case 429:
      return absl::StatusCode::kUnavailable;
    case 501:
      return absl::StatusCode::kUnimplemented;
    case 504:
      return absl::StatusCode::kDeadlineExceeded;
    default:
      break;
  }
  if (http_code >= 500 && http_code <= 599) return absl::StatusCode::kUnavailable;
  return absl::StatusCode::kUnknown;
}

absl::Status ToStatus(const ApiStatus& api_status) {
  if (api_status.status == "Success") return absl::OkStatus();
  if (api_status.code >= 200 && api_status.code < 300 && api_status.status != "Failure" &&
      api_status.reason.empty()) {
    return absl::OkStatus();
  }
  const absl::StatusCode code = StatusCodeFor(api_status.reason, api_status.code);
  std::string message = api_status.message;
  if (message.empty()) message = std::string(GenericMessage(api_status.code));
  absl::Status status(code == absl::StatusCode::kOk ? absl::StatusCode::kUnknown : code, message);
  status.SetPayload(kApiStatusPayloadUrl, absl::Cord(ApiStatusToJson(api_status)));
  return status;
}

absl::Status StatusFromResponse(int http_code, absl::string_view content_type,
                                absl::string_view body,
                                std::optional<int64_t> retry_after_seconds) {
  if (http_code >= 200 && http_code < 300) return absl::OkStatus();
  absl::StatusOr<ApiStatus> parsed = ParseApiStatus(content_type, body);
  ApiStatus api;
  if (parsed.ok() && parsed->status != "Success") {
    api = *std::move(parsed);
    if (api.code == 0) api.code = http_code;
    if (api.status.empty()) api.status = "Failure";
  } else {
    api.status = "Failure";
    api.code = http_code;
    api.reason = std::string(ReasonForCode(http_code));
    const std::string snippet = Snippet(body);
    api.message = std::string(GenericMessage(http_code));
    absl::StrAppend(&api.message, " (HTTP ", http_code, ")");
    api.details.emplace();
    if (!snippet.empty()) {
      absl::StrAppend(&api.message, ": ", snippet);
      api.details->causes.push_back(
          {std::string(cause::kUnexpectedServerResponse), snippet, std::string()});
    }
  }
  if (retry_after_seconds.has_value() && *retry_after_seconds > 0 &&
      (!api.details.has_value() || api.details->retry_after_seconds == 0)) {
    if (!api.details.has_value()) api.details.emplace();
    api.details->retry_after_seconds = ClampToInt32(*retry_after_seconds);
  }
  return ToStatus(api);
}

std::optional<int64_t> ParseRetryAfterSeconds(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (value.empty() || value.size() > 12) return std::nullopt;
  int64_t seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

std::optional<ApiStatus> GetApiStatus(const absl::Status& status) {
  auto payload = status.GetPayload(kApiStatusPayloadUrl);  // absl::optional here
  if (!payload.has_value()) return std::nullopt;
  absl::StatusOr<ApiStatus> api = ParseApiStatusJson(std::string(*payload));
  if (!api.ok()) return std::nullopt;
  return *std::move(api);
}

bool IsNotFound(const absl::Status& s) { return PayloadReasonOrCode(s, reason::kNotFound, 404); }
bool IsAlreadyExists(const absl::Status& s) {
  // 409 alone means Conflict; AlreadyExists needs its reason.
  std::optional<ApiStatus> api = GetApiStatus(s);
  return api.has_value() && api->reason == reason::kAlreadyExists;
}
bool IsConflict(const absl::Status& s) { return PayloadReasonOrCode(s, reason::kConflict, 409); }
bool IsExpired(const absl::Status& s) {
  return PayloadReasonOrCode(s, reason::kExpired, 410) ||
         PayloadReasonOrCode(s, reason::kGone, 410);
}
bool IsInvalid(const absl::Status& s) { return PayloadReasonOrCode(s, reason::kInvalid, 422); }
bool IsBadRequest(const absl::Status& s) {
  return PayloadReasonOrCode(s, reason::kBadRequest, 400);
}
bool IsUnauthorized(const absl::Status& s) {
  return PayloadReasonOrCode(s, reason::kUnauthorized, 401);
}
bool IsForbidden(const absl::Status& s) { return PayloadReasonOrCode(s, reason::kForbidden, 403); }
bool IsTimeout(const absl::Status& s) { return PayloadReasonOrCode(s, reason::kTimeout, 504); }
bool IsServerTimeout(const absl::Status& s) {
  // 500 with an unknown reason is an internal error, not a server timeout: reason only.
  std::optional<ApiStatus> api = GetApiStatus(s);
  return api.has_value() && api->reason == reason::kServerTimeout;
}
bool IsTooManyRequests(const absl::Status& s) {
  return PayloadReasonOrCode(s, reason::kTooManyRequests, 429);
}
bool IsInternalError(const absl::Status& s) {
  return PayloadReasonOrCode(s, reason::kInternalError, 500);
}
bool IsServiceUnavailable(const absl::Status& s) {
  return PayloadReasonOrCode(s, reason::kServiceUnavailable, 503);
}
bool IsMethodNotSupported(const absl::Status& s) {
  return PayloadReasonOrCode(s, reason::kMethodNotAllowed, 405);
}
bool IsNotAcceptable(const absl::Status& s) {
  return PayloadReasonOrCode(s, reason::kNotAcceptable, 406);
}
bool IsUnsupportedMediaType(const absl::Status& s) {
  return PayloadReasonOrCode(s, reason::kUnsupportedMediaType, 415);
}
bool IsRequestEntityTooLarge(const absl::Status& s) {
  return PayloadReasonOrCode(s, reason::kRequestEntityTooLarge, 413);
}

bool IsUnexpectedServerResponse(const absl::Status& s) {
  std::optional<ApiStatus> api = GetApiStatus(s);
  if (!api.has_value() || !api->details.has_value()) return false;
  for (const StatusCause& c : api->details->causes) {
    if (c.reason == cause::kUnexpectedServerResponse) return true;
  }
  return false;
}

bool IsTooLargeResourceVersion(const absl::Status& s) {
  std::optional<ApiStatus> api = GetApiStatus(s);
  if (!api.has_value() || !IsTimeout(s) || !api->details.has_value()) return false;
  for (const StatusCause& c : api->details->causes) {
    if (c.reason == cause::kResourceVersionTooLarge) return true;
  }
  return false;
}

std::optional<absl::Duration> SuggestedRetryDelay(const absl::Status& s) {
  std::optional<ApiStatus> api = GetApiStatus(s);
  if (!api.has_value() || !api->details.has_value() || api->details->retry_after_seconds <= 0) {
    return std::nullopt;
  }
  return absl::Seconds(api->details->retry_after_seconds);
}

}  // namespace kube::rest
