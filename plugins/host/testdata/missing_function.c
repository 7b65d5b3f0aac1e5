/* An index plugin whose table is correct except that it lacks its index function: the host
 * must refuse it at load time, naming the missing function. */
#include "plugins/abi/kube_plugin.h"

static kube_plugin_status Create(const kube_host_api* host, kube_host_context* context,
                                 const char* config, size_t config_size,
                                 kube_plugin_instance** instance, kube_host_error* error) {
  (void)host, (void)context, (void)config, (void)config_size, (void)error;
  *instance = (kube_plugin_instance*)1;
  return KUBE_PLUGIN_OK;
}
static void Destroy(kube_plugin_instance* instance) { (void)instance; }

static const kube_plugin_api kApi = {
    .struct_size = KUBE_PLUGIN_API_SIZE_1_0,
    .abi_major = KUBE_PLUGIN_ABI_MAJOR,
    .abi_minor = KUBE_PLUGIN_ABI_MINOR,
    .name = "missing-function",
    .version = "1",
    .kind = KUBE_PLUGIN_KIND_INDEX,
    .flags = KUBE_PLUGIN_FLAG_CONCURRENT_CALLS,
    .create = Create,
    .destroy = Destroy,
    /* .index is missing */
};

KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api* host) {
  (void)host;
  return &kApi;
}
