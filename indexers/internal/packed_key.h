// kube::indexers::internal::PackedKey — an object key ("ns/name") whose text is stored inside
// the key itself when it fits, for the cache's main table.
//
// Why: Get by key at 100k objects is bound by cache misses. With meta::ObjectKey as the table's
// key, a lookup read the table slot, then the key's text from its own heap block (keys of real
// objects rarely fit std::string's 15-byte buffer), then the object's reference count. A
// PackedKey keeps up to kInlineBytes of text in the slot: the comparison reads the line the probe
// already loaded, and slot + value fill exactly one 64-byte line. Longer keys (names can be 253
// characters) go to the heap, as before.
//
// Hash and equality (PackedKeyHash, PackedKeyEq) are transparent over PackedKey, a string_view
// "ns/name" and a meta::ObjectKeyRef, and hash the key's text in one piece.
//
// Plain value: copy freely; thread-compatible.
#ifndef KUBECPP_INDEXERS_INTERNAL_PACKED_KEY_H_
#define KUBECPP_INDEXERS_INTERNAL_PACKED_KEY_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "client/meta/object_key.h"

namespace kube::indexers::internal {

class PackedKey {
 public:
  // Text up to this many bytes is stored inline; 48 bytes in all with size and offset.
  static constexpr size_t kInlineBytes = 44;

  explicit PackedKey(meta::ObjectKeyRef ref) {
    const size_t ns_size = ref.ns.size();
    const size_t size = ns_size == 0 ? ref.name.size() : ns_size + 1 + ref.name.size();
    char* out = Init(size);
    if (ns_size != 0) {
      std::memcpy(out, ref.ns.data(), ns_size);
      out[ns_size] = '/';
      out += ns_size + 1;
    }
    std::memcpy(out, ref.name.data(), ref.name.size());
    name_offset_ = static_cast<uint16_t>(ns_size == 0 ? 0 : ns_size + 1);
  }

  PackedKey(const PackedKey& other) : name_offset_(other.name_offset_) {
    std::memcpy(Init(other.size_), other.data(), other.size_);
  }
  PackedKey(PackedKey&& other) noexcept : size_(other.size_), name_offset_(other.name_offset_) {
    std::memcpy(bytes_, other.bytes_, kInlineBytes);
    other.size_ = 0;  // the heap text, if any, now belongs to this key
    other.name_offset_ = 0;
  }
  PackedKey& operator=(const PackedKey& other) {
    if (this != &other) *this = PackedKey(other);
    return *this;
  }
  PackedKey& operator=(PackedKey&& other) noexcept {
    if (this == &other) return *this;
    Free();
    size_ = other.size_;
    name_offset_ = other.name_offset_;
    std::memcpy(bytes_, other.bytes_, kInlineBytes);
    other.size_ = 0;
    other.name_offset_ = 0;
    return *this;
  }
  ~PackedKey() { Free(); }

  // Text is "ns/name", or "name" for a cluster-scoped object.
  absl::string_view Text() const { return absl::string_view(data(), size_); }

  meta::ObjectKeyRef Ref() const {
    const absl::string_view text = Text();
    if (name_offset_ == 0) return {"", text};
    return {text.substr(0, name_offset_ - 1), text.substr(name_offset_)};
  }

  meta::ObjectKey ToObjectKey() const {
    const meta::ObjectKeyRef ref = Ref();
    return meta::ObjectKey::FromTrusted(ref.ns, ref.name);
  }

 private:
  bool IsInline() const { return size_ <= kInlineBytes; }
  // A heap text's pointer is kept in the first bytes of bytes_, copied in and out (bytes_ is
  // not pointer-aligned: that keeps the key at 48 bytes and a slot at 64).
  char* HeapText() const {
    char* text;
    std::memcpy(&text, bytes_, sizeof(text));
    return text;
  }
  const char* data() const { return IsInline() ? bytes_ : HeapText(); }
  char* Init(size_t size) {
    size_ = static_cast<uint16_t>(size);
    if (IsInline()) return bytes_;
    char* text = new char[size];
    std::memcpy(bytes_, &text, sizeof(text));
    return text;
  }
  void Free() {
    if (!IsInline()) delete[] HeapText();
    size_ = 0;
  }

  char bytes_[kInlineBytes];  // the text, or (longer texts) a pointer to it on the heap
  uint16_t size_ = 0;
  uint16_t name_offset_ = 0;  // where the name starts in the text; 0 = cluster-scoped
};
static_assert(sizeof(PackedKey) == 48);
static_assert(alignof(PackedKey) == 2);

// PackedKeyHash hashes a key's text; a (namespace, name) pair is hashed as its "ns/name" text.
struct PackedKeyHash {
  using is_transparent = void;
  size_t operator()(const PackedKey& k) const { return Hash(k.Text()); }
  size_t operator()(absl::string_view text) const { return Hash(text); }
  size_t operator()(const meta::ObjectKeyRef& k) const {
    if (k.ns.empty()) return Hash(k.name);
    // Names are at most 253 bytes and namespaces 63: the joined text fits on the stack.
    char buffer[512];
    const size_t size = k.ns.size() + 1 + k.name.size();
    if (size > sizeof(buffer)) return Hash(std::string(k.ns) + "/" + std::string(k.name));
    std::memcpy(buffer, k.ns.data(), k.ns.size());
    buffer[k.ns.size()] = '/';
    std::memcpy(buffer + k.ns.size() + 1, k.name.data(), k.name.size());
    return Hash(absl::string_view(buffer, size));
  }

 private:
  static size_t Hash(absl::string_view text) { return absl::Hash<absl::string_view>()(text); }
};

struct PackedKeyEq {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return AsRef(a) == AsRef(b);
  }
  // A stored key against a text "ns/name" (Get by string key): one comparison of the texts,
  // which are equal exactly when their (namespace, name) splits are (a namespace never holds a
  // '/').
  bool operator()(const PackedKey& a, absl::string_view b) const { return a.Text() == b; }
  bool operator()(absl::string_view a, const PackedKey& b) const { return a == b.Text(); }

 private:
  static meta::ObjectKeyRef AsRef(const PackedKey& k) { return k.Ref(); }
  static meta::ObjectKeyRef AsRef(const meta::ObjectKeyRef& k) { return k; }
  static meta::ObjectKeyRef AsRef(absl::string_view k) { return meta::ObjectKeyRef::FromString(k); }
};

}  // namespace kube::indexers::internal

#endif  // KUBECPP_INDEXERS_INTERNAL_PACKED_KEY_H_
