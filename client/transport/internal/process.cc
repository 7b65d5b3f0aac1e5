#include "client/transport/internal/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

extern char** environ;

namespace kube::transport::internal {
namespace {

using SteadyClock = std::chrono::steady_clock;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

absl::Status SystemError(absl::string_view what, int error) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(error)));
}

// Child owns a spawned process: destroying it kills and reaps a child still running.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (!reaped_) KillAndReap();
  }

  // Poll reaps the child if it has exited; returns whether it has.
  bool Poll() {
    if (reaped_) return true;
    int status = 0;
    pid_t r;
    do {
      r = ::waitpid(pid_, &status, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == pid_) {
      reaped_ = true;
      status_ = status;
    } else if (r < 0 && errno == ECHILD) {
      reaped_ = true;  // reaped elsewhere (SIGCHLD ignored): the status is lost
      status_ = 0;
    }
    return reaped_;
  }

  void KillAndReap() {
    // The whole process group: the plugin and anything it started (which may hold the pipes
    // after the plugin itself exited). A group id is not reused while a member lives.
    ::kill(-pid_, SIGKILL);
    if (reaped_) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    status_ = status;
  }

  pid_t pid() const { return pid_; }
  int status() const { return status_; }

 private:
  pid_t pid_;
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace

std::vector<std::string> CurrentEnvironment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    env.emplace_back(*entry);
  }
  return env;
}

std::vector<std::string> MergeEnvironment(std::vector<std::string> base,
                                          const std::vector<std::string>& overrides) {
  auto key_of = [](absl::string_view entry) { return entry.substr(0, entry.find('=')); };
  for (const std::string& entry : overrides) {
    const absl::string_view key = key_of(entry);
    bool replaced = false;
    for (auto it = base.begin(); it != base.end();) {
      if (key_of(*it) != key) {
        ++it;
        continue;
      }
      if (!replaced) {
        *it = entry;
        replaced = true;
        ++it;
      } else {
        it = base.erase(it);  // a duplicate key would shadow the override for getenv()
      }
    }
    if (!replaced) base.push_back(entry);
  }
  return base;
}

absl::StatusOr<ProcessResult> RunProcess(const ProcessSpec& spec) {
  if (spec.command.empty()) return absl::InvalidArgumentError("empty command");
  int out_fds[2];
  int err_fds[2];
  if (::pipe2(out_fds, O_CLOEXEC) != 0) return SystemError("pipe2", errno);
  Fd out_read(out_fds[0]);
  Fd out_write(out_fds[1]);
  if (::pipe2(err_fds, O_CLOEXEC) != 0) return SystemError("pipe2", errno);
  Fd err_read(err_fds[0]);
  Fd err_write(err_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  // Ignored dispositions survive exec; give the plugin the defaults.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(spec.command.c_str()));
  for (const std::string& arg : spec.args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& entry : spec.env) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);

  pid_t pid = 0;
  const int spawn_error =
      ::posix_spawnp(&pid, spec.command.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  out_write.Close();
  err_write.Close();
  if (spawn_error == ENOENT) {
    return absl::NotFoundError(absl::StrCat("executable ", spec.command, " not found"));
  }
  if (spawn_error == EACCES) {
    return absl::PermissionDeniedError(
        absl::StrCat("executable ", spec.command, " is not executable"));
  }
  if (spawn_error != 0) return SystemError(absl::StrCat("starting ", spec.command), spawn_error);

  Child child(pid);
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));  // -1 on old kernels: polled

  ProcessResult result;
  const auto deadline =
      SteadyClock::now() + absl::ToChronoNanoseconds(std::min(spec.timeout, absl::Hours(24)));
  constexpr auto kSlice = std::chrono::milliseconds(100);
  char buffer[16384];
  bool exited = child.Poll();
  while (out_read.open() || err_read.open() || !exited) {
    if (spec.cancelled != nullptr && spec.cancelled->load()) {
      child.KillAndReap();
      return absl::CancelledError(absl::StrCat(spec.command, " was cancelled"));
    }
    const auto now = SteadyClock::now();
    if (now >= deadline) {
      child.KillAndReap();
      return absl::DeadlineExceededError(absl::StrCat(spec.command, " did not finish within ",
                                                      absl::FormatDuration(spec.timeout)));
    }
    pollfd fds[3];
    nfds_t count = 0;
    if (out_read.open()) fds[count++] = {out_read.get(), POLLIN, 0};
    if (err_read.open()) fds[count++] = {err_read.get(), POLLIN, 0};
    if (!exited && pidfd.open()) fds[count++] = {pidfd.get(), POLLIN, 0};
    auto wait = std::min<SteadyClock::duration>(deadline - now, kSlice);
    if (!exited && !pidfd.open() && !out_read.open() && !err_read.open()) {
      wait = std::min<SteadyClock::duration>(wait, std::chrono::milliseconds(5));
    }
    const int timeout_ms =
        static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count());
    const int ready = ::poll(fds, count, timeout_ms);
    if (ready < 0 && errno != EINTR) return SystemError("poll", errno);
    for (nfds_t i = 0; ready > 0 && i < count; ++i) {
      if (fds[i].revents == 0) continue;
      Fd* pipe = fds[i].fd == out_read.get()   ? &out_read
                 : fds[i].fd == err_read.get() ? &err_read
                                               : nullptr;
      if (pipe == nullptr) continue;  // the pidfd: handled by Poll below
      std::string& sink = pipe == &out_read ? result.stdout_data : result.stderr_data;
      const ssize_t n = ::read(pipe->get(), buffer, sizeof(buffer));
      if (n > 0) {
        sink.append(buffer, static_cast<size_t>(n));
        if (sink.size() > spec.max_output_bytes) {
          child.KillAndReap();
          return absl::ResourceExhaustedError(
              absl::StrCat(spec.command, " wrote more than ", spec.max_output_bytes, " bytes to ",
                           pipe == &out_read ? "stdout" : "stderr"));
        }
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        pipe->Close();
      }
    }
    if (!exited) exited = child.Poll();
  }
  const int status = child.status();
  if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
    result.exit_code = -1;
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

}  // namespace kube::transport::internal
