/* An index plugin whose create refuses every config with a message naming it. */
#include <stdio.h>
#include <string.h>

#include "plugins/abi/kube_plugin.h"

static kube_plugin_status Create(const kube_host_api* host, kube_host_context* context,
                                 const char* config, size_t config_size,
                                 kube_plugin_instance** instance, kube_host_error* error) {
  char message[128];
  int n = snprintf(message, sizeof(message), "config \"%.*s\" is not valid: want key=value",
                   (int)(config_size > 64 ? 64 : config_size), config);
  (void)context, (void)instance;
  host->error_set_message(error, message, n > 0 ? (size_t)n : 0);
  return KUBE_PLUGIN_INVALID_ARGUMENT;
}
static void Destroy(kube_plugin_instance* instance) { (void)instance; }
static kube_plugin_status Index(kube_plugin_instance* instance, const kube_host_object* object,
                                kube_host_index_sink* sink, kube_host_error* error) {
  (void)instance, (void)object, (void)sink, (void)error;
  return KUBE_PLUGIN_OK;
}

static const kube_plugin_api kApi = {
    .struct_size = KUBE_PLUGIN_API_SIZE_1_0,
    .abi_major = KUBE_PLUGIN_ABI_MAJOR,
    .abi_minor = KUBE_PLUGIN_ABI_MINOR,
    .name = "create-fails",
    .version = "1",
    .kind = KUBE_PLUGIN_KIND_INDEX,
    .flags = KUBE_PLUGIN_FLAG_CONCURRENT_CALLS,
    .create = Create,
    .destroy = Destroy,
    .index = Index,
};

KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api* host) {
  (void)host;
  return &kApi;
}
