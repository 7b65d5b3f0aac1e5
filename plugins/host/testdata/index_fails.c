/* An index plugin that indexes objects by name, except objects whose name starts with "bad",
 * for which it returns INVALID_ARGUMENT with a message. */
#include <stdlib.h>
#include <string.h>

#include "plugins/abi/kube_plugin.h"

struct instance {
  const kube_host_api* host;
};

static kube_plugin_status Create(const kube_host_api* host, kube_host_context* context,
                                 const char* config, size_t config_size,
                                 kube_plugin_instance** instance, kube_host_error* error) {
  struct instance* self = calloc(1, sizeof(struct instance));
  (void)context, (void)config, (void)config_size, (void)error;
  if (self == NULL) return KUBE_PLUGIN_RESOURCE_EXHAUSTED;
  self->host = host;
  *instance = (kube_plugin_instance*)self;
  return KUBE_PLUGIN_OK;
}
static void Destroy(kube_plugin_instance* instance) { free(instance); }

static kube_plugin_status Index(kube_plugin_instance* instance, const kube_host_object* object,
                                kube_host_index_sink* sink, kube_host_error* error) {
  static const char kMessage[] = "names starting with \"bad\" cannot be indexed";
  const kube_host_api* host = ((struct instance*)instance)->host;
  const char* name;
  size_t name_size;
  kube_plugin_status status =
      host->object_identity(object, KUBE_PLUGIN_IDENTITY_NAME, &name, &name_size);
  if (status != KUBE_PLUGIN_OK) return status;
  if (name_size >= 3 && memcmp(name, "bad", 3) == 0) {
    host->error_set_message(error, kMessage, sizeof(kMessage) - 1);
    return KUBE_PLUGIN_INVALID_ARGUMENT;
  }
  return host->index_sink_emit(sink, name, name_size);
}

static const kube_plugin_api kApi = {
    .struct_size = KUBE_PLUGIN_API_SIZE_1_0,
    .abi_major = KUBE_PLUGIN_ABI_MAJOR,
    .abi_minor = KUBE_PLUGIN_ABI_MINOR,
    .name = "index-fails",
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
