// kube::informers::internal::DecodeOnOwnArena — decoded objects that each own one protobuf
// arena, sized from the object's encoded size.
//
// Where it sits: the REST lister-watcher decodes every LIST item and watch event object with it
// (docs/informers.md, "Decoded objects"); the result is the shared immutable object the cache and
// every handler hold.
//
// Why: a heap-allocated Pod is about 200 separate allocations. Decoding them was a third of the
// CPU of a protobuf sync and of a protobuf watch (malloc, free, glibc arena locks when the last
// reference is dropped on another thread), and their chunk headers are memory per pod. On its
// own arena an object's messages and string headers are bump-allocated from one block, freed
// together, and the block is allocated together with the Arena itself (one allocation).
//
// Sizing: the arena's first block must hold the whole object or the rest goes to a second
// block, partly unused. Its size is the object's encoded size times a ratio the ArenaSizer
// learns per informer and encoding: raised by 1/64 when an object overflowed its first block,
// lowered by 1/1024 when it did not, so about 6% of objects overflow (into one 512-byte block)
// while the first blocks track the objects' real size. Small steps up and small overflow blocks
// keep the unused tail small: with +1/16 and 2 KiB blocks (1.4% overflow) the first block of a
// bench pod was ~700 bytes larger than its need, now ~350 (docs/benchmarks.md, "Findings"). Strings
// longer than the small-string buffer keep their text on the heap (protobuf 3.21), so string-heavy
// objects need little arena.
//
// Thread-safety: ArenaSizer is safe for concurrent use (the LIST and the watch of one informer
// share it); DecodeOnOwnArena is reentrant.
#ifndef KUBECPP_INFORMERS_INTERNAL_OBJECT_ARENA_H_
#define KUBECPP_INFORMERS_INTERNAL_OBJECT_ARENA_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace kube::informers::internal {

class ArenaSizer {
 public:
  // Bounds of a first block. The upper bound caps what an object whose real need is far below
  // the learned ratio (say one long string) can leave unused.
  static constexpr size_t kMinFirstBlock = 512;
  static constexpr size_t kMaxFirstBlock = 32 * 1024;
  // Blocks after the first: small, so an overflow leaves little unused.
  static constexpr size_t kOverflowBlock = 512;

  // FirstBlockBytes is the first block for an object encoded in `wire_bytes`.
  size_t FirstBlockBytes(size_t wire_bytes) const;

  // Observe records whether an object overflowed its first block.
  void Observe(bool overflowed);

  // Ratio is the current arena bytes per encoded byte.
  double Ratio() const { return ratio_x1024_.load(std::memory_order_relaxed) / 1024.0; }

 private:
  static constexpr uint32_t kInitialRatioX1024 = 4 * 1024;
  static constexpr uint32_t kMaxRatioX1024 = 64 * 1024;
  std::atomic<uint32_t> ratio_x1024_{kInitialRatioX1024};
};

// DecodeOnOwnArena creates a message of `prototype`'s type on a new arena whose first block is
// `sizer`'s size for `wire_bytes`, runs `decode` on it, and returns it as a shared immutable
// object (control block from the pool, see control_block_pool.h) that frees the arena with the
// last reference. `decode`'s error is returned as is, and the arena freed.
absl::StatusOr<std::shared_ptr<const google::protobuf::Message>> DecodeOnOwnArena(
    const google::protobuf::Message& prototype, size_t wire_bytes, ArenaSizer& sizer,
    absl::FunctionRef<absl::Status(google::protobuf::Message*)> decode);

}  // namespace kube::informers::internal

#endif  // KUBECPP_INFORMERS_INTERNAL_OBJECT_ARENA_H_
