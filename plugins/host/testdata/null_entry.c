/* A plugin whose entry point refuses every host. */
#include "plugins/abi/kube_plugin.h"

KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api* host) {
  (void)host;
  return NULL;
}
