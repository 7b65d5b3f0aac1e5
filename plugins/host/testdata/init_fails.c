/* A plugin whose plugin-wide init fails with a message. */
#include <string.h>

#include "plugins/abi/kube_plugin.h"

static kube_plugin_status Init(const kube_host_api* host, kube_host_context* context,
                               kube_host_error* error) {
  static const char kMessage[] = "license file /etc/plugin.lic is missing";
  (void)context;
  host->error_set_message(error, kMessage, strlen(kMessage));
  return KUBE_PLUGIN_FAILED_PRECONDITION;
}
static kube_plugin_status Create(const kube_host_api* host, kube_host_context* context,
                                 const char* config, size_t config_size,
                                 kube_plugin_instance** instance, kube_host_error* error) {
  (void)host, (void)context, (void)config, (void)config_size, (void)instance, (void)error;
  return KUBE_PLUGIN_INTERNAL;
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
    .name = "init-fails",
    .version = "1",
    .kind = KUBE_PLUGIN_KIND_INDEX,
    .init = Init,
    .create = Create,
    .destroy = Destroy,
    .index = Index,
};

KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api* host) {
  (void)host;
  return &kApi;
}
