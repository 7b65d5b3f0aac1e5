#include "tools/testenv/private_control_plane.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace kube::testenv {

absl::StatusOr<std::unique_ptr<PrivateControlPlane>> PrivateControlPlane::Start(
    const Environment& shared, absl::Duration timeout) {
  if (shared.ctl_binary.empty() || shared.etcd_binary.empty() || shared.apiserver_binary.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the testenv in ", shared.dir,
                     " does not name its binaries (KUBECPP_TESTENV_CTL etc. missing from its env "
                     "file); restart it with tools/testenv/testenv down && up"));
  }
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string templ = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/cp-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", templ, ": ", std::strerror(errno)));
  }
  const std::string dir = templ;
  const std::string log = absl::StrCat(dir, "/testenvctl.log");
  const std::string timeout_flag = absl::StrCat(absl::ToInt64Seconds(timeout), "s");
  std::vector<std::string> args = {shared.ctl_binary,
                                   "serve",
                                   "--dir",
                                   dir,
                                   "--etcd",
                                   shared.etcd_binary,
                                   "--kube-apiserver",
                                   shared.apiserver_binary,
                                   "--kube-version",
                                   shared.kube_version,
                                   "--timeout",
                                   timeout_flag};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0)
    return absl::InternalError(absl::StrCat("open ", log, ": ", std::strerror(errno)));
  // A write to a testenvctl that died must fail with EPIPE, not kill the test.
  signal(SIGPIPE, SIG_IGN);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(log_fd, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(log_fd);
  std::unique_ptr<PrivateControlPlane> cp(
      new PrivateControlPlane(pid, in_pipe[1], out_pipe[0], dir));
  absl::StatusOr<std::string> ready = cp->ReadLine(timeout + absl::Seconds(30));
  if (!ready.ok()) {
    return absl::Status(ready.status().code(),
                        absl::StrCat("private control plane did not start: ",
                                     ready.status().message(), " (see ", log, ")"));
  }
  if (!absl::StartsWith(*ready, "ready ")) {
    return absl::InternalError(absl::StrCat("private control plane: unexpected first line '",
                                            *ready, "' (see ", log, ")"));
  }
  absl::StatusOr<Environment> env = LoadDir(dir);
  if (!env.ok()) return env.status();
  cp->env_ = *std::move(env);
  return cp;
}

PrivateControlPlane::~PrivateControlPlane() {
  close(to_child_);  // end of stdin: testenvctl stops both processes and exits
  absl::Time deadline = absl::Now() + absl::Seconds(40);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (absl::Now() > deadline) {
      kill(pid_, SIGKILL);  // its children die with it (PDEATHSIG)
      waitpid(pid_, &status, 0);
      break;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  close(from_child_);
}

absl::StatusOr<std::string> PrivateControlPlane::ReadLine(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (size_t nl = buffered_.find('\n'); nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError("no answer from testenvctl in time");
    }
    pollfd p{from_child_, POLLIN, 0};
    int n = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    char buf[4096];
    ssize_t got = read(from_child_, buf, sizeof(buf));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return absl::UnavailableError("testenvctl exited");
    buffered_.append(buf, static_cast<size_t>(got));
  }
}

absl::StatusOr<std::string> PrivateControlPlane::Command(absl::string_view line,
                                                         absl::Duration timeout) {
  std::string out = absl::StrCat(line, "\n");
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = write(to_child_, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError(absl::StrCat("testenvctl: write: ", strerror(errno)));
    done += static_cast<size_t>(n);
  }
  absl::StatusOr<std::string> reply = ReadLine(timeout);
  if (!reply.ok()) return reply.status();
  absl::string_view r = *reply;
  if (absl::ConsumePrefix(&r, "ok")) return std::string(absl::StripLeadingAsciiWhitespace(r));
  return absl::InternalError(absl::StrCat("testenvctl '", line, "': ", r, " (logs in ", dir_, ")"));
}

absl::StatusOr<int64_t> PrivateControlPlane::EtcdDelete(absl::string_view key) {
  return IntCommand(absl::StrCat("etcd-delete ", key));
}

absl::StatusOr<int64_t> PrivateControlPlane::CompactEtcd() { return IntCommand("compact"); }

absl::StatusOr<int64_t> PrivateControlPlane::IntCommand(absl::string_view line) {
  absl::StatusOr<std::string> reply = Command(line);
  if (!reply.ok()) return reply.status();
  int64_t rev = 0;
  if (!absl::SimpleAtoi(*reply, &rev)) {
    return absl::InternalError(absl::StrCat("testenvctl ", line, ": not a number: ", *reply));
  }
  return rev;
}

}  // namespace kube::testenv
