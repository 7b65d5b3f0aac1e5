// PluginLoader against real shared objects built by kube_cc_plugin (plugins/host/testdata):
// every failure mode gives a clear Status and the process keeps running.
#include "plugins/host/plugin_loader.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugins/host/internal/sha256.h"
#include "plugins/host/testing/fake_object.h"
#include "plugins/host/testing/runfiles.h"

namespace kube::plugins {
namespace {

namespace fs = std::filesystem;
using ::kube::plugins::testing::FakeObject;
using ::kube::plugins::testing::RunfilePath;
using ::kube::plugins::testing::TempDir;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Testdata(const std::string& name) {
  return RunfilePath("plugins/host/testdata/lib" + name + ".so");
}

std::unique_ptr<PluginLoader> NewLoader(PluginLoaderOptions options = {}) {
  absl::StatusOr<std::unique_ptr<PluginLoader>> loader = PluginLoader::Create(std::move(options));
  EXPECT_TRUE(loader.ok()) << loader.status();
  return loader.ok() ? *std::move(loader) : nullptr;
}

absl::Status LoadStatus(const std::string& name) {
  return NewLoader()->Load(Testdata(name)).status();
}

FakeObject Pod(const std::string& name) { return FakeObject("Pod", "default", name); }

// IsMapped: whether the dynamic loader has the file mapped (RTLD_NOLOAD loads nothing).
bool IsMapped(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  dlclose(handle);
  return true;
}

std::string CopyTo(const std::string& from, const std::string& to) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::permissions(to, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                          fs::perms::others_read | fs::perms::others_exec);
  return to;
}

// ---- loading and calling ---------------------------------------------------------------------

TEST(PluginLoaderTest, LoadsAPluginAndIndexes) {
  auto loader = NewLoader();
  absl::StatusOr<std::shared_ptr<const PluginLibrary>> library =
      loader->Load(Testdata("raw_errors"));
  ASSERT_TRUE(library.ok()) << library.status();
  EXPECT_EQ((*library)->info().name, "raw-errors");
  EXPECT_EQ((*library)->info().description, "misbehaves on request");
  EXPECT_EQ((*library)->info().source, fs::canonical(Testdata("raw_errors")).string());
  EXPECT_THAT((*library)->info().sha256, ::testing::MatchesRegex("[0-9a-f]{64}"))
      << "the digest is recorded unpinned too";
  auto index = (*library)->NewIndexFunction("cfg");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ((*index)->name(), "raw-errors");
  absl::StatusOr<std::vector<std::string>> values = (*index)->Index(Pod("web-0"));
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_THAT(*values, ElementsAre("web-0", "cfg")) << "the duplicate emission is removed";
}

// ---- files that are not plugins ----------------------------------------------------------------

TEST(PluginLoaderTest, MissingFile) {
  absl::Status status = NewLoader()->Load("/nonexistent/libx.so").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("/nonexistent/libx.so"));
  EXPECT_EQ(NewLoader()->Load("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PluginLoaderTest, NotAnElfFile) {
  absl::Status status = LoadStatus("not_elf");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("not an ELF shared object (first bytes \"this\")"));
}

TEST(PluginLoaderTest, ADirectoryIsNotAPlugin) {
  absl::Status status = NewLoader()->Load(TempDir()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("not a regular file"));
}

TEST(PluginLoaderTest, NoEntrySymbol) {
  absl::Status status = LoadStatus("no_entry");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("does not export kube_plugin_entry"));
}

TEST(PluginLoaderTest, EntryReturnsNull) {
  absl::Status status = LoadStatus("null_entry");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("kube_plugin_entry returned no function table"));
}

// ---- handshake ---------------------------------------------------------------------------------

TEST(PluginLoaderTest, AbiMajorMismatch) {
  absl::Status status = LoadStatus("abi_major_2");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("abi_major: plugin built against ABI 2.1, this host speaks ABI 1.0"));
}

TEST(PluginLoaderTest, UnknownNewerMinor) {
  absl::Status status = LoadStatus("newer_minor");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("abi_minor: plugin built against ABI 1.1, newer than this host's 1.0"));
}

TEST(PluginLoaderTest, WrongStructSize) {
  absl::Status status = LoadStatus("short_table");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("struct_size: 40, but ABI 1.0 needs at least 96"));
}

TEST(PluginLoaderTest, EveryMismatchedFieldIsListed) {
  absl::Status status = LoadStatus("bad_table");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              AllOf(HasSubstr("name: \"Bad Name!\""), HasSubstr("flags: unknown bits 0x80"),
                    HasSubstr("create: NULL (required)"), HasSubstr("destroy: NULL (required)"),
                    HasSubstr("index: NULL (required for an index plugin)")));
}

TEST(PluginLoaderTest, InitFailure) {
  absl::Status status = LoadStatus("init_fails");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("plugin \"init-fails\" (" + fs::canonical(Testdata("init_fails")).string() +
                        "): init: license file /etc/plugin.lic is missing"));
}

TEST(PluginLoaderTest, RefusedLibrariesAreUnloaded) {
  auto loader = NewLoader();
  for (const char* name : {"null_entry", "bad_table", "init_fails", "no_entry"}) {
    ASSERT_FALSE(loader->Load(Testdata(name)).ok()) << name;
    EXPECT_FALSE(IsMapped(fs::canonical(Testdata(name)))) << name;
  }
}

// ---- instances that fail -----------------------------------------------------------------------

TEST(PluginLoaderTest, CreateFailures) {
  auto library = *NewLoader()->Load(Testdata("raw_errors"));
  absl::Status with_message = library->NewIndexFunction("fail").status();
  EXPECT_EQ(with_message.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(with_message.message(), HasSubstr("create: config \"fail\" asks for failure"));

  absl::Status without = library->NewIndexFunction("fail-nomsg").status();
  EXPECT_EQ(without.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(without.message(), HasSubstr("create returned INVALID_ARGUMENT without a message"));

  absl::Status no_instance = library->NewIndexFunction("null-instance").status();
  EXPECT_EQ(no_instance.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(no_instance.message(), HasSubstr("create returned OK but no instance"));

  EXPECT_EQ(library->NewTransform("").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(PluginLoaderTest, IndexFailuresConcernOneObject) {
  auto index = *(*NewLoader()->Load(Testdata("raw_errors")))->NewIndexFunction("");

  absl::Status garbage = index->Index(Pod("garbage")).status();
  EXPECT_EQ(garbage.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(garbage.message(), HasSubstr("index default/garbage returned unknown status code "
                                           "12345"));

  absl::Status nomsg = index->Index(Pod("nomsg")).status();
  EXPECT_EQ(nomsg.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(nomsg.message(), HasSubstr("returned INVALID_ARGUMENT without a message"));

  absl::Status bad_path = index->Index(Pod("bad-path")).status();
  EXPECT_EQ(bad_path.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_path.message(), HasSubstr("last failed host callback: INVALID_ARGUMENT: "
                                            "object_field: invalid field path \"spec..x\""));

  absl::Status many = index->Index(Pod("many")).status();
  EXPECT_EQ(many.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(many.message(), HasSubstr("more than 10000 index values"));

  // The instance keeps working for the next object.
  EXPECT_TRUE(index->Index(Pod("fine")).ok());
}

TEST(PluginLoaderTest, ExceptionEscapingARawPluginIsContained) {
  auto index = *(*NewLoader()->Load(Testdata("throws_raw")))->NewIndexFunction("");
  for (int i = 0; i < 3; ++i) {
    absl::Status status = index->Index(Pod("any")).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
    EXPECT_THAT(status.message(), HasSubstr("let a C++ exception cross the C ABI"));
  }
}

TEST(PluginLoaderTest, SdkCatchesExceptions) {
  auto library = *NewLoader()->Load(Testdata("throws_sdk"));
  absl::Status create = library->NewIndexFunction("throw").status();
  EXPECT_EQ(create.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(create.message(),
              HasSubstr("create: uncaught exception: constructor threw on purpose"));
  auto index = *library->NewIndexFunction("");
  absl::Status status = index->Index(Pod("throw")).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(),
              HasSubstr("index default/throw: uncaught exception: index threw on purpose"));
  EXPECT_THAT(*index->Index(Pod("fine")), ElementsAre("fine"));
}

// ---- instances are independent ---------------------------------------------------------------

TEST(PluginLoaderTest, InstancesOfOneLibraryShareNoState) {
  auto loader = NewLoader();
  auto library = *loader->Load(Testdata("stateful"));
  // Two informers, each with its own config, each creating its instance from the same file.
  auto informer_a = *library->NewIndexFunction("a");
  auto informer_b = *(*loader->Load(Testdata("stateful")))->NewIndexFunction("b");
  EXPECT_THAT(*informer_a->Index(Pod("x")), ElementsAre("a:1"));
  EXPECT_THAT(*informer_a->Index(Pod("x")), ElementsAre("a:2"));
  EXPECT_THAT(*informer_b->Index(Pod("x")), ElementsAre("b:1"));
  EXPECT_THAT(*informer_a->Index(Pod("x")), ElementsAre("a:3"));
  EXPECT_THAT(*informer_b->Index(Pod("x")), ElementsAre("b:2"));
}

// ---- identity and lifetime ---------------------------------------------------------------------

TEST(PluginLoaderTest, DeduplicatesByFileIdentity) {
  const std::string dir = TempDir();
  const std::string copy = CopyTo(Testdata("raw_errors"), dir + "/libcopy.so");
  fs::create_symlink(copy, dir + "/libsymlink.so");
  fs::create_hard_link(copy, dir + "/libhardlink.so");

  auto loader = NewLoader();
  auto original = *loader->Load(copy);
  EXPECT_EQ(*loader->Load(copy), original);
  EXPECT_EQ(*loader->Load(dir + "/libsymlink.so"), original);
  EXPECT_EQ(*loader->Load(dir + "/libhardlink.so"), original);
  EXPECT_EQ(*loader->Load(dir + "/./libcopy.so"), original);
  // Same bytes, different file: a different library.
  auto other = *loader->Load(Testdata("raw_errors"));
  EXPECT_NE(other, original);
}

TEST(PluginLoaderTest, NeverUnloadsWhileAnInstanceLives) {
  const std::string path = CopyTo(Testdata("raw_errors"), TempDir() + "/libalive.so");
  auto loader = NewLoader();
  auto library = *loader->Load(path);
  auto index = *library->NewIndexFunction("kept");
  library.reset();
  EXPECT_TRUE(IsMapped(path)) << "the instance keeps the code mapped";
  EXPECT_THAT(*index->Index(Pod("p")), ElementsAre("p", "kept"));
  index.reset();
  EXPECT_FALSE(IsMapped(path)) << "unloaded with its last instance";

  // Loading again after the unload starts afresh.
  auto again = loader->Load(path);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(*(*(*again)->NewIndexFunction("x"))->Index(Pod("p")), ElementsAre("p", "x"));
}

TEST(PluginLoaderTest, LibrariesOutliveTheLoader) {
  auto loader = NewLoader();
  auto index = *(*loader->Load(Testdata("raw_errors")))->NewIndexFunction("c");
  loader.reset();
  EXPECT_THAT(*index->Index(Pod("p")), ElementsAre("p", "c"));
}

TEST(PluginLoaderTest, ReplacedFileIsRefusedWhileTheOldVersionIsLoaded) {
  const std::string dir = TempDir();
  const std::string path = CopyTo(Testdata("raw_errors"), dir + "/libplugin.so");
  auto loader = NewLoader();
  auto old_version = *loader->Load(path);
  // A new version installed over the same path (a new inode, like `install` or `cp` + `mv`).
  CopyTo(Testdata("stateful"), dir + "/libplugin.so.new");
  fs::rename(dir + "/libplugin.so.new", path);
  absl::Status status = loader->Load(path).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("the file was replaced"));
  old_version.reset();
  absl::StatusOr<std::shared_ptr<const PluginLibrary>> new_version = loader->Load(path);
  ASSERT_TRUE(new_version.ok()) << new_version.status();
  EXPECT_EQ((*new_version)->info().name, "stateful");
}

// ---- allowed directories -----------------------------------------------------------------------

class AllowedDirectoriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = TempDir();
    fs::create_directories(root_ + "/allowed");
    fs::create_directories(root_ + "/outside");
    inside_ = CopyTo(Testdata("raw_errors"), root_ + "/allowed/libok.so");
    outside_ = CopyTo(Testdata("raw_errors"), root_ + "/outside/libevil.so");
    PluginLoaderOptions options;
    options.allowed_directories = {root_ + "/allowed"};
    loader_ = NewLoader(std::move(options));
  }

  std::string root_, inside_, outside_;
  std::unique_ptr<PluginLoader> loader_;
};

TEST_F(AllowedDirectoriesTest, LoadsFromInside) { EXPECT_TRUE(loader_->Load(inside_).ok()); }

TEST_F(AllowedDirectoriesTest, RefusesOutside) {
  absl::Status status = loader_->Load(outside_).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("outside the allowed plugin directories"));
  EXPECT_FALSE(IsMapped(outside_));
}

TEST_F(AllowedDirectoriesTest, SymlinkCannotEscape) {
  fs::create_symlink(outside_, root_ + "/allowed/libescape.so");
  absl::Status status = loader_->Load(root_ + "/allowed/libescape.so").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("resolves to " + fs::canonical(outside_).string()));
  fs::create_directory_symlink(root_ + "/outside", root_ + "/allowed/subdir");
  EXPECT_EQ(loader_->Load(root_ + "/allowed/subdir/libevil.so").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(loader_->Load(root_ + "/allowed/../outside/libevil.so").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AllowedDirectoriesTest, PrefixOfADirectoryNameIsNotInside) {
  fs::create_directories(root_ + "/allowed-not");
  const std::string sibling = CopyTo(Testdata("raw_errors"), root_ + "/allowed-not/lib.so");
  EXPECT_EQ(loader_->Load(sibling).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AllowedDirectoriesTest, AllowedDirectoryMayItselfBeASymlink) {
  fs::create_directory_symlink(root_ + "/allowed", root_ + "/link-to-allowed");
  PluginLoaderOptions options;
  options.allowed_directories = {root_ + "/link-to-allowed"};
  auto loader = NewLoader(std::move(options));
  EXPECT_TRUE(loader->Load(inside_).ok());
  EXPECT_TRUE(loader->Load(root_ + "/link-to-allowed/libok.so").ok());
}

TEST_F(AllowedDirectoriesTest, RefusesFilesWritableByOthers) {
  fs::permissions(inside_, fs::perms::others_write, fs::perm_options::add);
  absl::Status status = loader_->Load(inside_).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("writable by group or others (mode 0757)"));
}

TEST(PluginLoaderCreateTest, AllowedDirectoryMustExist) {
  PluginLoaderOptions options;
  options.allowed_directories = {"/nonexistent/plugins"};
  absl::StatusOr<std::unique_ptr<PluginLoader>> loader = PluginLoader::Create(options);
  EXPECT_EQ(loader.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(loader.status().message(), HasSubstr("\"/nonexistent/plugins\""));
}

// ---- digest pinning ----------------------------------------------------------------------------

std::string DigestOf(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  absl::StatusOr<std::string> digest = internal::Sha256HexOfFile(fd);
  close(fd);
  return *digest;
}

TEST(PluginLoaderPinTest, MatchingDigestLoads) {
  const std::string path = Testdata("raw_errors");
  std::string digest = DigestOf(path);
  absl::StatusOr<std::shared_ptr<const PluginLibrary>> library =
      NewLoader()->Load(path, {.sha256 = digest});
  ASSERT_TRUE(library.ok()) << library.status();
  EXPECT_EQ((*library)->info().sha256, digest);
  for (char& c : digest) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(NewLoader()->Load(path, {.sha256 = digest}).ok());
}

TEST(PluginLoaderPinTest, DigestMismatchIsRefused) {
  const std::string path = Testdata("raw_errors");
  const std::string actual = DigestOf(path);
  const std::string pinned = DigestOf(Testdata("stateful"));
  auto loader = NewLoader();
  absl::Status status = loader->Load(path, {.sha256 = pinned}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(),
              HasSubstr("SHA-256 is " + actual + ", but " + pinned + " is pinned"));
  EXPECT_FALSE(IsMapped(fs::canonical(path)));
  // Also when the same file is already loaded unpinned.
  auto loaded = *loader->Load(path);
  EXPECT_EQ(loader->Load(path, {.sha256 = pinned}).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(PluginLoaderPinTest, MalformedDigestIsRefused) {
  absl::Status status = NewLoader()->Load(Testdata("raw_errors"), {.sha256 = "abc"}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("64 hex digits"));
}

}  // namespace
}  // namespace kube::plugins
