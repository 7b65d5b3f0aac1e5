// kube::plugins::PluginLoader — finds, checks and loads plugin shared objects.
//
// Where it sits: an application (typically through its informer factory) owns one loader and
// asks it for each plugin file users configure; every informer then creates its own instances
// from the returned PluginLibrary (plugin_library.h). `kubecpp plugin inspect` uses a loader to
// explain why a file is refused.
//
// What Load checks, in order, each failure a distinct Status naming the file:
//   1. the path resolves (realpath; NotFound / PermissionDenied from errno);
//   2. with allowed_directories set: the resolved path lies inside one of them, after resolving
//      symlinks on both sides, so a symlink cannot escape (PermissionDenied); the file is not
//      writable by group or others (PermissionDenied);
//   3. it is a regular file and an ELF shared object (InvalidArgument otherwise);
//   4. the file's SHA-256 is computed (always: it is recorded in PluginInfo::sha256); with
//      LoadOptions::sha256 set it must equal the pin (PermissionDenied, with both digests in the
//      message);
//   5. dlopen(RTLD_NOW | RTLD_LOCAL) succeeds (InvalidArgument with the loader's reason, e.g. an
//      unresolved symbol), and the file itself exports kube_plugin_entry (InvalidArgument);
//   6. the handshake (PluginLibrary::Bind): FailedPrecondition listing each mismatched field;
//      then the plugin's init (its own status).
//
// Deduplication: files are identified by device and inode (st_dev, st_ino), so two paths to one
// file (symlinks, hard links, bind mounts of the same device) give the same PluginLibrary while
// it is alive. A library whose last reference is gone is shut down and dlclose'd; loading it
// again afterwards runs entry and init again. Replacing a plugin file in place while an older
// version from the same path is still loaded is refused (FailedPrecondition): the dynamic
// loader would silently hand back the old code. Install new versions under a new path.
//
// Security notes: the checks guard against configuration mistakes and against files swapped in
// by anyone who cannot write to the allowed directories. Between the digest check and dlopen
// the file is opened again by path, so the allowed directories must be writable only by trusted
// users. A loaded plugin runs with the full rights of the process.
//
// Thread-safety: Load may be called concurrently; loads are serialized. Libraries and instances
// outlive the loader safely.
#ifndef KUBECPP_PLUGINS_HOST_PLUGIN_LOADER_H_
#define KUBECPP_PLUGINS_HOST_PLUGIN_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "plugins/host/plugin_library.h"

namespace kube::plugins {

struct PluginLoaderOptions {
  // allowed_directories: when non-empty, only files whose real path lies inside one of these
  // directories load. Each must exist; it is resolved (realpath) when the loader is created.
  std::vector<std::string> allowed_directories;
  PluginLimits limits;
  PluginLogSink log_sink;  // empty: StderrPluginLogSink()
};

struct LoadOptions {
  // sha256: the expected SHA-256 of the file as 64 hex digits (either case); empty: no pin.
  std::string sha256;
};

class PluginLoader {
 public:
  // Create checks and resolves the options (InvalidArgument for an allowed directory that
  // does not exist or is not a directory).
  static absl::StatusOr<std::unique_ptr<PluginLoader>> Create(PluginLoaderOptions options);

  ~PluginLoader();
  PluginLoader(const PluginLoader&) = delete;
  PluginLoader& operator=(const PluginLoader&) = delete;

  // Load returns the library in the file at `path`, loading it unless it is already loaded
  // (see the checks and deduplication above).
  absl::StatusOr<std::shared_ptr<const PluginLibrary>> Load(absl::string_view path,
                                                            const LoadOptions& options = {});

  struct State;  // shared with the unload actions of the libraries it loaded

 private:
  PluginLoader(PluginLoaderOptions options, std::vector<std::string> allowed_real_directories);

  const PluginLoaderOptions options_;
  const std::vector<std::string> allowed_real_directories_;
  std::shared_ptr<State> state_;
};

}  // namespace kube::plugins

#endif  // KUBECPP_PLUGINS_HOST_PLUGIN_LOADER_H_
