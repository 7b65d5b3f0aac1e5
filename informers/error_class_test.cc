#include "informers/error_class.h"

#include "client/rest/status.h"
#include "gtest/gtest.h"

namespace kube::informers {
namespace {

TEST(ClassifyListWatchErrorTest, RecognisesTheConstructedShapes) {
  EXPECT_EQ(ClassifyListWatchError(ExpiredError("too old")), ListWatchErrorClass::kExpired);
  EXPECT_EQ(ClassifyListWatchError(TooLargeResourceVersionError("x")),
            ListWatchErrorClass::kTooLargeResourceVersion);
  EXPECT_EQ(ClassifyListWatchError(TooManyRequestsError("x")), ListWatchErrorClass::kRetryWatch);
  EXPECT_EQ(ClassifyListWatchError(ConnectionRefusedError("x")), ListWatchErrorClass::kRetryWatch);
}

// The shapes //client/rest produces from real responses.
TEST(ClassifyListWatchErrorTest, ReadsApiserverResponses) {
  EXPECT_EQ(ClassifyListWatchError(rest::StatusFromResponse(
                410, "application/json",
                R"j({"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old )j"
                R"j(resource version: 1 (52)","reason":"Expired","code":410})j")),
            ListWatchErrorClass::kExpired);
  EXPECT_EQ(ClassifyListWatchError(rest::StatusFromResponse(
                410, "application/json",
                R"j({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Gone",)j"
                R"j("code":410})j")),
            ListWatchErrorClass::kExpired);
  EXPECT_EQ(ClassifyListWatchError(rest::StatusFromResponse(
                504, "application/json",
                R"j({"kind":"Status","apiVersion":"v1","status":"Failure","message":"Too large )j"
                R"j(resource version: 99, current: 50","reason":"Timeout","details":{"causes":[{)j"
                R"j("reason":"ResourceVersionTooLarge","message":"Too large resource version"}],)j"
                R"j("retryAfterSeconds":1},"code":504})j")),
            ListWatchErrorClass::kTooLargeResourceVersion);
  // API Priority and Fairness answers 429 in plain text.
  EXPECT_EQ(ClassifyListWatchError(
                rest::StatusFromResponse(429, "text/plain", "Too many requests, retry later", 1)),
            ListWatchErrorClass::kRetryWatch);
  // A plain 504 Timeout (no ResourceVersionTooLarge cause) is not a too-large RV.
  EXPECT_EQ(ClassifyListWatchError(rest::StatusFromResponse(
                504, "application/json",
                R"j({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Timeout",)j"
                R"j("code":504})j")),
            ListWatchErrorClass::kOther);
}

TEST(ClassifyListWatchErrorTest, EverythingElseIsOther) {
  // Codes alone do not decide: without the apiserver's Status there is no 410.
  EXPECT_EQ(ClassifyListWatchError(absl::OutOfRangeError("Gone")), ListWatchErrorClass::kOther);
  EXPECT_EQ(ClassifyListWatchError(absl::UnavailableError("connection reset by peer")),
            ListWatchErrorClass::kOther);
  EXPECT_EQ(ClassifyListWatchError(rest::StatusFromResponse(
                503, "application/json",
                R"j({"kind":"Status","apiVersion":"v1","status":"Failure",)j"
                R"j("reason":"ServiceUnavailable","code":503})j")),
            ListWatchErrorClass::kOther);
  EXPECT_EQ(ClassifyListWatchError(absl::PermissionDeniedError("forbidden")),
            ListWatchErrorClass::kOther);
}

}  // namespace
}  // namespace kube::informers
