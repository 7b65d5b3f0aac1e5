#include "plugins/host/internal/sha256.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "plugins/host/testing/runfiles.h"

namespace kube::plugins::internal {
namespace {

std::string DigestOf(const std::string& content) {
  const std::string path = testing::TempDir() + "/file";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  absl::StatusOr<std::string> digest = Sha256HexOfFile(fd);
  close(fd);
  EXPECT_TRUE(digest.ok()) << digest.status();
  return digest.ok() ? *digest : "";
}

TEST(Sha256Test, KnownVectors) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(DigestOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(DigestOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Longer than one read buffer (64 KiB): one million 'a'.
  EXPECT_EQ(DigestOf(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, ReadsFromOffsetZeroWithoutMovingTheFileOffset) {
  const std::string path = testing::TempDir() + "/file";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_EQ(write(fd, "abc", 3), 3);
  ASSERT_EQ(lseek(fd, 1, SEEK_SET), 1);
  EXPECT_EQ(*Sha256HexOfFile(fd),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 1);
  close(fd);
}

TEST(Sha256Test, BadDescriptorIsAnError) { EXPECT_FALSE(Sha256HexOfFile(-1).ok()); }

TEST(Sha256Test, NormalizeAcceptsOnly64HexDigits) {
  const std::string upper = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
  EXPECT_EQ(*NormalizeSha256Hex(upper),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(NormalizeSha256Hex(upper.substr(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(NormalizeSha256Hex(std::string(63, 'a') + "g").ok());
  EXPECT_FALSE(NormalizeSha256Hex("").ok());
}

}  // namespace
}  // namespace kube::plugins::internal
