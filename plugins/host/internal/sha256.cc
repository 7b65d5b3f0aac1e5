#include "plugins/host/internal/sha256.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kube::plugins::internal {

absl::StatusOr<std::string> Sha256HexOfFile(int fd) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("SHA-256: cannot initialize OpenSSL's digest");
  }
  std::string buffer(1 << 16, '\0');
  off_t offset = 0;
  while (true) {
    const ssize_t n = pread(fd, buffer.data(), buffer.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, "SHA-256: reading the file");
    }
    if (n == 0) break;
    if (EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(n)) != 1) {
      return absl::InternalError("SHA-256: digest update failed");
    }
    offset += n;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1 || size != 32) {
    return absl::InternalError("SHA-256: digest finalization failed");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), static_cast<size_t>(size)));
}

absl::StatusOr<std::string> NormalizeSha256Hex(absl::string_view digest) {
  bool valid = digest.size() == 64;
  for (char c : digest) valid = valid && absl::ascii_isxdigit(static_cast<unsigned char>(c));
  if (!valid) {
    return absl::InvalidArgumentError(
        absl::StrCat("a SHA-256 digest is 64 hex digits, got \"", absl::CHexEscape(digest), "\""));
  }
  return absl::AsciiStrToLower(digest);
}

}  // namespace kube::plugins::internal
