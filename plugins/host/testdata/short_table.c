/* A table claiming ABI 1.0 but shorter than 1.0's table: the host must not read past it. */
#include "plugins/abi/kube_plugin.h"

static const kube_plugin_api kApi = {
    .struct_size = KUBE_PLUGIN_END_OF(kube_plugin_api, description),
    .abi_major = KUBE_PLUGIN_ABI_MAJOR,
    .abi_minor = KUBE_PLUGIN_ABI_MINOR,
    .name = "short",
    .version = "1",
};

KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api* host) {
  (void)host;
  return &kApi;
}
