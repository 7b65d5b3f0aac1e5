// kube::informers::internal::PooledObjectPtr — a shared_ptr<const T> whose control block (the
// reference counts) comes from a dense process-wide pool instead of the general heap.
//
// Why: a cache lookup (ByIndex; GetByKey until the cache's entry table, indexers/internal/
// item_table.h, gave it counts of its own) copies the shared_ptr, which writes the reference
// count. With the control block allocated by malloc right after its decoded object,
// 100k control blocks lie scattered over the ~1.7 GB of pods, and every lookup of a random key
// pays a cache (and TLB) miss for it. From 32-byte slots packed into 64 KiB slabs, the counts of
// 100k objects fill 3.2 MB. Measured with tools/bench (store 100k, protobuf, idle machine): Get
// p50 ~760 -> ~400 ns, ByIndex 100 of 100k 2.9 -> 1.9 us (docs/benchmarks.md).
//
// The pool is never destroyed (objects may outlive every informer), and its slabs are kept for
// reuse: memory is the high-water mark of live control blocks, 32 bytes each, as with malloc.
// Thread-safety: allocation and release from any thread (one std::mutex; TSAN sees it).
#ifndef KUBECPP_INFORMERS_INTERNAL_CONTROL_BLOCK_POOL_H_
#define KUBECPP_INFORMERS_INTERNAL_CONTROL_BLOCK_POOL_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"

namespace kube::informers::internal {

// SlotPool hands out fixed-size slots carved from 64 KiB slabs, with a free list.
class SlotPool {
 public:
  static constexpr size_t kSlotBytes = 32;
  static constexpr size_t kSlabBytes = size_t{64} << 10;

  // Instance is the process-wide pool (built on first use, never destroyed).
  static SlotPool& Instance() {
    static SlotPool* pool = new SlotPool();
    return *pool;
  }

  void* Allocate() {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_ != nullptr) {
      FreeSlot* slot = free_;
      free_ = slot->next;
      return slot;
    }
    if (slab_next_ == slab_end_) {
      slabs_.push_back(std::make_unique<Slab>());
      slab_next_ = slabs_.back()->bytes;
      slab_end_ = slab_next_ + kSlabBytes;
    }
    void* slot = slab_next_;
    slab_next_ += kSlotBytes;
    return slot;
  }

  void Release(void* p) {
    std::lock_guard<std::mutex> lock(mu_);
    auto* slot = static_cast<FreeSlot*>(p);
    slot->next = free_;
    free_ = slot;
  }

  // For tests: slabs allocated so far.
  size_t slabs() const {
    std::lock_guard<std::mutex> lock(mu_);
    return slabs_.size();
  }

 private:
  struct FreeSlot {
    FreeSlot* next;
  };
  struct Slab {
    alignas(std::max_align_t) char bytes[kSlabBytes];
  };

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Slab>> slabs_ ABSL_GUARDED_BY(mu_);
  char* slab_next_ ABSL_GUARDED_BY(mu_) = nullptr;
  char* slab_end_ ABSL_GUARDED_BY(mu_) = nullptr;
  FreeSlot* free_ ABSL_GUARDED_BY(mu_) = nullptr;
};

// ControlBlockAllocator is the allocator shared_ptr uses for its control block: one slot per
// block when the block fits a slot (it does for a pointer with default_delete: 24 bytes),
// the general heap otherwise.
template <typename U>
struct ControlBlockAllocator {
  using value_type = U;
  ControlBlockAllocator() = default;
  template <typename V>
  ControlBlockAllocator(const ControlBlockAllocator<V>&) {}  // NOLINT: rebinding is implicit

  U* allocate(size_t n) {
    if (Pooled(n)) return static_cast<U*>(SlotPool::Instance().Allocate());
    return std::allocator<U>().allocate(n);
  }
  void deallocate(U* p, size_t n) {
    if (Pooled(n)) {
      SlotPool::Instance().Release(p);
    } else {
      std::allocator<U>().deallocate(p, n);
    }
  }
  template <typename V>
  bool operator==(const ControlBlockAllocator<V>&) const {
    return true;
  }

 private:
  static bool Pooled(size_t n) {
    return n == 1 && sizeof(U) <= SlotPool::kSlotBytes && alignof(U) <= alignof(std::max_align_t);
  }
};

// PooledObjectPtr takes ownership of `object` (freed by `deleter` with the last reference) and
// returns it as a shared immutable object whose reference counts live in the pool. The object
// itself stays where it was allocated. DecodeOnOwnArena (object_arena.h) is the production user.
template <typename T, typename Deleter = std::default_delete<const T>>
std::shared_ptr<const T> PooledObjectPtr(T* object, Deleter deleter = Deleter()) {
  if (object == nullptr) return nullptr;
  return std::shared_ptr<const T>(object, std::move(deleter), ControlBlockAllocator<char>());
}

}  // namespace kube::informers::internal

#endif  // KUBECPP_INFORMERS_INTERNAL_CONTROL_BLOCK_POOL_H_
