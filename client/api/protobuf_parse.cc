#include "client/api/protobuf_parse.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "client/api/json_options.pb.h"
#include "google/protobuf/descriptor.h"

namespace kube::api {
namespace {

namespace pb = ::google::protobuf;

// What the rewrite does with one field number of a message type.
enum class FieldAction : uint8_t {
  kCopy,         // unknown, scalar, repeated string, oneof member, map: copied as it is
  kDropIfEmpty,  // singular string or bytes, Go `string` with omitempty: an empty one is left out
  kRewrite,      // singular or repeated message: rewritten recursively
};

// Field numbers above this are copied without looking them up (Kubernetes types stay far
// below; the table is indexed by number).
constexpr int kMaxPlannedNumber = 1024;

struct MessagePlan {
  // Indexed by field number; numbers past the end are kCopy. Kept as two arrays so that the
  // actions of a type, read for every field, fit in a cache line or two.
  std::vector<FieldAction> actions;
  std::vector<const MessagePlan*> children;  // the plan of a kRewrite field's type
  // Whether a field of this type, or of a message it may hold, can be dropped. A message field
  // of a type that cannot is kCopy (a Time, a probe's port, ...): copied without being walked.
  bool may_drop = false;

  FieldAction Action(uint64_t number) const {
    return number < actions.size() ? actions[number] : FieldAction::kCopy;
  }
};

// PlanCache builds a plan per message type on first use and keeps it: the plan of a type links
// to the plans of its message fields, so a parse looks up the cache once, for its root type.
class PlanCache {
 public:
  const MessagePlan* Get(const pb::Descriptor* descriptor) {
    {
      ReaderMutexLock lock(&mu_);
      auto it = plans_.find(descriptor);
      if (it != plans_.end()) return it->second.get();
    }
    MutexLock lock(&mu_);
    std::vector<MessagePlan*> fresh;
    MessagePlan* plan = Build(descriptor, fresh);
    // may_drop spreads from the types with droppable fields to the types that hold them (over
    // the plans built now: the older ones and everything they hold are final), until nothing
    // changes; then message fields of types that cannot drop anything become plain copies.
    for (bool changed = true; changed;) {
      changed = false;
      for (MessagePlan* built : fresh) {
        if (built->may_drop) continue;
        for (size_t n = 0; n < built->actions.size(); ++n) {
          if (built->actions[n] == FieldAction::kDropIfEmpty ||
              (built->actions[n] == FieldAction::kRewrite && built->children[n]->may_drop)) {
            built->may_drop = changed = true;
            break;
          }
        }
      }
    }
    for (MessagePlan* built : fresh) {
      for (size_t n = 0; n < built->actions.size(); ++n) {
        if (built->actions[n] == FieldAction::kRewrite && !built->children[n]->may_drop) {
          built->actions[n] = FieldAction::kCopy;
        }
      }
    }
    return plan;
  }

 private:
  // Registered before its fields are resolved, so recursive types terminate. Appends the plans
  // it creates to `fresh`.
  MessagePlan* Build(const pb::Descriptor* descriptor, std::vector<MessagePlan*>& fresh)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = plans_.find(descriptor);
    if (it != plans_.end()) return it->second.get();
    MessagePlan* plan = (plans_[descriptor] = std::make_unique<MessagePlan>()).get();
    fresh.push_back(plan);
    int max_number = 0;
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const int number = descriptor->field(i)->number();
      if (number <= kMaxPlannedNumber && number > max_number) max_number = number;
    }
    plan->actions.assign(static_cast<size_t>(max_number) + 1, FieldAction::kCopy);
    plan->children.assign(static_cast<size_t>(max_number) + 1, nullptr);
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const pb::FieldDescriptor* field = descriptor->field(i);
      if (field->number() > kMaxPlannedNumber) continue;
      const size_t n = static_cast<size_t>(field->number());
      if (field->containing_oneof() != nullptr || field->is_map()) continue;  // kCopy
      switch (field->type()) {
        case pb::FieldDescriptor::TYPE_STRING:
        case pb::FieldDescriptor::TYPE_BYTES:
          // json_keep_zero marks a Go pointer (or a field without omitempty): there "" is a
          // value of its own, which JSON carries too (`"service": ""`).
          if (!field->is_repeated() && !field->options().GetExtension(json_keep_zero)) {
            plan->actions[n] = FieldAction::kDropIfEmpty;
          }
          break;
        case pb::FieldDescriptor::TYPE_MESSAGE:
          plan->actions[n] = FieldAction::kRewrite;
          plan->children[n] = Build(field->message_type(), fresh);
          break;
        default:
          break;
      }
    }
    return plan;
  }

  absl::Mutex mu_;
  absl::flat_hash_map<const pb::Descriptor*, std::unique_ptr<MessagePlan>> plans_
      ABSL_GUARDED_BY(mu_);
};

PlanCache& Plans() {
  static PlanCache* const cache = new PlanCache();  // built on first use, never destroyed
  return *cache;
}

constexpr int kMaxDepth = 64;
constexpr int kMaxLengthVarintBytes = 5;  // protobuf reads a length as at most 5 varint bytes

// ReadVarint reads a varint at `p` (at most 10 bytes, before `end`); nullptr when malformed.
inline const char* ReadVarint(const char* p, const char* end, uint64_t* value) {
  if (p < end && static_cast<uint8_t>(*p) < 0x80) {  // most tags and lengths: one byte
    *value = static_cast<uint8_t>(*p);
    return p + 1;
  }
  uint64_t result = 0;
  for (int shift = 0; shift < 70 && p < end; shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(*p++);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return p;
    }
  }
  return nullptr;
}

// Rewriter copies one encoded message into an output buffer (never longer than the input)
// without the empty occurrences its plan drops. Input bytes are copied in runs: a run ends only
// where a field is dropped or a nested message's length must be rewritten.
class Rewriter {
 public:
  Rewriter(const char* input, char* out) : pending_(input), out_(out) {}

  // Rewrite walks [p, end), a message of `plan`. False: the bytes are not something this
  // rewrite handles (the caller parses the original bytes instead).
  bool Rewrite(const MessagePlan& plan, const char* p, const char* end, int depth) {
    if (depth > kMaxDepth) return false;
    while (p < end) {
      const char* const field_start = p;
      uint64_t tag = 0;
      p = ReadVarint(p, end, &tag);
      if (p == nullptr || tag > std::numeric_limits<uint32_t>::max()) return false;
      const uint64_t number = tag >> 3;
      if (number == 0) return false;
      switch (tag & 7) {
        case 0: {  // varint
          uint64_t ignored = 0;
          p = ReadVarint(p, end, &ignored);
          if (p == nullptr) return false;
          break;
        }
        case 1:  // fixed64
          if (end - p < 8) return false;
          p += 8;
          break;
        case 5:  // fixed32
          if (end - p < 4) return false;
          p += 4;
          break;
        case 2: {  // length-delimited
          const char* const length_start = p;
          uint64_t length = 0;
          p = ReadVarint(p, end, &length);
          if (p == nullptr || p - length_start > kMaxLengthVarintBytes) return false;
          if (length > static_cast<uint64_t>(end - p)) return false;
          const FieldAction action = plan.Action(number);
          if (action == FieldAction::kCopy) {
            // most fields: nothing to do, the run goes on
          } else if (action == FieldAction::kDropIfEmpty) {
            if (length == 0) {
              Flush(field_start);
              pending_ = p;  // the field's bytes are skipped
              ++dropped_;
            }
          } else {  // kRewrite
            // Where the length lands in the output once copied (the input not copied yet maps
            // one to one); rewritten only if something inside is dropped.
            const int width = static_cast<int>(p - length_start);
            char* const length_slot = out_ + (length_start - pending_);
            const int64_t dropped_before = dropped_;
            if (!Rewrite(*plan.children[number], p, p + length, depth + 1)) return false;
            if (dropped_ != dropped_before) {  // the payload got shorter: say by how much
              Flush(p + length);
              WritePaddedVarint(length_slot, static_cast<uint64_t>(out_ - length_slot - width),
                                width);
            }
          }
          p += length;
          break;
        }
        default:  // groups (3, 4) and invalid wire types
          return false;
      }
    }
    return true;
  }

  // Finish copies what is left of the input up to `end`; returns the output's end.
  char* Finish(const char* end) {
    Flush(end);
    return out_;
  }

  int64_t dropped() const { return dropped_; }

 private:
  // Flush copies the input from the end of the last run up to `to`.
  void Flush(const char* to) {
    const size_t n = static_cast<size_t>(to - pending_);
    std::memcpy(out_, pending_, n);
    out_ += n;
    pending_ = to;
  }

  // WritePaddedVarint writes `value` as a varint of exactly `width` bytes (continuation bits on
  // all but the last): the shortened length takes the original length's place.
  static void WritePaddedVarint(char* at, uint64_t value, int width) {
    for (int i = 0; i < width; ++i) {
      uint8_t byte = static_cast<uint8_t>(value & 0x7f);
      value >>= 7;
      if (i + 1 < width) byte |= 0x80;
      at[i] = static_cast<char>(byte);
    }
  }

  const char* pending_;  // input not copied yet starts here
  char* out_;
  int64_t dropped_ = 0;
};

// ClearEmptyStrings clears, after a plain parse, what the rewrite would have left out: the
// fallback gives the same object as the rewrite, without the memory saving.
void ClearEmptyStrings(const MessagePlan& plan, pb::Message* message) {
  const pb::Descriptor* descriptor = message->GetDescriptor();
  const pb::Reflection* reflection = message->GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const pb::FieldDescriptor* field = descriptor->field(i);
    const uint64_t number = static_cast<uint64_t>(field->number());
    switch (plan.Action(number)) {
      case FieldAction::kCopy:
        break;
      case FieldAction::kDropIfEmpty:
        if (reflection->HasField(*message, field) &&
            reflection->GetStringReference(*message, field, nullptr).empty()) {
          reflection->ClearField(message, field);
        }
        break;
      case FieldAction::kRewrite:
        if (field->is_repeated()) {
          for (int k = 0; k < reflection->FieldSize(*message, field); ++k) {
            ClearEmptyStrings(*plan.children[number],
                              reflection->MutableRepeatedMessage(message, field, k));
          }
        } else if (reflection->HasField(*message, field)) {
          ClearEmptyStrings(*plan.children[number], reflection->MutableMessage(message, field));
        }
        break;
    }
  }
}

bool ParseBytes(absl::string_view wire, pb::Message* message) {
  if (wire.size() > static_cast<size_t>(std::numeric_limits<int>::max())) return false;
  return message->ParseFromArray(wire.data(), static_cast<int>(wire.size()));
}

}  // namespace

bool ParseWithoutEmptyStrings(absl::string_view wire, pb::Message* message) {
  // Plans live as long as the process: a thread remembers the last one it used (a decoder
  // parses one type after another) and skips the shared cache's lock.
  thread_local const pb::Descriptor* last_type = nullptr;
  thread_local const MessagePlan* last_plan = nullptr;
  const pb::Descriptor* type = message->GetDescriptor();
  if (type != last_type) {
    last_plan = Plans().Get(type);
    last_type = type;
  }
  const MessagePlan* plan = last_plan;
  // The rewrite goes to a buffer kept per thread for objects up to kKeptScratch bytes (no
  // allocation per parse), to a buffer of its own for larger ones (not kept).
  constexpr size_t kKeptScratch = size_t{1} << 20;
  thread_local std::string kept;
  std::string own;
  std::string& scratch = wire.size() <= kKeptScratch ? kept : own;
  if (scratch.size() < wire.size()) scratch.resize(wire.size());
  Rewriter rewriter(wire.data(), scratch.data());
  const char* const end = wire.data() + wire.size();
  if (!rewriter.Rewrite(*plan, wire.data(), end, 0)) {
    if (!ParseBytes(wire, message)) return false;
    ClearEmptyStrings(*plan, message);
    return true;
  }
  if (rewriter.dropped() == 0) return ParseBytes(wire, message);
  const char* const out_end = rewriter.Finish(end);
  return ParseBytes(
      absl::string_view(scratch.data(), static_cast<size_t>(out_end - scratch.data())), message);
}

}  // namespace kube::api
