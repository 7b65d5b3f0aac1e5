/* abi_c_test: kube_plugin.h compiles as strict C11, and its binary layout never changes.
 *
 * The offsets below are the ABI of major version 1 on LP64 targets (x86-64, aarch64). A failure
 * here means a field was inserted, removed, reordered or retyped: append new fields at the end
 * instead, bump KUBE_PLUGIN_ABI_MINOR, and add a KUBE_*_SIZE_1_<minor> constant. */
#include <stdio.h>

#include "plugins/abi/kube_plugin.h"

static int failures = 0;

#define EXPECT_EQ_SIZE(actual, expected)                                           \
  do {                                                                             \
    if ((size_t)(actual) != (size_t)(expected)) {                                  \
      fprintf(stderr, "%s:%d: %s is %zu, want %zu\n", __FILE__, __LINE__, #actual, \
              (size_t)(actual), (size_t)(expected));                               \
      ++failures;                                                                  \
    }                                                                              \
  } while (0)

/* A plugin built against this header must be able to define its entry point in C. */
static const kube_plugin_api kTable = {
    .struct_size = KUBE_PLUGIN_API_SIZE_1_0,
    .abi_major = KUBE_PLUGIN_ABI_MAJOR,
    .abi_minor = KUBE_PLUGIN_ABI_MINOR,
    .name = "c-compile-check",
    .version = "0",
    .kind = KUBE_PLUGIN_KIND_INDEX,
};

static void CheckLeadingFieldsNeverMove(void) {
  /* Any host reads any plugin's version through these three; they are frozen forever. */
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, struct_size), 0);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, abi_major), sizeof(size_t));
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, abi_minor), sizeof(size_t) + 4);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, struct_size), 0);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, abi_major), sizeof(size_t));
  EXPECT_EQ_SIZE(offsetof(kube_host_api, abi_minor), sizeof(size_t) + 4);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_owner_reference, struct_size), 0);
}

static void CheckLp64Layout(void) {
  if (sizeof(void*) != 8 || sizeof(size_t) != 8) {
    fprintf(stderr, "not an LP64 target: layout goldens skipped\n");
    return;
  }
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, name), 16);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, version), 24);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, description), 32);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, kind), 40);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, flags), 44);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, init), 48);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, shutdown), 56);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, create), 64);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, destroy), 72);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, index), 80);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_api, transform), 88);
  EXPECT_EQ_SIZE(KUBE_PLUGIN_API_SIZE_1_0, 96);

  EXPECT_EQ_SIZE(offsetof(kube_host_api, error_set_message), 16);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, log), 24);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, object_representation), 32);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, object_identity), 40);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, object_field), 48);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, object_map_get), 56);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, object_map_for_each), 64);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, object_owner_reference_count), 72);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, object_owner_reference), 80);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, index_sink_emit), 88);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, editor_remove_field), 96);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, editor_map_set), 104);
  EXPECT_EQ_SIZE(offsetof(kube_host_api, editor_map_remove), 112);
  EXPECT_EQ_SIZE(KUBE_HOST_API_SIZE_1_0, 120);

  EXPECT_EQ_SIZE(offsetof(kube_plugin_owner_reference, api_version), 8);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_owner_reference, api_version_size), 16);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_owner_reference, kind), 24);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_owner_reference, kind_size), 32);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_owner_reference, name), 40);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_owner_reference, name_size), 48);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_owner_reference, uid), 56);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_owner_reference, uid_size), 64);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_owner_reference, controller), 72);
  EXPECT_EQ_SIZE(offsetof(kube_plugin_owner_reference, block_owner_deletion), 76);
  EXPECT_EQ_SIZE(sizeof(kube_plugin_owner_reference), 80);
}

static void CheckStatusCodesMirrorAbsl(void) {
  /* absl::StatusCode numbering (google.rpc.Code); a host maps these one to one. */
  EXPECT_EQ_SIZE(KUBE_PLUGIN_OK, 0);
  EXPECT_EQ_SIZE(KUBE_PLUGIN_INVALID_ARGUMENT, 3);
  EXPECT_EQ_SIZE(KUBE_PLUGIN_NOT_FOUND, 5);
  EXPECT_EQ_SIZE(KUBE_PLUGIN_FAILED_PRECONDITION, 9);
  EXPECT_EQ_SIZE(KUBE_PLUGIN_OUT_OF_RANGE, 11);
  EXPECT_EQ_SIZE(KUBE_PLUGIN_INTERNAL, 13);
  EXPECT_EQ_SIZE(KUBE_PLUGIN_UNAUTHENTICATED, 16);
  EXPECT_EQ_SIZE(sizeof(kube_plugin_status), 4);
}

static void CheckHasField(void) {
  /* A reader of an older, shorter struct must see appended fields as absent. */
  kube_host_api old_host = {0};
  old_host.struct_size = KUBE_PLUGIN_END_OF(kube_host_api, index_sink_emit);
  EXPECT_EQ_SIZE(KUBE_PLUGIN_HAS_FIELD(&old_host, kube_host_api, index_sink_emit), 1);
  EXPECT_EQ_SIZE(KUBE_PLUGIN_HAS_FIELD(&old_host, kube_host_api, editor_remove_field), 0);
  EXPECT_EQ_SIZE(KUBE_PLUGIN_HAS_FIELD(&kTable, kube_plugin_api, transform), 1);
}

int main(void) {
  CheckLeadingFieldsNeverMove();
  CheckLp64Layout();
  CheckStatusCodesMirrorAbsl();
  CheckHasField();
  if (failures != 0) {
    fprintf(stderr, "%d ABI check(s) failed\n", failures);
    return 1;
  }
  printf("kube_plugin.h: C11 compile and layout checks passed\n");
  return 0;
}
