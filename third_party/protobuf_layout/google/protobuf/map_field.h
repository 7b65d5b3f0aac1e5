// Shadows <google/protobuf/map_field.h> so that it has the same layout in every build.
//
// Why: protobuf 3.21's map_field.h gives MapFieldBase two extra members when __SANITIZE_THREAD__
// is defined. Debian's libprotobuf is compiled without ThreadSanitizer, so under --config=tsan
// the generated code (and every inline accessor) saw map fields with one layout and the library
// with another: the arena teardown of a decoded Pod freed memory it then read. This header is
// found first (//third_party:protobuf puts its directory ahead of /usr/include) and includes the
// real one with __SANITIZE_THREAD__ hidden, which is exactly how the library was built. Standard
// headers are included before, so libstdc++ keeps its own ThreadSanitizer annotations.
#ifndef KUBECPP_THIRD_PARTY_PROTOBUF_LAYOUT_MAP_FIELD_H_
#define KUBECPP_THIRD_PARTY_PROTOBUF_LAYOUT_MAP_FIELD_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#pragma push_macro("__SANITIZE_THREAD__")
#undef __SANITIZE_THREAD__
#include_next <google/protobuf/map_field.h>
#pragma pop_macro("__SANITIZE_THREAD__")

#endif  // KUBECPP_THIRD_PARTY_PROTOBUF_LAYOUT_MAP_FIELD_H_
