// The host callbacks called directly, as a plugin would: every argument a plugin can get wrong
// gives a status, never a crash.
#include "plugins/host/internal/host_api.h"

#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugins/abi/kube_plugin.h"
#include "plugins/host/testing/fake_object.h"

namespace kube::plugins::internal {
namespace {

using ::kube::plugins::testing::FakeObject;
using ::testing::HasSubstr;

const kube_host_api& H() { return *HostApi(); }

FakeObject Pod() {
  FakeObject pod("Pod", "default", "web-0");
  pod.SetField("spec.nodeName", "node-1")
      .SetLabel("app", "web")
      .SetLabel("tier", "front")
      .AddOwnerReference({"apps/v1", "ReplicaSet", "web-abc", "u-rs", true, false});
  return pod;
}

std::string Str(const char* data, size_t size) { return std::string(data, size); }

TEST(HostApiTest, TableDescribesThisAbi) {
  EXPECT_EQ(H().struct_size, KUBE_HOST_API_SIZE_1_0);
  EXPECT_EQ(H().abi_major, static_cast<uint32_t>(KUBE_PLUGIN_ABI_MAJOR));
  EXPECT_EQ(H().abi_minor, static_cast<uint32_t>(KUBE_PLUGIN_ABI_MINOR));
}

TEST(HostApiTest, FieldValuesRenderedByTheHostStayValidUntilTheCallEnds) {
  FakeObject pod = Pod();
  kube_host_error error(100);
  kube_host_object object(&pod, &error);
  const char* controller = nullptr;
  size_t controller_size = 0;
  // "true" is rendered (owned), so it lives in the call's arena.
  ASSERT_EQ(H().object_field(&object, "metadata.ownerReferences[0].controller", 38, &controller,
                             &controller_size),
            KUBE_PLUGIN_OK);
  const char* node = nullptr;
  size_t node_size = 0;
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(H().object_field(&object, "spec.nodeName", 13, &node, &node_size), KUBE_PLUGIN_OK);
  }
  EXPECT_EQ(Str(controller, controller_size), "true");
  EXPECT_EQ(Str(node, node_size), "node-1");
}

TEST(HostApiTest, FieldErrorsAreCodesAndExplainMessagelessErrors) {
  FakeObject pod = Pod();
  kube_host_error error(100);
  kube_host_object object(&pod, &error);
  const char* value;
  size_t size;
  EXPECT_EQ(H().object_field(&object, "spec.hostname", 13, &value, &size), KUBE_PLUGIN_NOT_FOUND);
  EXPECT_TRUE(error.last_callback_error.ok()) << "NOT_FOUND is an answer, not a failure";
  EXPECT_EQ(H().object_field(&object, "spec..x", 7, &value, &size), KUBE_PLUGIN_INVALID_ARGUMENT);
  EXPECT_THAT(error.last_callback_error.message(), HasSubstr("object_field: invalid field path"));
  EXPECT_EQ(H().object_field(&object, nullptr, 0, &value, &size), KUBE_PLUGIN_INVALID_ARGUMENT);
  EXPECT_EQ(H().object_field(&object, "spec", 4, nullptr, &size), KUBE_PLUGIN_INVALID_ARGUMENT);
  EXPECT_EQ(H().object_field(nullptr, "spec", 4, &value, &size), KUBE_PLUGIN_INVALID_ARGUMENT);

  absl::Status status =
      StatusFromPlugin(KUBE_PLUGIN_INVALID_ARGUMENT, error, "plugin \"p\": index");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("plugin \"p\": index returned INVALID_ARGUMENT without a message "
                        "(last failed host callback: INVALID_ARGUMENT: object_field: invalid "
                        "field path"));
}

TEST(HostApiTest, IdentityMapsAndOwners) {
  FakeObject pod = Pod();
  kube_host_error error(100);
  kube_host_object object(&pod, &error);
  const char* value;
  size_t size;
  ASSERT_EQ(H().object_identity(&object, KUBE_PLUGIN_IDENTITY_NAMESPACE, &value, &size),
            KUBE_PLUGIN_OK);
  EXPECT_EQ(Str(value, size), "default");
  EXPECT_EQ(H().object_identity(&object, 99, &value, &size), KUBE_PLUGIN_INVALID_ARGUMENT);
  EXPECT_EQ(H().object_representation(&object), KUBE_PLUGIN_REPRESENTATION_TYPED);

  ASSERT_EQ(H().object_map_get(&object, KUBE_PLUGIN_MAP_LABELS, "app", 3, &value, &size),
            KUBE_PLUGIN_OK);
  EXPECT_EQ(Str(value, size), "web");
  EXPECT_EQ(H().object_map_get(&object, KUBE_PLUGIN_MAP_ANNOTATIONS, "app", 3, &value, &size),
            KUBE_PLUGIN_NOT_FOUND);
  EXPECT_EQ(H().object_map_get(&object, 3, "app", 3, &value, &size), KUBE_PLUGIN_INVALID_ARGUMENT);

  std::vector<std::string> seen;
  auto visitor = +[](void* context, const char* k, size_t ks, const char*, size_t) -> int32_t {
    static_cast<std::vector<std::string>*>(context)->push_back(std::string(k, ks));
    return 1;  // stop after the first
  };
  EXPECT_EQ(H().object_map_for_each(&object, KUBE_PLUGIN_MAP_LABELS, visitor, &seen),
            KUBE_PLUGIN_OK);
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_EQ(H().object_map_for_each(&object, KUBE_PLUGIN_MAP_LABELS, nullptr, &seen),
            KUBE_PLUGIN_INVALID_ARGUMENT);

  ASSERT_EQ(H().object_owner_reference_count(&object), 1u);
  kube_plugin_owner_reference owner = {};
  owner.struct_size = sizeof(owner);
  ASSERT_EQ(H().object_owner_reference(&object, 0, &owner), KUBE_PLUGIN_OK);
  EXPECT_EQ(Str(owner.kind, owner.kind_size), "ReplicaSet");
  EXPECT_EQ(Str(owner.uid, owner.uid_size), "u-rs");
  EXPECT_EQ(owner.controller, KUBE_PLUGIN_BOOL_TRUE);
  EXPECT_EQ(owner.block_owner_deletion, KUBE_PLUGIN_BOOL_FALSE);
  EXPECT_EQ(H().object_owner_reference(&object, 1, &owner), KUBE_PLUGIN_OUT_OF_RANGE);
  owner.struct_size = 16;
  EXPECT_EQ(H().object_owner_reference(&object, 0, &owner), KUBE_PLUGIN_INVALID_ARGUMENT);
}

TEST(HostApiTest, OwnerReferenceFromANewerPluginLeavesUnknownFieldsAlone) {
  FakeObject pod = Pod();
  kube_host_error error(100);
  kube_host_object object(&pod, &error);
  struct Newer {
    kube_plugin_owner_reference v1_0;
    uint64_t appended_later;
  } newer;
  std::memset(&newer, 0, sizeof(newer));
  newer.v1_0.struct_size = sizeof(newer);
  newer.appended_later = 0xfeedface;
  ASSERT_EQ(H().object_owner_reference(&object, 0, &newer.v1_0), KUBE_PLUGIN_OK);
  EXPECT_EQ(newer.appended_later, 0xfeedfaceu);
}

TEST(HostApiTest, SinkEnforcesLimitsAndStaysFailed) {
  PluginLimits limits;
  limits.max_index_values = 2;
  limits.max_index_value_bytes = 4;
  kube_host_index_sink sink(&limits);
  EXPECT_EQ(H().index_sink_emit(&sink, "a", 1), KUBE_PLUGIN_OK);
  EXPECT_EQ(H().index_sink_emit(&sink, "toolong", 7), KUBE_PLUGIN_RESOURCE_EXHAUSTED);
  EXPECT_THAT(sink.error.message(), HasSubstr("7 bytes is over the limit of 4"));
  EXPECT_EQ(H().index_sink_emit(&sink, "b", 1), KUBE_PLUGIN_RESOURCE_EXHAUSTED) << "sticky";

  kube_host_index_sink full(&limits);
  EXPECT_EQ(H().index_sink_emit(&full, "a", 1), KUBE_PLUGIN_OK);
  EXPECT_EQ(H().index_sink_emit(&full, nullptr, 0), KUBE_PLUGIN_OK);
  EXPECT_EQ(H().index_sink_emit(&full, "c", 1), KUBE_PLUGIN_RESOURCE_EXHAUSTED);
  EXPECT_EQ(full.values, (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(H().index_sink_emit(nullptr, "a", 1), KUBE_PLUGIN_INVALID_ARGUMENT);
}

TEST(HostApiTest, EditorCallbacks) {
  FakeObject pod = Pod();
  pod.SetField("metadata.managedFields[0].manager", "kubectl");
  kube_host_error error(100);
  kube_host_editor editor(&pod, &error);
  EXPECT_EQ(H().editor_remove_field(&editor, "metadata.managedFields", 22), KUBE_PLUGIN_OK);
  EXPECT_FALSE(pod.HasField("metadata.managedFields"));
  EXPECT_EQ(H().editor_remove_field(&editor, "metadata.name", 13), KUBE_PLUGIN_FAILED_PRECONDITION);
  EXPECT_THAT(error.last_callback_error.message(), HasSubstr("editor_remove_field(metadata.name)"));
  EXPECT_EQ(H().editor_remove_field(&editor, "a[", 2), KUBE_PLUGIN_INVALID_ARGUMENT);
  EXPECT_EQ(H().editor_map_set(&editor, KUBE_PLUGIN_MAP_ANNOTATIONS, "k", 1, "v", 1),
            KUBE_PLUGIN_OK);
  EXPECT_EQ(pod.annotations().at("k"), "v");
  EXPECT_EQ(H().editor_map_remove(&editor, KUBE_PLUGIN_MAP_LABELS, "app", 3), KUBE_PLUGIN_OK);
  EXPECT_EQ(pod.labels().count("app"), 0u);
  EXPECT_EQ(H().editor_map_set(&editor, 0, "k", 1, "v", 1), KUBE_PLUGIN_INVALID_ARGUMENT);
  EXPECT_EQ(H().editor_map_remove(nullptr, KUBE_PLUGIN_MAP_LABELS, "k", 1),
            KUBE_PLUGIN_INVALID_ARGUMENT);
}

TEST(HostApiTest, ErrorMessagesAreCopiedAndTruncated) {
  kube_host_error error(5);
  std::string message = "0123456789";
  H().error_set_message(&error, message.data(), message.size());
  message = "overwritten";
  EXPECT_EQ(error.message, "01234");
  H().error_set_message(nullptr, "x", 1);  // no crash
}

// A view that fails the way a real implementation might (allocation failure).
class ThrowingView : public FakeObject {
 public:
  absl::StatusOr<FieldValue> Field(const FieldPath&) const override { throw std::bad_alloc(); }
};

TEST(HostApiTest, AViewThatThrowsBecomesInternal) {
  ThrowingView view;
  kube_host_error error(100);
  kube_host_object object(&view, &error);
  const char* value;
  size_t size;
  EXPECT_EQ(H().object_field(&object, "spec", 4, &value, &size), KUBE_PLUGIN_INTERNAL);
}

TEST(HostApiTest, StatusFromPluginMapsEveryCode) {
  kube_host_error error(100);
  EXPECT_TRUE(StatusFromPlugin(KUBE_PLUGIN_OK, error, "w").ok());
  for (kube_plugin_status code : {-1, 17, 12345}) {
    absl::Status status = StatusFromPlugin(code, error, "w");
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << code;
    EXPECT_THAT(status.message(), HasSubstr("unknown status code " + std::to_string(code)));
  }
  for (kube_plugin_status code = 1; code <= 16; ++code) {
    EXPECT_EQ(static_cast<int>(StatusFromPlugin(code, error, "w").code()), code);
  }
  error.has_message = true;
  error.message = "details";
  EXPECT_EQ(StatusFromPlugin(KUBE_PLUGIN_NOT_FOUND, error, "w").message(), "w: details");
}

}  // namespace
}  // namespace kube::plugins::internal
