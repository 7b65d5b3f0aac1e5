/* A shared object that exports a function, but not kube_plugin_entry. */
#include "plugins/abi/kube_plugin.h"

KUBE_PLUGIN_EXPORT int some_other_function(void) { return 1; }
