#include "plugins/host/internal/handshake.h"

#include <cstring>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugins/abi/kube_plugin.h"

namespace kube::plugins::internal {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

kube_plugin_status Create(const kube_host_api*, kube_host_context*, const char*, size_t,
                          kube_plugin_instance**, kube_host_error*) {
  return KUBE_PLUGIN_OK;
}
void Destroy(kube_plugin_instance*) {}
kube_plugin_status Index(kube_plugin_instance*, const kube_host_object*, kube_host_index_sink*,
                         kube_host_error*) {
  return KUBE_PLUGIN_OK;
}
kube_plugin_status TransformFn(kube_plugin_instance*, const kube_host_object*, kube_host_editor*,
                               kube_host_error*) {
  return KUBE_PLUGIN_OK;
}

kube_plugin_api ValidIndex() {
  kube_plugin_api api = {};
  api.struct_size = KUBE_PLUGIN_API_SIZE_1_0;
  api.abi_major = KUBE_PLUGIN_ABI_MAJOR;
  api.abi_minor = KUBE_PLUGIN_ABI_MINOR;
  api.name = "pods-by-node";
  api.version = "1.0.0";
  api.description = "by node";
  api.kind = KUBE_PLUGIN_KIND_INDEX;
  api.flags = KUBE_PLUGIN_FLAG_CONCURRENT_CALLS;
  api.create = &Create;
  api.destroy = &Destroy;
  api.index = &Index;
  return api;
}

// Truncated copies `api` into a heap block of exactly `size` bytes (and sets struct_size), so
// AddressSanitizer reports any read past what the plugin declared.
struct Truncated {
  explicit Truncated(const kube_plugin_api& api, size_t size) : bytes(new char[size]) {
    std::memcpy(bytes.get(), &api, size);
    reinterpret_cast<kube_plugin_api*>(bytes.get())->struct_size = size;
  }
  const kube_plugin_api& get() const {
    return *reinterpret_cast<const kube_plugin_api*>(bytes.get());
  }
  std::unique_ptr<char[]> bytes;
};

TEST(HandshakeTest, AcceptsAValidTableAndCopiesWhatItDeclares) {
  absl::StatusOr<PluginInfo> info = CheckHandshake(ValidIndex(), "/p/lib.so");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->name, "pods-by-node");
  EXPECT_EQ(info->version, "1.0.0");
  EXPECT_EQ(info->description, "by node");
  EXPECT_EQ(info->kind, PluginKind::kIndex);
  EXPECT_TRUE(info->concurrent_calls);
  EXPECT_EQ(info->source, "/p/lib.so");
  EXPECT_EQ(info->abi_major, static_cast<uint32_t>(KUBE_PLUGIN_ABI_MAJOR));
}

TEST(HandshakeTest, AcceptsATransformWithoutIndexFunction) {
  kube_plugin_api api = ValidIndex();
  api.kind = KUBE_PLUGIN_KIND_TRANSFORM;
  api.index = nullptr;
  api.transform = &TransformFn;
  api.description = nullptr;
  api.flags = 0;
  absl::StatusOr<PluginInfo> info = CheckHandshake(api, "x");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->kind, PluginKind::kTransform);
  EXPECT_EQ(info->description, "");
  EXPECT_FALSE(info->concurrent_calls);
}

TEST(HandshakeTest, TooSmallForTheVersionFields) {
  Truncated api(ValidIndex(), sizeof(size_t) + 4);
  absl::StatusOr<PluginInfo> info = CheckHandshake(api.get(), "x");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(info.status().message(), HasSubstr("too small to hold even the ABI version"));
}

TEST(HandshakeTest, OtherMajorIsRefusedWithoutReadingFurther) {
  kube_plugin_api valid = ValidIndex();
  valid.abi_major = KUBE_PLUGIN_ABI_MAJOR + 1;
  valid.abi_minor = 4;
  Truncated api(valid, KUBE_PLUGIN_END_OF(kube_plugin_api, abi_minor));
  absl::StatusOr<PluginInfo> info = CheckHandshake(api.get(), "x");
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.status().message(),
              HasSubstr("abi_major: plugin built against ABI 2.4, this host speaks ABI 1.0"));
}

TEST(HandshakeTest, NewerMinorIsRefused) {
  kube_plugin_api api = ValidIndex();
  api.abi_minor = KUBE_PLUGIN_ABI_MINOR + 1;
  absl::StatusOr<PluginInfo> info = CheckHandshake(api, "x");
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.status().message(),
              HasSubstr("abi_minor: plugin built against ABI 1.1, newer than this host's 1.0"));
  EXPECT_THAT(info.status().message(), HasSubstr("plugin \"pods-by-node\""));
}

TEST(HandshakeTest, ShortTableIsRefusedWithoutReadingPastIt) {
  Truncated api(ValidIndex(), KUBE_PLUGIN_END_OF(kube_plugin_api, description));
  absl::StatusOr<PluginInfo> info = CheckHandshake(api.get(), "x");
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.status().message(), HasSubstr("struct_size: 40, but ABI 1.0 needs at least 96"));
  // Fields past the end are not reported missing: they were never read.
  EXPECT_THAT(info.status().message(), Not(HasSubstr("create")));
}

TEST(HandshakeTest, ListsEveryProblemFieldByField) {
  kube_plugin_api api = ValidIndex();
  api.name = "Bad Name";
  api.version = nullptr;
  api.kind = 9;
  api.flags = 0x6;
  api.create = nullptr;
  api.destroy = nullptr;
  absl::StatusOr<PluginInfo> info = CheckHandshake(api, "x");
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.status().message(),
              AllOf(HasSubstr("name: \"Bad Name\" is not 1-63 characters"),
                    HasSubstr("; version: NULL (required)"),
                    HasSubstr("; kind: 9 is unknown (1 = index, 2 = transform)"),
                    HasSubstr("; flags: unknown bits 0x6"), HasSubstr("; create: NULL (required)"),
                    HasSubstr("; destroy: NULL (required)")));
}

TEST(HandshakeTest, RequiredFunctionDependsOnTheKind) {
  kube_plugin_api index = ValidIndex();
  index.index = nullptr;
  index.transform = &TransformFn;
  EXPECT_THAT(CheckHandshake(index, "x").status().message(),
              HasSubstr("index: NULL (required for an index plugin)"));
  kube_plugin_api transform = ValidIndex();
  transform.kind = KUBE_PLUGIN_KIND_TRANSFORM;
  EXPECT_THAT(CheckHandshake(transform, "x").status().message(),
              HasSubstr("transform: NULL (required for a transform plugin)"));
}

TEST(HandshakeTest, NameRules) {
  for (const char* good : {"a", "pods-by-node", "example.com.by-owner", "0a9",
                           "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"}) {
    kube_plugin_api api = ValidIndex();
    api.name = good;
    EXPECT_TRUE(CheckHandshake(api, "x").ok()) << good;
  }
  for (const char* bad : {"", "-a", "a-", ".a", "A", "a_b", "a b", "\xff",
                          "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"}) {
    kube_plugin_api api = ValidIndex();
    api.name = bad;
    EXPECT_THAT(CheckHandshake(api, "x").status().message(), HasSubstr("name: ")) << bad;
  }
  kube_plugin_api unnamed = ValidIndex();
  unnamed.name = nullptr;
  EXPECT_THAT(CheckHandshake(unnamed, "x").status().message(), HasSubstr("name: NULL"));
}

}  // namespace
}  // namespace kube::plugins::internal
