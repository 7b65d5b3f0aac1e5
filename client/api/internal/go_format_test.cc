#include "client/api/internal/go_format.h"

#include <cstdint>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::api::internal {
namespace {

constexpr int64_t kNs = 1;
constexpr int64_t kUs = 1000 * kNs;
constexpr int64_t kMs = 1000 * kUs;
constexpr int64_t kS = 1000 * kMs;
constexpr int64_t kMin = 60 * kS;
constexpr int64_t kHour = 60 * kMin;

TEST(GoDurationTest, FormatsLikeGo) {
  EXPECT_EQ(FormatGoDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(1), "1ns");
  EXPECT_EQ(FormatGoDuration(1100), "1.1\xC2\xB5s");
  EXPECT_EQ(FormatGoDuration(2200 * kUs), "2.2ms");
  EXPECT_EQ(FormatGoDuration(1500 * kMs), "1.5s");
  EXPECT_EQ(FormatGoDuration(90 * kS), "1m30s");
  EXPECT_EQ(FormatGoDuration(kHour), "1h0m0s");
  EXPECT_EQ(FormatGoDuration(kHour + 2 * kMin + 3500 * kMs), "1h2m3.5s");
  EXPECT_EQ(FormatGoDuration(-5 * kS), "-5s");
  EXPECT_EQ(FormatGoDuration(-1), "-1ns");
  EXPECT_EQ(FormatGoDuration(std::numeric_limits<int64_t>::max()), "2562047h47m16.854775807s");
  EXPECT_EQ(FormatGoDuration(std::numeric_limits<int64_t>::min()), "-2562047h47m16.854775808s");
}

TEST(GoDurationTest, ParsesWhatGoAccepts) {
  EXPECT_EQ(*ParseGoDuration("0"), 0);
  EXPECT_EQ(*ParseGoDuration("1h30m"), 90 * kMin);
  EXPECT_EQ(*ParseGoDuration("1.5h"), 90 * kMin);
  EXPECT_EQ(*ParseGoDuration("-1.5s"), -1500 * kMs);
  EXPECT_EQ(*ParseGoDuration("+2m"), 2 * kMin);
  EXPECT_EQ(*ParseGoDuration("100us"), 100 * kUs);
  EXPECT_EQ(*ParseGoDuration("1\xC2\xB5s"), kUs);  // U+00B5
  EXPECT_EQ(*ParseGoDuration("1\xCE\xBCs"), kUs);  // U+03BC
  EXPECT_EQ(*ParseGoDuration("3ms4ns"), 3 * kMs + 4);
  EXPECT_EQ(*ParseGoDuration(".5s"), 500 * kMs);
  EXPECT_EQ(*ParseGoDuration("1.s"), kS);
  EXPECT_EQ(*ParseGoDuration("2562047h47m16.854775807s"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(*ParseGoDuration("-2562047h47m16.854775808s"), std::numeric_limits<int64_t>::min());
}

TEST(GoDurationTest, RejectsWhatGoRejects) {
  for (const char* bad : {"", "1", "s", "1x", "-", ".", ".s", "1h-2m", "1.5", "9999999999h",
                          "2562047h47m16.854775808s", "1e3s", " 1s"}) {
    EXPECT_FALSE(ParseGoDuration(bad).ok()) << bad;
  }
  EXPECT_THAT(std::string(ParseGoDuration("1x").status().message()),
              ::testing::HasSubstr("unknown unit"));
}

TEST(GoDurationTest, FormatThenParseIsIdentity) {
  for (int64_t value : {int64_t{0}, int64_t{1}, int64_t{999}, 1234 * kUs, 59 * kS + 1,
                        25 * kHour + 1, -7 * kMin - 3, std::numeric_limits<int64_t>::max()}) {
    absl::StatusOr<int64_t> parsed = ParseGoDuration(FormatGoDuration(value));
    ASSERT_TRUE(parsed.ok()) << FormatGoDuration(value);
    EXPECT_EQ(*parsed, value) << FormatGoDuration(value);
  }
}

TEST(Rfc3339Test, FormatsSecondsAndMicrosInUtc) {
  EXPECT_EQ(*FormatRfc3339Seconds(1704164645), "2024-01-02T03:04:05Z");
  EXPECT_EQ(*FormatRfc3339Seconds(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(*FormatRfc3339Micros({1704164645, 123456789}), "2024-01-02T03:04:05.123456Z");
  EXPECT_EQ(*FormatRfc3339Micros({1704164645, 0}), "2024-01-02T03:04:05.000000Z");
}

// Found by //client/api:json_codec_fuzzer: "0000-01-01T00:00:00+01:00" parses (to a time in year
// -1) but was written as "-1-12-31T23:00:00Z", which no RFC 3339 reader accepts; years past 9999
// likewise. Go's Time.MarshalJSON refuses years outside [0, 9999]; so does kubecpp.
TEST(Rfc3339Test, YearsOutsideFourDigitsAreRefused) {
  absl::StatusOr<UnixTime> before_year_0 = ParseRfc3339("0000-01-01T00:00:00+01:00");
  ASSERT_TRUE(before_year_0.ok());
  EXPECT_EQ(FormatRfc3339Seconds(before_year_0->seconds).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FormatRfc3339Micros(*before_year_0).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<UnixTime> after_9999 = ParseRfc3339("9999-12-31T23:59:59-01:00");
  ASSERT_TRUE(after_9999.ok());
  EXPECT_EQ(FormatRfc3339Seconds(after_9999->seconds).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FormatRfc3339Seconds(std::numeric_limits<int64_t>::max()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FormatRfc3339Micros({std::numeric_limits<int64_t>::min(), -1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Years below 1000 keep four digits (absl's %Y wrote "999-...", which did not read back).
  EXPECT_EQ(*FormatRfc3339Seconds(ParseRfc3339("0999-05-06T07:08:09Z")->seconds),
            "0999-05-06T07:08:09Z");
  EXPECT_EQ(*FormatRfc3339Micros(*ParseRfc3339("0042-01-02T03:04:05.000007Z")),
            "0042-01-02T03:04:05.000007Z");
  // The edges themselves are fine.
  EXPECT_EQ(*FormatRfc3339Seconds(ParseRfc3339("0000-01-01T00:00:00Z")->seconds),
            "0000-01-01T00:00:00Z");
  EXPECT_EQ(*FormatRfc3339Seconds(ParseRfc3339("9999-12-31T23:59:59Z")->seconds),
            "9999-12-31T23:59:59Z");
}

TEST(Rfc3339Test, ParsesOffsetsAndFractions) {
  absl::StatusOr<UnixTime> utc = ParseRfc3339("2024-01-02T03:04:05Z");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(utc->seconds, 1704164645);
  EXPECT_EQ(utc->nanos, 0);
  absl::StatusOr<UnixTime> offset = ParseRfc3339("2024-01-02T05:04:05.5+02:00");
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(offset->seconds, 1704164645);
  EXPECT_EQ(offset->nanos, 500000000);
  absl::StatusOr<UnixTime> micro = ParseRfc3339("2024-01-02T03:04:05.123456Z");
  ASSERT_TRUE(micro.ok());
  EXPECT_EQ(micro->nanos, 123456000);
  absl::StatusOr<UnixTime> early = ParseRfc3339("1969-12-31T23:59:59.5Z");
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->seconds, -1);
  EXPECT_EQ(early->nanos, 500000000);
}

TEST(Rfc3339Test, RejectsOtherFormats) {
  for (const char* bad : {"", "2024-01-02", "2024-01-02 03:04:05Z", "2024-01-02T03:04:05",
                          "yesterday", "2024-13-02T03:04:05Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace kube::api::internal
