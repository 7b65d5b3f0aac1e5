/* A plugin built against ABI 1.<host minor + 1>: it may call callbacks this host lacks. */
#include "plugins/abi/kube_plugin.h"

struct newer_api {
  kube_plugin_api v1_0;
  void (*appended_in_a_later_minor)(void);
};

static kube_plugin_status Create(const kube_host_api* host, kube_host_context* context,
                                 const char* config, size_t config_size,
                                 kube_plugin_instance** instance, kube_host_error* error) {
  (void)host, (void)context, (void)config, (void)config_size, (void)error;
  *instance = (kube_plugin_instance*)1;
  return KUBE_PLUGIN_OK;
}
static void Destroy(kube_plugin_instance* instance) { (void)instance; }
static kube_plugin_status Index(kube_plugin_instance* instance, const kube_host_object* object,
                                kube_host_index_sink* sink, kube_host_error* error) {
  (void)instance, (void)object, (void)sink, (void)error;
  return KUBE_PLUGIN_OK;
}

static const struct newer_api kApi = {
    .v1_0 =
        {
            .struct_size = sizeof(struct newer_api),
            .abi_major = KUBE_PLUGIN_ABI_MAJOR,
            .abi_minor = KUBE_PLUGIN_ABI_MINOR + 1,
            .name = "from-the-future",
            .version = "9",
            .kind = KUBE_PLUGIN_KIND_INDEX,
            .create = Create,
            .destroy = Destroy,
            .index = Index,
        },
};

KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api* host) {
  (void)host;
  return &kApi.v1_0;
}
