#include "client/meta/object_key.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/meta/validation.h"

namespace kube::meta {
namespace {

absl::Status InvalidKey(absl::string_view key, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid object key \"", absl::CHexEscape(key), "\": ", why));
}

absl::Status ValidateParts(absl::string_view key, absl::string_view ns, absl::string_view name) {
  if (name.empty()) return InvalidKey(key, "empty name");
  if (name.find('/') != absl::string_view::npos) return InvalidKey(key, "more than one '/'");
  if (absl::Status s = ValidatePathSegmentName(name); !s.ok()) {
    return InvalidKey(key, s.message());
  }
  if (!ns.empty()) {
    if (absl::Status s = ValidateDns1123Label(ns); !s.ok()) {
      return InvalidKey(key, absl::StrCat("namespace ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ObjectKey> ObjectKey::Parse(absl::string_view key) {
  if (key.empty()) return InvalidKey(key, "empty");
  size_t slash = key.find('/');
  if (slash == 0) return InvalidKey(key, "empty namespace before '/'");
  ObjectKeyRef ref = ObjectKeyRef::FromString(key);
  if (absl::Status s = ValidateParts(key, ref.ns, ref.name); !s.ok()) return s;
  return FromTrusted(ref.ns, ref.name);
}

absl::StatusOr<ObjectKey> ObjectKey::Create(absl::string_view ns, absl::string_view name) {
  ObjectKey key = FromTrusted(ns, name);
  if (ns.find('/') != absl::string_view::npos) {
    return InvalidKey(key.String(), "namespace contains '/'");
  }
  if (absl::Status s = ValidateParts(key.String(), ns, name); !s.ok()) return s;
  return key;
}

ObjectKey ObjectKey::FromTrusted(absl::string_view ns, absl::string_view name) {
  if (ns.empty()) return ObjectKey(std::string(name), 0);
  std::string key;
  key.reserve(ns.size() + 1 + name.size());
  key.append(ns.data(), ns.size()).append(1, '/').append(name.data(), name.size());
  return ObjectKey(std::move(key), static_cast<uint32_t>(ns.size() + 1));
}

}  // namespace kube::meta
