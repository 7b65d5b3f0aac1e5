/* A plain C index plugin (no SDK) that misbehaves on request.
 *   create config: "fail" (error with message), "fail-nomsg" (error without message),
 *                  "null-instance" (OK without an instance), anything else: OK.
 *   index, by object name: "garbage" (status 12345), "nomsg" (INVALID_ARGUMENT, no message),
 *                  "bad-path" (a malformed object_field path, then INVALID_ARGUMENT without a
 *                  message), "many" (emits more values than the host allows); else emits the
 *                  name and the instance's config. */
#include <stdlib.h>
#include <string.h>

#include "plugins/abi/kube_plugin.h"

struct instance {
  const kube_host_api* host;
  char config[64];
  size_t config_size;
};

static int Equals(const char* data, size_t size, const char* literal) {
  return size == strlen(literal) && (size == 0 || memcmp(data, literal, size) == 0);
}

static void SetMessage(const kube_host_api* host, kube_host_error* error, const char* message) {
  host->error_set_message(error, message, strlen(message));
}

static kube_plugin_status Create(const kube_host_api* host, kube_host_context* context,
                                 const char* config, size_t config_size, kube_plugin_instance** out,
                                 kube_host_error* error) {
  struct instance* self;
  (void)context;
  if (Equals(config, config_size, "fail")) {
    SetMessage(host, error, "config \"fail\" asks for failure");
    return KUBE_PLUGIN_INVALID_ARGUMENT;
  }
  if (Equals(config, config_size, "fail-nomsg")) return KUBE_PLUGIN_INVALID_ARGUMENT;
  if (Equals(config, config_size, "null-instance")) return KUBE_PLUGIN_OK;
  if (config_size > sizeof(self->config)) {
    SetMessage(host, error, "config longer than 64 bytes");
    return KUBE_PLUGIN_INVALID_ARGUMENT;
  }
  self = calloc(1, sizeof(*self));
  if (self == NULL) return KUBE_PLUGIN_RESOURCE_EXHAUSTED;
  self->host = host;
  if (config_size > 0) memcpy(self->config, config, config_size);
  self->config_size = config_size;
  *out = (kube_plugin_instance*)self;
  return KUBE_PLUGIN_OK;
}

static void Destroy(kube_plugin_instance* instance) { free(instance); }

static kube_plugin_status Index(kube_plugin_instance* instance, const kube_host_object* object,
                                kube_host_index_sink* sink, kube_host_error* error) {
  struct instance* self = (struct instance*)instance;
  const kube_host_api* host = self->host;
  const char* name = NULL;
  size_t name_size = 0;
  kube_plugin_status status;
  int i;
  (void)error;
  status = host->object_identity(object, KUBE_PLUGIN_IDENTITY_NAME, &name, &name_size);
  if (status != KUBE_PLUGIN_OK) return status;
  if (Equals(name, name_size, "garbage")) return 12345;
  if (Equals(name, name_size, "nomsg")) return KUBE_PLUGIN_INVALID_ARGUMENT;
  if (Equals(name, name_size, "bad-path")) {
    const char* value;
    size_t value_size;
    return host->object_field(object, "spec..x", 7, &value, &value_size);
  }
  if (Equals(name, name_size, "many")) {
    for (i = 0; i < 1000000; ++i) {
      if (host->index_sink_emit(sink, "v", 1) != KUBE_PLUGIN_OK) break;
    }
    return KUBE_PLUGIN_OK; /* the host fails the call anyway */
  }
  status = host->index_sink_emit(sink, name, name_size);
  if (status != KUBE_PLUGIN_OK) return status;
  status = host->index_sink_emit(sink, name, name_size); /* a duplicate, removed by the host */
  if (status != KUBE_PLUGIN_OK) return status;
  return host->index_sink_emit(sink, self->config, self->config_size);
}

static const kube_plugin_api kApi = {
    .struct_size = KUBE_PLUGIN_API_SIZE_1_0,
    .abi_major = KUBE_PLUGIN_ABI_MAJOR,
    .abi_minor = KUBE_PLUGIN_ABI_MINOR,
    .name = "raw-errors",
    .version = "1",
    .description = "misbehaves on request",
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
