#include "plugins/host/plugin_loader.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "plugins/host/internal/sha256.h"

namespace kube::plugins {
namespace {

// FileId identifies a file independently of the paths that lead to it.
struct FileId {
  dev_t device = 0;
  ino_t inode = 0;
  friend bool operator<(const FileId& a, const FileId& b) {
    return a.device != b.device ? a.device < b.device : a.inode < b.inode;
  }
};

absl::StatusOr<std::string> RealPath(absl::string_view path) {
  std::string input(path);
  char* resolved = realpath(input.c_str(), nullptr);
  if (resolved == nullptr) {
    const int error = errno;
    return absl::ErrnoToStatus(error, absl::StrCat("plugin ", input));
  }
  std::string out(resolved);
  free(resolved);
  return out;
}

bool IsInside(absl::string_view path, absl::string_view directory) {
  if (directory == "/") return true;
  return path.size() > directory.size() && path.substr(0, directory.size()) == directory &&
         path[directory.size()] == '/';
}

// FileDescriptor closes on destruction.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  const int fd_;
};

// CheckElfSharedObject refuses anything but an ELF shared object, with a clearer reason than
// dlopen gives ("invalid ELF header").
absl::Status CheckElfSharedObject(int fd, const std::string& path) {
  unsigned char header[EI_NIDENT + 2] = {};
  const ssize_t n = pread(fd, header, sizeof(header), 0);
  if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("plugin ", path, ": reading"));
  if (n < static_cast<ssize_t>(sizeof(header)) || std::memcmp(header, ELFMAG, SELFMAG) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("plugin ", path, ": not an ELF shared object (first bytes \"",
                     absl::CHexEscape(absl::string_view(reinterpret_cast<const char*>(header),
                                                        n > 0 ? std::min<size_t>(n, 4) : 0)),
                     "\")"));
  }
  // e_type follows e_ident in both ELF classes; its byte order is e_ident[EI_DATA]'s.
  const uint16_t type = header[EI_DATA] == ELFDATA2MSB
                            ? static_cast<uint16_t>(header[EI_NIDENT] << 8 | header[EI_NIDENT + 1])
                            : static_cast<uint16_t>(header[EI_NIDENT + 1] << 8 | header[EI_NIDENT]);
  if (type != ET_DYN) {
    return absl::InvalidArgumentError(
        absl::StrCat("plugin ", path, ": an ELF file of type ", type,
                     ", not a shared object (build plugins with kube_cc_plugin or -shared)"));
  }
  return absl::OkStatus();
}

std::string DlError() {
  const char* error = dlerror();
  return error == nullptr ? std::string("unknown dynamic loader error") : std::string(error);
}

}  // namespace

// State is shared by the loader and the unload actions of the libraries it loaded, which may
// outlive it.
struct PluginLoader::State {
  struct Entry {
    std::weak_ptr<const PluginLibrary> library;
    void* handle = nullptr;
    std::string path;
  };

  // AnyUnloading: whether some library's last reference is gone but its shutdown/dlclose has
  // not finished. Loads wait for that, so init never overlaps a shutdown and dlopen never hands
  // back a mapping that is about to be closed.
  bool AnyUnloading() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    for (const auto& [id, entry] : entries) {
      if (entry.library.expired()) return true;
    }
    return false;
  }

  absl::Mutex mu;
  std::map<FileId, Entry> entries ABSL_GUARDED_BY(mu);
};

PluginLoader::PluginLoader(PluginLoaderOptions options,
                           std::vector<std::string> allowed_real_directories)
    : options_(std::move(options)),
      allowed_real_directories_(std::move(allowed_real_directories)),
      state_(std::make_shared<State>()) {}

PluginLoader::~PluginLoader() = default;

absl::StatusOr<std::unique_ptr<PluginLoader>> PluginLoader::Create(PluginLoaderOptions options) {
  std::vector<std::string> allowed;
  for (const std::string& directory : options.allowed_directories) {
    absl::StatusOr<std::string> real = RealPath(directory);
    struct stat st;
    if (!real.ok() || stat(real->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat("allowed plugin directory \"", directory, "\" is not an existing directory",
                       real.ok() ? "" : absl::StrCat(": ", real.status().message())));
    }
    allowed.push_back(*std::move(real));
  }
  if (!options.log_sink) options.log_sink = StderrPluginLogSink();
  return std::unique_ptr<PluginLoader>(new PluginLoader(std::move(options), std::move(allowed)));
}

absl::StatusOr<std::shared_ptr<const PluginLibrary>> PluginLoader::Load(
    absl::string_view path, const LoadOptions& options) {
  if (path.empty()) return absl::InvalidArgumentError("plugin path is empty");
  std::string pinned;
  if (!options.sha256.empty()) {
    absl::StatusOr<std::string> normalized = internal::NormalizeSha256Hex(options.sha256);
    if (!normalized.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("plugin ", path, ": pinned digest: ", normalized.status().message()));
    }
    pinned = *std::move(normalized);
  }

  // 1-2: where the file really is, and whether it may be loaded from there.
  absl::StatusOr<std::string> real = RealPath(path);
  if (!real.ok()) return real.status();
  if (!allowed_real_directories_.empty()) {
    bool inside = false;
    for (const std::string& directory : allowed_real_directories_) {
      inside = inside || IsInside(*real, directory);
    }
    if (!inside) {
      return absl::PermissionDeniedError(absl::StrCat(
          "plugin ", path, " resolves to ", *real, ", outside the allowed plugin directories [",
          absl::StrJoin(allowed_real_directories_, ", "), "]"));
    }
  }

  // 3: a regular ELF shared object. O_NOFOLLOW: the resolved path has no symlink left, so one
  // appearing now is a swap in progress.
  FileDescriptor fd(open(real->c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return absl::ErrnoToStatus(errno, absl::StrCat("plugin ", *real));
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return absl::ErrnoToStatus(errno, absl::StrCat("plugin ", *real));
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("plugin ", *real, ": not a regular file"));
  }
  if (!allowed_real_directories_.empty() && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("plugin ", *real, ": writable by group or others (mode ",
                     absl::StrFormat("%04o", st.st_mode & 07777), "); refusing to load it"));
  }
  if (absl::Status elf = CheckElfSharedObject(fd.get(), *real); !elf.ok()) return elf;

  // 4: the digest, read through the descriptor just checked: compared with the pin, and
  // recorded in the library's info (plugin identities carry it).
  absl::StatusOr<std::string> digest = internal::Sha256HexOfFile(fd.get());
  if (!digest.ok()) return digest.status();
  if (!pinned.empty()) {
    if (*digest != pinned) {
      return absl::PermissionDeniedError(
          absl::StrCat("plugin ", *real, ": SHA-256 is ", *digest, ", but ", pinned, " is pinned"));
    }
  }
  const FileId id{st.st_dev, st.st_ino};

  MutexLock lock(&state_->mu);
  AwaitCondition(state_->mu,
                 absl::Condition(
                     +[](State* s) ABSL_NO_THREAD_SAFETY_ANALYSIS { return !s->AnyUnloading(); },
                     state_.get()));
  if (auto it = state_->entries.find(id); it != state_->entries.end()) {
    if (std::shared_ptr<const PluginLibrary> live = it->second.library.lock()) return live;
  }

  // 5: load it; the entry point must be the file's own.
  dlerror();
  void* handle = dlopen(real->c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("plugin ", *real, ": the dynamic loader refused it: ", DlError()));
  }
  for (const auto& [other_id, entry] : state_->entries) {
    if (entry.handle == handle) {
      dlclose(handle);
      return absl::FailedPreconditionError(absl::StrCat(
          "plugin ", *real, ": the file was replaced while the previous version from ", entry.path,
          " is still in use; the dynamic loader would return the old code. Install "
          "the new version under a new path"));
    }
  }
  dlerror();
  void* symbol = dlsym(handle, KUBE_PLUGIN_ENTRY_SYMBOL);
  struct link_map* own_map = nullptr;
  struct link_map* symbol_map = nullptr;
  Dl_info symbol_info;
  const bool own_symbol =
      symbol != nullptr && dlinfo(handle, RTLD_DI_LINKMAP, &own_map) == 0 &&
      dladdr1(symbol, &symbol_info, reinterpret_cast<void**>(&symbol_map), RTLD_DL_LINKMAP) != 0 &&
      symbol_map == own_map;
  if (!own_symbol) {
    dlclose(handle);
    return absl::InvalidArgumentError(absl::StrCat(
        "plugin ", *real, ": does not export ", KUBE_PLUGIN_ENTRY_SYMBOL,
        " (not a kubecpp plugin, or built without KUBE_PLUGIN_EXPORT / kube_cc_plugin)"));
  }
  auto entry = reinterpret_cast<kube_plugin_entry_fn>(symbol);

  // 6: handshake and init. The unload action runs when the last reference is gone.
  std::weak_ptr<State> weak_state = state_;
  auto unload = [weak_state, id, handle] {
    dlclose(handle);
    if (std::shared_ptr<State> state = weak_state.lock()) {
      MutexLock lock(&state->mu);
      state->entries.erase(id);
    }
  };
  absl::StatusOr<std::shared_ptr<const PluginLibrary>> library = PluginLibrary::Bind(
      entry, *real, PluginLibrary::BindOptions{options_.limits, options_.log_sink, *digest},
      std::move(unload));
  if (!library.ok()) {
    dlclose(handle);
    return library.status();
  }
  state_->entries[id] = State::Entry{*library, handle, *real};
  return library;
}

}  // namespace kube::plugins
