#include "client/rest/status.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/rest/internal/proto_wire_testing.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using internal::testing::BytesField;
using internal::testing::Envelope;
using internal::testing::VarintField;

std::string JsonStatus(int code, absl::string_view reason, absl::string_view message,
                       absl::string_view details = R"({"name":"x","kind":"configmaps"})") {
  return absl::StrCat(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)",
                      R"("message":")", message, R"(","reason":")", reason, R"(","details":)",
                      details, R"(,"code":)", code, "}");
}

TEST(StatusFromResponseTest, TwoHundredsAreOk) {
  EXPECT_TRUE(StatusFromResponse(200, "application/json", "{}").ok());
  EXPECT_TRUE(StatusFromResponse(201, "application/json", "garbage").ok());
  EXPECT_TRUE(StatusFromResponse(299, "", "").ok());
}

TEST(StatusFromResponseTest, NotFoundKeepsTheWholeStatus) {
  const std::string body = R"({
  "kind": "Status",
  "apiVersion": "v1",
  "metadata": {},
  "status": "Failure",
  "message": "configmaps \"nope\" not found",
  "reason": "NotFound",
  "details": {
    "name": "nope",
    "kind": "configmaps"
  },
  "code": 404
})";
  absl::Status s = StatusFromResponse(404, "application/json", body);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "configmaps \"nope\" not found");
  EXPECT_TRUE(rest::IsNotFound(s));
  EXPECT_FALSE(rest::IsConflict(s));
  EXPECT_FALSE(rest::IsAlreadyExists(s));
  std::optional<ApiStatus> api = GetApiStatus(s);
  ASSERT_TRUE(api.has_value());
  EXPECT_EQ(api->status, "Failure");
  EXPECT_EQ(api->reason, "NotFound");
  EXPECT_EQ(api->code, 404);
  ASSERT_TRUE(api->details.has_value());
  EXPECT_EQ(api->details->name, "nope");
  EXPECT_EQ(api->details->kind, "configmaps");
  EXPECT_TRUE(api->details->causes.empty());
}

TEST(StatusFromResponseTest, AlreadyExistsAndConflictShare409ButNotTheCode) {
  absl::Status exists =
      StatusFromResponse(409, "application/json", JsonStatus(409, "AlreadyExists", "exists"));
  EXPECT_EQ(exists.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(rest::IsAlreadyExists(exists));
  EXPECT_FALSE(rest::IsConflict(exists));

  absl::Status conflict =
      StatusFromResponse(409, "application/json", JsonStatus(409, "Conflict", "modified"));
  EXPECT_EQ(conflict.code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(rest::IsConflict(conflict));
  EXPECT_FALSE(rest::IsAlreadyExists(conflict));

  // A 409 without a Status body is a conflict, never "already exists".
  absl::Status bare = StatusFromResponse(409, "text/plain", "conflict");
  EXPECT_EQ(bare.code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(rest::IsConflict(bare));
  EXPECT_FALSE(rest::IsAlreadyExists(bare));
}

TEST(StatusFromResponseTest, ExpiredAndGoneAreOutOfRange) {
  for (absl::string_view r : {"Expired", "Gone"}) {
    absl::Status s = StatusFromResponse(410, "application/json", JsonStatus(410, r, "too old"));
    EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange) << r;
    EXPECT_TRUE(rest::IsExpired(s)) << r;
    EXPECT_FALSE(rest::IsNotFound(s));
  }
  EXPECT_TRUE(rest::IsExpired(StatusFromResponse(410, "", "")));
}

TEST(StatusFromResponseTest, InvalidKeepsItsCauses) {
  const std::string body =
      JsonStatus(422, "Invalid", "ConfigMap \\\"Bad_Name\\\" is invalid",
                 R"({"name":"Bad_Name","kind":"ConfigMap","causes":[{"reason":"FieldValueInvalid",)"
                 R"("message":"Invalid value: \"Bad_Name\"","field":"metadata.name"}]})");
  absl::Status s = StatusFromResponse(422, "application/json", body);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(rest::IsInvalid(s));
  EXPECT_FALSE(rest::IsBadRequest(s));
  std::optional<ApiStatus> api = GetApiStatus(s);
  ASSERT_TRUE(api.has_value() && api->details.has_value());
  ASSERT_EQ(api->details->causes.size(), 1u);
  EXPECT_EQ(api->details->causes[0],
            (StatusCause{"FieldValueInvalid", "Invalid value: \"Bad_Name\"", "metadata.name"}));
}

TEST(StatusFromResponseTest, PlainTextTooManyRequestsFromPriorityAndFairness) {
  absl::Status s = StatusFromResponse(429, "text/plain; charset=utf-8",
                                      "Too many requests, please try again later.\n", 3);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(rest::IsTooManyRequests(s));
  EXPECT_TRUE(rest::IsUnexpectedServerResponse(s));
  EXPECT_TRUE(absl::StrContains(s.message(), "Too many requests, please try again later."))
      << s.message();
  EXPECT_EQ(SuggestedRetryDelay(s), absl::Seconds(3));
}

TEST(StatusFromResponseTest, RetryAfterInTheBodyWinsOverTheHeader) {
  absl::Status s = StatusFromResponse(
      429, "application/json",
      JsonStatus(429, "TooManyRequests", "slow down", R"({"retryAfterSeconds":7})"), 2);
  EXPECT_EQ(SuggestedRetryDelay(s), absl::Seconds(7));
  EXPECT_FALSE(rest::IsUnexpectedServerResponse(s));
  EXPECT_EQ(SuggestedRetryDelay(StatusFromResponse(404, "", "")), std::nullopt);
}

TEST(StatusFromResponseTest, EveryDocumentedCodeMapsAsTheHeaderSays) {
  struct Case {
    int code;
    absl::StatusCode want;
    bool (*is)(const absl::Status&);
  };
  const Case cases[] = {
      {400, absl::StatusCode::kInvalidArgument, rest::IsBadRequest},
      {401, absl::StatusCode::kUnauthenticated, rest::IsUnauthorized},
      {403, absl::StatusCode::kPermissionDenied, rest::IsForbidden},
      {404, absl::StatusCode::kNotFound, rest::IsNotFound},
      {405, absl::StatusCode::kUnimplemented, rest::IsMethodNotSupported},
      {406, absl::StatusCode::kUnimplemented, rest::IsNotAcceptable},
      {408, absl::StatusCode::kDeadlineExceeded, nullptr},
      {409, absl::StatusCode::kAborted, rest::IsConflict},
      {410, absl::StatusCode::kOutOfRange, rest::IsExpired},
      {412, absl::StatusCode::kFailedPrecondition, nullptr},
      {413, absl::StatusCode::kResourceExhausted, rest::IsRequestEntityTooLarge},
      {415, absl::StatusCode::kUnimplemented, rest::IsUnsupportedMediaType},
      {418, absl::StatusCode::kUnknown, nullptr},
      {422, absl::StatusCode::kInvalidArgument, rest::IsInvalid},
      {429, absl::StatusCode::kUnavailable, rest::IsTooManyRequests},
      {500, absl::StatusCode::kUnavailable, rest::IsInternalError},
      {501, absl::StatusCode::kUnimplemented, nullptr},
      {502, absl::StatusCode::kUnavailable, nullptr},
      {503, absl::StatusCode::kUnavailable, rest::IsServiceUnavailable},
      {504, absl::StatusCode::kDeadlineExceeded, rest::IsTimeout},
      {599, absl::StatusCode::kUnavailable, nullptr},
      {302, absl::StatusCode::kUnknown, nullptr},
  };
  for (const Case& c : cases) {
    // Without a Status body (the code alone decides)...
    absl::Status bare = StatusFromResponse(c.code, "text/html", "<html>oops</html>");
    EXPECT_EQ(bare.code(), c.want) << c.code;
    if (c.is != nullptr) {
      EXPECT_TRUE(c.is(bare)) << c.code;
    }
    EXPECT_EQ(GetApiStatus(bare)->code, c.code);
    // ...and with a Status of unknown reason: the code still decides.
    absl::Status unknown_reason =
        StatusFromResponse(c.code, "application/json", JsonStatus(c.code, "SomethingNew", "msg"));
    EXPECT_EQ(unknown_reason.code(), c.want) << c.code;
    if (c.is != nullptr) {
      EXPECT_TRUE(c.is(unknown_reason)) << c.code;
    }
  }
}

TEST(StatusFromResponseTest, KnownReasonsDecideOverTheCode) {
  absl::Status timeout =
      StatusFromResponse(500, "application/json", JsonStatus(500, "ServerTimeout", "busy"));
  EXPECT_EQ(timeout.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(rest::IsServerTimeout(timeout));
  EXPECT_FALSE(rest::IsInternalError(timeout));  // a known reason is not overridden by code 500

  absl::Status too_large_rv = StatusFromResponse(
      504, "application/json",
      JsonStatus(504, "Timeout", "Too large resource version",
                 R"({"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large"}],)"
                 R"("retryAfterSeconds":1})"));
  EXPECT_EQ(too_large_rv.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(rest::IsTimeout(too_large_rv));
  EXPECT_TRUE(rest::IsTooLargeResourceVersion(too_large_rv));
  EXPECT_FALSE(rest::IsTooLargeResourceVersion(
      StatusFromResponse(504, "application/json", JsonStatus(504, "Timeout", "slow"))));
}

TEST(StatusFromResponseTest, BodyCodeZeroTakesTheHttpCode) {
  absl::Status s = StatusFromResponse(
      404, "application/json", R"({"kind":"Status","status":"Failure","message":"gone away"})");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(rest::IsNotFound(s));
  EXPECT_EQ(s.message(), "gone away");
}

TEST(StatusFromResponseTest, NonStatusJsonIsAnUnexpectedResponse) {
  absl::Status s = StatusFromResponse(404, "application/json", R"({"kind":"ConfigMap"})");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(rest::IsUnexpectedServerResponse(s));
  EXPECT_TRUE(absl::StrContains(s.message(), R"({"kind":"ConfigMap"})")) << s.message();
}

TEST(StatusFromResponseTest, LongAndBinaryBodiesAreTruncatedToValidUtf8) {
  std::string body(3 * kMaxBodySnippetBytes, 'a');
  body[kMaxBodySnippetBytes - 1] = '\xC3';  // first byte of a two-byte character, cut in half
  body[10] = '\xFF';
  absl::Status s = StatusFromResponse(500, "text/html", body);
  std::optional<ApiStatus> api = GetApiStatus(s);
  ASSERT_TRUE(api.has_value());
  ASSERT_EQ(api->details->causes.size(), 1u);
  const std::string& snippet = api->details->causes[0].message;
  EXPECT_LE(snippet.size(), kMaxBodySnippetBytes + 8);
  EXPECT_TRUE(absl::EndsWith(snippet, "a...")) << snippet.substr(snippet.size() - 10);
  EXPECT_EQ(SanitizeUtf8(snippet), snippet);
  EXPECT_TRUE(absl::StrContains(snippet, "\xEF\xBF\xBD"));  // the 0xFF byte, replaced
}

TEST(StatusFromResponseTest, SuccessStatusBodyOnAnErrorCodeStillFails) {
  absl::Status s = StatusFromResponse(500, "application/json",
                                      R"({"kind":"Status","status":"Success","code":200})");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
}

// A 404 for a missing ConfigMap as kube-apiserver v1.37.2 encodes it in protobuf.
constexpr char kRealProtobufNotFound[] =
    "\x6b\x38\x73\x00\x0a\x0c\x0a\x02\x76\x31\x12\x06\x53\x74\x61\x74\x75\x73\x12\x55\x0a\x06\x0a"
    "\x00\x12\x00\x1a\x00\x12\x07\x46\x61\x69\x6c\x75\x72\x65\x1a\x1b\x63\x6f\x6e\x66\x69\x67\x6d"
    "\x61\x70\x73\x20\x22\x6e\x6f\x70\x65\x22\x20\x6e\x6f\x74\x20\x66\x6f\x75\x6e\x64\x22\x08\x4e"
    "\x6f\x74\x46\x6f\x75\x6e\x64\x2a\x18\x0a\x04\x6e\x6f\x70\x65\x12\x00\x1a\x0a\x63\x6f\x6e\x66"
    "\x69\x67\x6d\x61\x70\x73\x28\x00\x32\x00\x30\x94\x03\x1a\x00\x22\x00";

TEST(ParseApiStatusProtobufTest, DecodesARealServerBody) {
  const absl::string_view body(kRealProtobufNotFound, sizeof(kRealProtobufNotFound) - 1);
  absl::StatusOr<ApiStatus> api = ParseApiStatusProtobuf(body);
  ASSERT_TRUE(api.ok()) << api.status();
  EXPECT_EQ(api->status, "Failure");
  EXPECT_EQ(api->message, "configmaps \"nope\" not found");
  EXPECT_EQ(api->reason, "NotFound");
  EXPECT_EQ(api->code, 404);
  ASSERT_TRUE(api->details.has_value());
  EXPECT_EQ(api->details->name, "nope");
  EXPECT_EQ(api->details->kind, "configmaps");

  absl::Status s = StatusFromResponse(404, "application/vnd.kubernetes.protobuf", body);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(rest::IsNotFound(s));
  EXPECT_FALSE(rest::IsUnexpectedServerResponse(s));
}

TEST(ParseApiStatusProtobufTest, DecodesCausesRetryAfterAndUid) {
  const std::string cause = BytesField(1, "FieldValueInvalid") + BytesField(2, "bad name") +
                            BytesField(3, "metadata.name");
  const std::string details = BytesField(1, "Bad_Name") + BytesField(2, "apps") +
                              BytesField(3, "deployments") + BytesField(4, cause) +
                              BytesField(4, BytesField(1, "Other")) + VarintField(5, 9) +
                              BytesField(6, "uid-1") + VarintField(99, 1);  // unknown: skipped
  const std::string status = BytesField(1, "") + BytesField(2, "Failure") +
                             BytesField(3, "is invalid") + BytesField(4, "Invalid") +
                             BytesField(5, details) + VarintField(6, 422);
  absl::StatusOr<ApiStatus> api = ParseApiStatusProtobuf(Envelope("v1", "Status", status));
  ASSERT_TRUE(api.ok()) << api.status();
  ApiStatus want;
  want.status = "Failure";
  want.message = "is invalid";
  want.reason = "Invalid";
  want.code = 422;
  want.details =
      StatusDetails{"Bad_Name",
                    "apps",
                    "deployments",
                    "uid-1",
                    {{"FieldValueInvalid", "bad name", "metadata.name"}, {"Other", "", ""}},
                    9};
  EXPECT_EQ(*api, want);
}

TEST(ParseApiStatusProtobufTest, RejectsOtherKindsAndBadWireTypes) {
  EXPECT_FALSE(ParseApiStatusProtobuf(Envelope("v1", "ConfigMap", "")).ok());
  // code (6) as a length-delimited field instead of a varint.
  EXPECT_FALSE(ParseApiStatusProtobuf(Envelope("v1", "Status", BytesField(6, "x"))).ok());
  EXPECT_FALSE(ParseApiStatusProtobuf("{\"kind\":\"Status\"}").ok());
}

TEST(ParseApiStatusProtobufTest, NegativeInt32AndInvalidUtf8) {
  const std::string status =
      BytesField(3, "bad \xFF byte") + VarintField(6, static_cast<uint64_t>(int64_t{-1}));
  absl::StatusOr<ApiStatus> api = ParseApiStatusProtobuf(Envelope("v1", "Status", status));
  ASSERT_TRUE(api.ok()) << api.status();
  EXPECT_EQ(api->code, -1);
  EXPECT_EQ(api->message, "bad \xEF\xBF\xBD byte");
}

TEST(ParseApiStatusJsonTest, RejectsNonStatusAndMistypedFields) {
  EXPECT_FALSE(ParseApiStatusJson("").ok());
  EXPECT_FALSE(ParseApiStatusJson("[]").ok());
  EXPECT_FALSE(ParseApiStatusJson(R"({"kind":"Pod"})").ok());
  EXPECT_FALSE(ParseApiStatusJson(R"({"kind":"Status","code":"404"})").ok());
  EXPECT_FALSE(ParseApiStatusJson(R"({"kind":"Status","code":4.5})").ok());
  EXPECT_FALSE(ParseApiStatusJson(R"({"kind":"Status","details":[]})").ok());
  EXPECT_FALSE(ParseApiStatusJson(R"({"kind":"Status","details":{"causes":[1]}})").ok());
  absl::StatusOr<ApiStatus> big = ParseApiStatusJson(R"({"kind":"Status","code":1e300})");
  EXPECT_FALSE(big.ok());
  absl::StatusOr<ApiStatus> nulls =
      ParseApiStatusJson(R"({"kind":"Status","message":null,"details":null,"code":404.0})");
  ASSERT_TRUE(nulls.ok()) << nulls.status();
  EXPECT_EQ(nulls->code, 404);
  EXPECT_FALSE(nulls->details.has_value());
}

TEST(ApiStatusJsonTest, RoundTrips) {
  ApiStatus api;
  api.status = "Failure";
  api.message = "m \"quoted\" \n line";
  api.reason = "Invalid";
  api.code = 422;
  api.details = StatusDetails{"n", "g", "k", "u", {{"r", "m", "f"}, {"", "only message", ""}}, 4};
  absl::StatusOr<ApiStatus> back = ParseApiStatusJson(ApiStatusToJson(api));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, api);
}

TEST(ToStatusTest, SuccessIsOkAndFailureCarriesThePayload) {
  EXPECT_TRUE(ToStatus(ApiStatus{.status = "Success", .code = 200}).ok());
  absl::Status s = ToStatus(ApiStatus{.status = "Failure", .reason = "NotFound", .code = 404});
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(s.message().empty());  // a generic message when the server gave none
  EXPECT_TRUE(rest::IsNotFound(s));
}

TEST(PredicatesTest, FalseWithoutPayload) {
  EXPECT_FALSE(rest::IsNotFound(absl::NotFoundError("x")));
  EXPECT_FALSE(rest::IsConflict(absl::AbortedError("x")));
  EXPECT_FALSE(rest::IsExpired(absl::OutOfRangeError("x")));
  EXPECT_FALSE(rest::IsTooManyRequests(absl::UnavailableError("connection reset")));
  EXPECT_FALSE(rest::IsNotFound(absl::OkStatus()));
  EXPECT_EQ(GetApiStatus(absl::NotFoundError("x")), std::nullopt);
}

TEST(PredicatesTest, CorruptPayloadIsIgnored) {
  absl::Status s = absl::NotFoundError("x");
  s.SetPayload(kApiStatusPayloadUrl, absl::Cord("not json"));
  EXPECT_EQ(GetApiStatus(s), std::nullopt);
  EXPECT_FALSE(rest::IsNotFound(s));
}

TEST(SanitizeUtf8Test, KeepsValidAndReplacesInvalid) {
  EXPECT_EQ(SanitizeUtf8("plain"), "plain");
  EXPECT_EQ(SanitizeUtf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"),
            "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(SanitizeUtf8("a\xE2\x82"), "a\xEF\xBF\xBD\xEF\xBF\xBD");                // truncated
  EXPECT_EQ(SanitizeUtf8(std::string("\0x", 2)), std::string("\0x", 2));
}

}  // namespace
}  // namespace kube::rest

namespace kube::rest {
namespace {

TEST(ParseRetryAfterSecondsTest, DelaySecondsOnly) {
  EXPECT_EQ(ParseRetryAfterSeconds("1"), 1);
  EXPECT_EQ(ParseRetryAfterSeconds(" 120 "), 120);
  EXPECT_EQ(ParseRetryAfterSeconds("0"), 0);
  EXPECT_EQ(ParseRetryAfterSeconds(""), std::nullopt);
  EXPECT_EQ(ParseRetryAfterSeconds("-1"), std::nullopt);
  EXPECT_EQ(ParseRetryAfterSeconds("1.5"), std::nullopt);
  EXPECT_EQ(ParseRetryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(ParseRetryAfterSeconds("99999999999999999999"), std::nullopt);
}

}  // namespace
}  // namespace kube::rest
