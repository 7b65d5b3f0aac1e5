// How typed options become query parameters and DELETE bodies (the server-side effect of each is
// covered by typed_apiserver_test).
#include "client/typed/options.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::typed {
namespace {

TEST(OptionsTest, ListOptionsBecomeQueryParameters) {
  rest::Request request("GET");
  ASSERT_TRUE(ApplyListOptions({.label_selector = "app in (a,b),!old",
                                .field_selector = "metadata.name=x",
                                .resource_version = "10",
                                .resource_version_match = "NotOlderThan",
                                .limit = 50,
                                .continue_token = "tok",
                                .timeout_seconds = 30,
                                .allow_watch_bookmarks = true,
                                .send_initial_events = false},
                               request)
                  .ok());
  EXPECT_EQ(request.Query(),
            "allowWatchBookmarks=true&continue=tok&fieldSelector=metadata.name%3Dx&"
            "labelSelector=app%20in%20%28a%2Cb%29%2C%21old&limit=50&resourceVersion=10&"
            "resourceVersionMatch=NotOlderThan&sendInitialEvents=false&timeoutSeconds=30");
}

TEST(OptionsTest, DefaultsSendNothing) {
  rest::Request request("GET");
  ASSERT_TRUE(ApplyListOptions({}, request).ok());
  ASSERT_TRUE(ApplyGetOptions({}, request).ok());
  ASSERT_TRUE(ApplyCreateOptions({}, request).ok());
  ASSERT_TRUE(ApplyPatchOptions(PatchType::kMerge, {}, request).ok());
  EXPECT_EQ(request.Query(), "");
}

TEST(OptionsTest, WriteOptions) {
  rest::Request request("PATCH");
  ASSERT_TRUE(
      ApplyPatchOptions(
          PatchType::kApply,
          {.dry_run = {"All"}, .force = true, .field_manager = "me", .field_validation = "Strict"},
          request)
          .ok());
  EXPECT_EQ(request.Query(), "dryRun=All&fieldManager=me&fieldValidation=Strict&force=true");
}

TEST(OptionsTest, BadInputIsInvalidArgument) {
  rest::Request request("GET");
  absl::Status selector = ApplyListOptions({.label_selector = "a in (b"}, request);
  EXPECT_EQ(selector.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(selector.message()), ::testing::HasSubstr("a in (b"));
  EXPECT_EQ(ApplyListOptions({.field_selector = "metadata.name"}, request).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyListOptions({.limit = -1}, request).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyCreateOptions({.dry_run = {"true"}}, request).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyPatchOptions(PatchType::kApply, {}, request).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyPatchOptions(PatchType::kJson, {.force = false}, request).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DeleteOptionsJson({.grace_period_seconds = -5}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(OptionsTest, DeleteOptionsBody) {
  absl::StatusOr<std::string> empty = DeleteOptionsJson({});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, R"({"kind":"DeleteOptions","apiVersion":"v1"})");
  absl::StatusOr<std::string> full =
      DeleteOptionsJson({.grace_period_seconds = 0,
                         .preconditions = {.uid = "u-1", .resource_version = "42"},
                         .propagation_policy = PropagationPolicy::kForeground,
                         .dry_run = {"All"}});
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(*full, R"({"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0,)"
                   R"("preconditions":{"uid":"u-1","resourceVersion":"42"},)"
                   R"("propagationPolicy":"Foreground","dryRun":["All"]})");
}

TEST(OptionsTest, PatchContentTypes) {
  EXPECT_EQ(PatchContentType(PatchType::kJson), "application/json-patch+json");
  EXPECT_EQ(PatchContentType(PatchType::kMerge), "application/merge-patch+json");
  EXPECT_EQ(PatchContentType(PatchType::kStrategicMerge), "application/strategic-merge-patch+json");
  EXPECT_EQ(PatchContentType(PatchType::kApply), "application/apply-patch+yaml");
}

}  // namespace
}  // namespace kube::typed
