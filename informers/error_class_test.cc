#include "informers/error_class.h"

#include "gtest/gtest.h"

namespace kube::informers {
namespace {

TEST(ClassifyListWatchErrorTest, RecognisesEachClass) {
  EXPECT_EQ(ClassifyListWatchError(ExpiredError("too old")), ListWatchErrorClass::kExpired);
  // //client/rest maps 410 Expired/Gone to kOutOfRange.
  EXPECT_EQ(ClassifyListWatchError(absl::OutOfRangeError("Gone")), ListWatchErrorClass::kExpired);
  EXPECT_EQ(ClassifyListWatchError(TooLargeResourceVersionError("x")),
            ListWatchErrorClass::kTooLargeResourceVersion);
  EXPECT_EQ(ClassifyListWatchError(absl::DeadlineExceededError("Too large resource version: 5")),
            ListWatchErrorClass::kTooLargeResourceVersion);
  EXPECT_EQ(ClassifyListWatchError(TooManyRequestsError("x")), ListWatchErrorClass::kRetryWatch);
  EXPECT_EQ(ClassifyListWatchError(ConnectionRefusedError("x")), ListWatchErrorClass::kRetryWatch);
  EXPECT_EQ(ClassifyListWatchError(absl::UnavailableError("ServiceUnavailable")),
            ListWatchErrorClass::kOther);
  EXPECT_EQ(ClassifyListWatchError(absl::PermissionDeniedError("forbidden")),
            ListWatchErrorClass::kOther);
}

}  // namespace
}  // namespace kube::informers
