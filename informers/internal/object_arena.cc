#include "informers/internal/object_arena.h"

#include <algorithm>
#include <new>
#include <utility>

#include "google/protobuf/arena.h"
#include "informers/internal/control_block_pool.h"

namespace kube::informers::internal {
namespace {

// The Arena object sits at the start of the allocation, its first block right after it.
constexpr size_t kArenaBytes = (sizeof(google::protobuf::Arena) + 15) / 16 * 16;

// OwnArenaDeleter frees an object created by DecodeOnOwnArena: destroying the arena destroys
// the messages on it, then the one allocation holding the arena and its first block goes.
struct OwnArenaDeleter {
  void operator()(const google::protobuf::Message* object) const {
    google::protobuf::Arena* arena = object->GetArena();
    arena->~Arena();
    ::operator delete(static_cast<void*>(arena));
  }
};

}  // namespace

size_t ArenaSizer::FirstBlockBytes(size_t wire_bytes) const {
  const uint64_t ratio = ratio_x1024_.load(std::memory_order_relaxed);
  const uint64_t wanted = std::min<uint64_t>(wire_bytes, kMaxFirstBlock) * ratio / 1024;
  const uint64_t rounded = (wanted + 63) / 64 * 64;
  return static_cast<size_t>(std::clamp<uint64_t>(rounded, kMinFirstBlock, kMaxFirstBlock));
}

void ArenaSizer::Observe(bool overflowed) {
  // A lost update between two threads only delays the adjustment by one object.
  const uint32_t ratio = ratio_x1024_.load(std::memory_order_relaxed);
  const uint32_t next = overflowed ? std::min(kMaxRatioX1024, ratio + std::max(ratio / 64, 1u))
                                   : std::max(1024u / 4, ratio - ratio / 1024);
  ratio_x1024_.store(next, std::memory_order_relaxed);
}

absl::StatusOr<std::shared_ptr<const google::protobuf::Message>> DecodeOnOwnArena(
    const google::protobuf::Message& prototype, size_t wire_bytes, ArenaSizer& sizer,
    absl::FunctionRef<absl::Status(google::protobuf::Message*)> decode) {
  const size_t first_block = sizer.FirstBlockBytes(wire_bytes);
  void* memory = ::operator new(kArenaBytes + first_block);
  google::protobuf::ArenaOptions options;
  options.initial_block = static_cast<char*>(memory) + kArenaBytes;
  options.initial_block_size = first_block;
  options.start_block_size = ArenaSizer::kOverflowBlock;
  options.max_block_size = ArenaSizer::kOverflowBlock;
  auto* arena = new (memory) google::protobuf::Arena(options);
  google::protobuf::Message* object = prototype.New(arena);
  std::shared_ptr<const google::protobuf::Message> owned =
      PooledObjectPtr<google::protobuf::Message>(object, OwnArenaDeleter());
  if (absl::Status s = decode(object); !s.ok()) return s;
  sizer.Observe(arena->SpaceAllocated() > first_block);
  return owned;
}

}  // namespace kube::informers::internal
