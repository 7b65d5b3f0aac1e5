/* A plugin built against a (future) ABI 2.1: its table starts with the three frozen fields and
 * nothing after them may be interpreted by a 1.x host. */
#include "plugins/abi/kube_plugin.h"

struct future_api {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  double something_new;
};

static const struct future_api kApi = {sizeof(struct future_api), 2, 1, 1.0};

KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api* host) {
  (void)host;
  return (const kube_plugin_api*)(const void*)&kApi;
}
