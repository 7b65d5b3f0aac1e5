/* A 1.0 table with several mistakes at once; the host must list each of them. */
#include "plugins/abi/kube_plugin.h"

static const kube_plugin_api kApi = {
    .struct_size = KUBE_PLUGIN_API_SIZE_1_0,
    .abi_major = KUBE_PLUGIN_ABI_MAJOR,
    .abi_minor = KUBE_PLUGIN_ABI_MINOR,
    .name = "Bad Name!",
    .version = "1",
    .kind = KUBE_PLUGIN_KIND_INDEX,
    .flags = 0x80,
    /* create, destroy and index are missing */
};

KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api* host) {
  (void)host;
  return &kApi;
}
