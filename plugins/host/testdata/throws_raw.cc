// A C++ plugin written without the SDK that lets an exception escape its index function across
// the C ABI. A contract violation; the host must survive it anyway.
#include <stdexcept>

#include "plugins/abi/kube_plugin.h"

namespace {

kube_plugin_status Create(const kube_host_api*, kube_host_context*, const char*, size_t,
                          kube_plugin_instance** instance, kube_host_error*) {
  static int dummy;
  *instance = reinterpret_cast<kube_plugin_instance*>(&dummy);
  return KUBE_PLUGIN_OK;
}
void Destroy(kube_plugin_instance*) {}
kube_plugin_status Index(kube_plugin_instance*, const kube_host_object*, kube_host_index_sink*,
                         kube_host_error*) {
  throw std::runtime_error("escaped the plugin");
}

constexpr kube_plugin_api kApi = {
    .struct_size = KUBE_PLUGIN_API_SIZE_1_0,
    .abi_major = KUBE_PLUGIN_ABI_MAJOR,
    .abi_minor = KUBE_PLUGIN_ABI_MINOR,
    .name = "throws-raw",
    .version = "1",
    .kind = KUBE_PLUGIN_KIND_INDEX,
    .create = &Create,
    .destroy = &Destroy,
    .index = &Index,
};

}  // namespace

extern "C" KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api*) {
  return &kApi;
}
