#include "client/transport/internal/process.h"

#include <atomic>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::transport::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ProcessSpec Shell(const std::string& script) {
  ProcessSpec spec;
  spec.command = "/bin/sh";
  spec.args = {"-c", script};
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.timeout = absl::Seconds(20);
  return spec;
}

TEST(RunProcessTest, CapturesOutputAndExitCode) {
  absl::StatusOr<ProcessResult> result = RunProcess(Shell("echo out; echo err >&2; exit 3"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->term_signal, 0);
  EXPECT_EQ(result->stdout_data, "out\n");
  EXPECT_EQ(result->stderr_data, "err\n");
}

TEST(RunProcessTest, ChildSeesExactlyTheGivenEnvironmentAndNoStdin) {
  ProcessSpec spec = Shell("echo \"$ONE|$TWO|${HOME:-unset}\"; cat");
  spec.env = {"PATH=/usr/bin:/bin", "ONE=1", "TWO=two words"};
  absl::StatusOr<ProcessResult> result = RunProcess(spec);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stdout_data, "1|two words|unset\n");  // `cat` read /dev/null: no hang
}

TEST(RunProcessTest, MissingCommandIsNotFound) {
  ProcessSpec spec;
  spec.command = "kubecpp-no-such-plugin-xyz";
  absl::StatusOr<ProcessResult> result = RunProcess(spec);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(result.status().message(), HasSubstr("kubecpp-no-such-plugin-xyz"));
}

TEST(RunProcessTest, TimeoutKillsTheProcessGroup) {
  // The grandchild keeps stdout open: only killing the group ends the run.
  ProcessSpec spec = Shell("sleep 30 & sleep 30");
  spec.timeout = absl::Milliseconds(300);
  const absl::Time start = absl::Now();
  absl::StatusOr<ProcessResult> result = RunProcess(spec);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST(RunProcessTest, CancelEndsARun) {
  std::atomic<bool> cancelled{false};
  ProcessSpec spec = Shell("sleep 30");
  spec.cancelled = &cancelled;
  std::thread canceller([&] { cancelled.store(true); });
  absl::StatusOr<ProcessResult> result = RunProcess(spec);
  canceller.join();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
}

TEST(RunProcessTest, TooMuchOutputIsResourceExhausted) {
  ProcessSpec spec = Shell("head -c 100000 /dev/zero");
  spec.max_output_bytes = 1000;
  EXPECT_EQ(RunProcess(spec).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(RunProcessTest, SignalIsReported) {
  absl::StatusOr<ProcessResult> result = RunProcess(Shell("kill -9 $$"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->term_signal, 9);
}

TEST(MergeEnvironmentTest, OverridesReplaceInPlaceAndDropDuplicates) {
  EXPECT_THAT(MergeEnvironment({"A=1", "B=2", "A=3"}, {"A=x", "C=y"}),
              ElementsAre("A=x", "B=2", "C=y"));
}

}  // namespace
}  // namespace kube::transport::internal
