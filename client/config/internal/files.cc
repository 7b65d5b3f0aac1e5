#include "client/config/internal/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace kube::config::internal {
namespace {

absl::Status OpenError(int error, const std::string& path, absl::string_view what) {
  if (error == ENOENT || error == ENOTDIR) {
    return absl::NotFoundError(absl::StrCat(what, " ", path, ": no such file"));
  }
  return absl::ErrnoToStatus(error, absl::StrCat(what, " ", path));
}

// Fd closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string CleanPath(absl::string_view path) {
  const bool rooted = absl::StartsWith(path, "/");
  std::vector<absl::string_view> parts;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string joined = absl::StrJoin(parts, "/");
  if (rooted) return absl::StrCat("/", joined);
  return joined.empty() ? "." : joined;
}

std::string JoinPath(absl::string_view base, absl::string_view path) {
  if (base.empty()) return CleanPath(path);
  return CleanPath(absl::StrCat(base, "/", path));
}

absl::StatusOr<std::string> AbsoluteDirOf(absl::string_view path) {
  std::string absolute;
  if (absl::StartsWith(path, "/")) {
    absolute = std::string(path);
  } else {
    std::string cwd(4096, '\0');
    if (::getcwd(cwd.data(), cwd.size()) == nullptr) {
      return absl::ErrnoToStatus(errno, absl::StrCat("resolving the directory of ", path));
    }
    cwd.resize(cwd.find('\0'));
    absolute = absl::StrCat(cwd, "/", path);
  }
  return CleanPath(absl::StrCat(absolute, "/.."));
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes,
                                          absl::string_view what) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return OpenError(errno, path, what);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return OpenError(errno, path, what);
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", path, ": is a directory"));
  }
  std::string contents;
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, absl::StrCat("reading ", what, " ", path));
    }
    if (n == 0) break;
    if (contents.size() + static_cast<size_t>(n) > max_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " ", path, ": larger than the ", max_bytes, "-byte limit"));
    }
    contents.append(buffer, static_cast<size_t>(n));
  }
  return contents;
}

absl::Status CheckReadable(const std::string& path, absl::string_view what) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return OpenError(errno, path, what);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return OpenError(errno, path, what);
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", path, ": is a directory"));
  }
  return absl::OkStatus();
}

bool IsRegularFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

}  // namespace kube::config::internal
