/* A transform that sets the label "transformed" to its config, except on objects whose name
 * starts with "bad", for which it fails after a partial edit (the host must discard the edit).
 * It logs "created <config>" and "destroyed <config>", so tests can see when the host creates
 * and destroys its instances. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/abi/kube_plugin.h"

struct instance {
  const kube_host_api* host;
  kube_host_context* context;
  size_t config_size;
  char config[64];
};

static void Log(struct instance* self, const char* what) {
  char line[96];
  int n = snprintf(line, sizeof(line), "%s %.*s", what, (int)self->config_size, self->config);
  self->host->log(self->context, KUBE_PLUGIN_LOG_INFO, line, n > 0 ? (size_t)n : 0);
}

static kube_plugin_status Create(const kube_host_api* host, kube_host_context* context,
                                 const char* config, size_t config_size,
                                 kube_plugin_instance** out, kube_host_error* error) {
  static const char kTooLong[] = "config longer than 64 bytes";
  struct instance* self;
  if (config_size > sizeof(self->config)) {
    host->error_set_message(error, kTooLong, sizeof(kTooLong) - 1);
    return KUBE_PLUGIN_INVALID_ARGUMENT;
  }
  self = calloc(1, sizeof(*self));
  if (self == NULL) return KUBE_PLUGIN_RESOURCE_EXHAUSTED;
  self->host = host;
  self->context = context;
  self->config_size = config_size;
  if (config_size > 0) memcpy(self->config, config, config_size);
  Log(self, "created");
  *out = (kube_plugin_instance*)self;
  return KUBE_PLUGIN_OK;
}

static void Destroy(kube_plugin_instance* instance) {
  struct instance* self = (struct instance*)instance;
  Log(self, "destroyed");
  free(self);
}

static kube_plugin_status Transform(kube_plugin_instance* instance,
                                    const kube_host_object* object, kube_host_editor* editor,
                                    kube_host_error* error) {
  static const char kKey[] = "transformed";
  static const char kMessage[] = "refusing objects whose name starts with \"bad\"";
  struct instance* self = (struct instance*)instance;
  const char* name;
  size_t name_size;
  int bad;
  kube_plugin_status status =
      self->host->object_identity(object, KUBE_PLUGIN_IDENTITY_NAME, &name, &name_size);
  if (status != KUBE_PLUGIN_OK) return status;
  bad = name_size >= 3 && memcmp(name, "bad", 3) == 0;
  status = self->host->editor_map_set(editor, KUBE_PLUGIN_MAP_LABELS, kKey, sizeof(kKey) - 1,
                                      self->config, self->config_size);
  if (status != KUBE_PLUGIN_OK) return status;
  if (bad) {
    self->host->error_set_message(error, kMessage, sizeof(kMessage) - 1);
    return KUBE_PLUGIN_FAILED_PRECONDITION;
  }
  return KUBE_PLUGIN_OK;
}

static const kube_plugin_api kApi = {
    .struct_size = KUBE_PLUGIN_API_SIZE_1_0,
    .abi_major = KUBE_PLUGIN_ABI_MAJOR,
    .abi_minor = KUBE_PLUGIN_ABI_MINOR,
    .name = "transform-fails",
    .version = "1",
    .kind = KUBE_PLUGIN_KIND_TRANSFORM,
    .flags = KUBE_PLUGIN_FLAG_CONCURRENT_CALLS,
    .create = Create,
    .destroy = Destroy,
    .transform = Transform,
};

KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api* host) {
  (void)host;
  return &kApi;
}
