#include "client/transport/transport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::transport {
namespace {

using ::testing::ElementsAre;

TEST(FindHeaderTest, MatchesNamesCaseInsensitivelyAndReturnsTheFirst) {
  Headers headers = {{"Content-Type", "application/json"},
                     {"warning", "299 - \"first\""},
                     {"Warning", "299 - \"second\""}};
  EXPECT_EQ(FindHeader(headers, "content-type"), "application/json");
  EXPECT_EQ(FindHeader(headers, "WARNING"), "299 - \"first\"");
  EXPECT_EQ(FindHeader(headers, "Retry-After"), std::nullopt);
}

TEST(FindHeaderTest, FindHeadersKeepsEveryValueInOrder) {
  Headers headers = {{"Warning", "a"}, {"X-Other", "x"}, {"WARNING", "b"}};
  EXPECT_THAT(FindHeaders(headers, "warning"), ElementsAre("a", "b"));
  EXPECT_THAT(FindHeaders(headers, "missing"), ElementsAre());
}

TEST(FindHeaderTest, EmptyValueIsStillFound) {
  Headers headers = {{"X-Empty", ""}};
  ASSERT_TRUE(FindHeader(headers, "x-empty").has_value());
  EXPECT_EQ(*FindHeader(headers, "x-empty"), "");
}

}  // namespace
}  // namespace kube::transport
