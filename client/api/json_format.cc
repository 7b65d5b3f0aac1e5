#include "client/api/json_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sync.h"
#include "boost/json/monotonic_resource.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "client/api/internal/go_format.h"
#include "client/api/internal/zero_value.h"
#include "client/api/json_options.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"

namespace kube::api {
namespace {

namespace pb = google::protobuf;
namespace json = boost::json;
using FD = pb::FieldDescriptor;

// ---- Per-descriptor metadata, computed once -------------------------------------------------

struct MessageInfo;

struct FieldInfo {
  const FD* field = nullptr;
  bool inline_members = false;           // json_inline
  bool keep_zero = false;                // json_keep_zero
  bool omit_zero = false;                // json_omit_zero
  const MessageInfo* message = nullptr;  // for message fields and map values
};

struct MessageInfo {
  const pb::Descriptor* descriptor = nullptr;
  JsonFormat format = JSON_FORMAT_OBJECT;
  std::vector<FieldInfo> fields;  // declaration order
  // JSON member name -> the fields leading to it: inline fields first, the member's field last.
  absl::flat_hash_map<std::string, std::vector<const FieldInfo*>> members;
};

class InfoCache {
 public:
  const MessageInfo& Get(const pb::Descriptor* descriptor) {
    {
      ReaderMutexLock lock(&mu_);
      auto it = infos_.find(descriptor);
      if (it != infos_.end()) return *it->second;
    }
    MutexLock lock(&mu_);
    return *Build(descriptor);
  }

 private:
  // Build creates the info for descriptor and, first, everything it refers to; recursive types
  // are fine because an entry is registered before its fields are resolved.
  MessageInfo* Build(const pb::Descriptor* descriptor) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = infos_.find(descriptor);
    if (it != infos_.end()) return it->second.get();
    auto owned = std::make_unique<MessageInfo>();
    MessageInfo* info = owned.get();
    infos_.emplace(descriptor, std::move(owned));
    info->descriptor = descriptor;
    info->format = descriptor->options().GetExtension(json_format);
    info->fields.resize(descriptor->field_count());
    for (int i = 0; i < descriptor->field_count(); ++i) {
      FieldInfo& field = info->fields[i];
      field.field = descriptor->field(i);
      const pb::FieldOptions& options = field.field->options();
      field.inline_members = options.GetExtension(json_inline) &&
                             field.field->cpp_type() == FD::CPPTYPE_MESSAGE &&
                             !field.field->is_repeated();
      field.keep_zero = options.GetExtension(json_keep_zero);
      field.omit_zero = options.GetExtension(json_omit_zero);
      const pb::Descriptor* sub = nullptr;
      if (field.field->is_map()) {
        const FD* value = field.field->message_type()->map_value();
        if (value->cpp_type() == FD::CPPTYPE_MESSAGE) sub = value->message_type();
      } else if (field.field->cpp_type() == FD::CPPTYPE_MESSAGE) {
        sub = field.field->message_type();
      }
      if (sub != nullptr) field.message = Build(sub);
    }
    for (const FieldInfo& field : info->fields) {
      if (!field.inline_members) {
        info->members[field.field->name()] = {&field};
        continue;
      }
      for (const auto& [name, path] : field.message->members) {
        std::vector<const FieldInfo*> full = {&field};
        full.insert(full.end(), path.begin(), path.end());
        info->members.emplace(name, std::move(full));  // an own field wins over an inlined one
      }
    }
    return info;
  }

  absl::Mutex mu_;
  absl::flat_hash_map<const pb::Descriptor*, std::unique_ptr<MessageInfo>> infos_
      ABSL_GUARDED_BY(mu_);
};

InfoCache& Infos() {
  static InfoCache* const cache = new InfoCache();
  return *cache;
}

// ---- Writing --------------------------------------------------------------------------------

// Utf8Width is the length of the valid UTF-8 sequence starting at text[i] (a byte >= 0x80), or 0
// when it is not one: a bad lead or continuation byte, an overlong form, a surrogate, a code point
// above U+10FFFF or a truncated sequence (Go's utf8.DecodeRuneInString rules).
size_t Utf8Width(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  size_t width;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    width = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    width = 3;
    if (c == 0xE0) low = 0xA0;   // overlong
    if (c == 0xED) high = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    width = 4;
    if (c == 0xF0) low = 0x90;   // overlong
    if (c == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - i < width) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < width; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return width;
}

// AppendQuoted writes a JSON string. Like Go's encoding/json, each byte that is not part of valid
// UTF-8 becomes \ufffd: protobuf strings need not be UTF-8, JSON text must be.
void AppendQuoted(absl::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t width = Utf8Width(text, i);
      if (width > 0) {
        i += width - 1;
        continue;
      }
      out.append(text.data() + run, i - run);
      run = i + 1;
      out += "\\ufffd";
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

template <typename Float>
void AppendFloat(Float value, std::string& out) {
  if (!std::isfinite(value)) {
    out += "null";  // JSON has no infinities; Go refuses them, kubecpp degrades
    return;
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

bool IsZeroMessage(const pb::Message& message);

// IsZeroScalar: the singular field holds its type's zero value (a message: recursively zero).
bool IsZeroScalar(const pb::Message& message, const FD* field) {
  if (field->cpp_type() == FD::CPPTYPE_MESSAGE) {
    return IsZeroMessage(message.GetReflection()->GetMessage(message, field));
  }
  return internal::IsZeroScalarValue(message, field);
}

// IsZeroMessage: Go's IsZero of the struct — every field unset or zero, recursively.
bool IsZeroMessage(const pb::Message& message) {
  const pb::Reflection* reflection = message.GetReflection();
  std::vector<const FD*> fields;
  reflection->ListFields(message, &fields);
  for (const FD* field : fields) {
    if (field->is_repeated()) return false;  // ListFields lists only non-empty ones
    if (!IsZeroScalar(message, field)) return false;
  }
  return true;
}

// ScalarFieldText-like writer for singular and repeated elements.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  absl::Status Message(const pb::Message& message, const MessageInfo& info,
                       const JsonTypeMeta* type_meta) {
    if (info.format != JSON_FORMAT_OBJECT) return Special(message, info);
    out_.push_back('{');
    bool first = true;
    if (type_meta != nullptr && !type_meta->kind.empty()) {
      out_ += "\"kind\":";
      AppendQuoted(type_meta->kind, out_);
      first = false;
    }
    if (type_meta != nullptr && !type_meta->api_version.empty()) {
      if (!first) out_.push_back(',');
      out_ += "\"apiVersion\":";
      AppendQuoted(type_meta->api_version, out_);
      first = false;
    }
    absl::Status status = Members(message, info, first);
    out_.push_back('}');
    return status;
  }

 private:
  void Key(absl::string_view name, bool& first) {
    if (!first) out_.push_back(',');
    first = false;
    out_.push_back('"');
    out_.append(name.data(), name.size());  // proto field names need no escaping
    out_ += "\":";
  }

  absl::Status Members(const pb::Message& message, const MessageInfo& info, bool& first) {
    const pb::Reflection* reflection = message.GetReflection();
    for (const FieldInfo& field_info : info.fields) {
      const FD* field = field_info.field;
      if (field_info.inline_members) {
        if (reflection->HasField(message, field)) {
          absl::Status status =
              Members(reflection->GetMessage(message, field), *field_info.message, first);
          if (!status.ok()) return status;
        }
        continue;
      }
      if (field->is_repeated()) {
        int size = reflection->FieldSize(message, field);
        if (size == 0) {
          if (field_info.keep_zero) {
            Key(field->name(), first);
            out_ += field->is_map() ? "{}" : "[]";
          }
          continue;
        }
        Key(field->name(), first);
        absl::Status status =
            field->is_map() ? Map(message, field_info, size) : List(message, field_info, size);
        if (!status.ok()) return status;
        continue;
      }
      if (!reflection->HasField(message, field)) continue;
      if (field->cpp_type() == FD::CPPTYPE_MESSAGE) {
        const pb::Message& sub = reflection->GetMessage(message, field);
        if (field_info.omit_zero && IsZeroMessage(sub)) continue;
        Key(field->name(), first);
        absl::Status status = Message(sub, *field_info.message, nullptr);
        if (!status.ok()) return status;
        continue;
      }
      if (!field_info.keep_zero && IsZeroScalar(message, field)) continue;
      Key(field->name(), first);
      Scalar(message, field);
    }
    return absl::OkStatus();
  }

  absl::Status List(const pb::Message& message, const FieldInfo& field_info, int size) {
    const pb::Reflection* reflection = message.GetReflection();
    const FD* field = field_info.field;
    out_.push_back('[');
    for (int i = 0; i < size; ++i) {
      if (i > 0) out_.push_back(',');
      if (field->cpp_type() == FD::CPPTYPE_MESSAGE) {
        absl::Status status = Message(reflection->GetRepeatedMessage(message, field, i),
                                      *field_info.message, nullptr);
        if (!status.ok()) return status;
      } else {
        RepeatedScalar(message, field, i);
      }
    }
    out_.push_back(']');
    return absl::OkStatus();
  }

  // Map writes a map as an object with sorted keys, as Go does.
  absl::Status Map(const pb::Message& message, const FieldInfo& field_info, int size) {
    const pb::Reflection* reflection = message.GetReflection();
    const FD* field = field_info.field;
    const FD* key_field = field->message_type()->map_key();
    const FD* value_field = field->message_type()->map_value();
    std::vector<std::pair<std::string, const pb::Message*>> entries;
    entries.reserve(size);
    for (int i = 0; i < size; ++i) {
      const pb::Message& entry = reflection->GetRepeatedMessage(message, field, i);
      const pb::Reflection* entry_reflection = entry.GetReflection();
      std::string key;
      switch (key_field->cpp_type()) {
        case FD::CPPTYPE_STRING:
          key = entry_reflection->GetString(entry, key_field);
          break;
        case FD::CPPTYPE_INT32:
          key = absl::StrCat(entry_reflection->GetInt32(entry, key_field));
          break;
        case FD::CPPTYPE_INT64:
          key = absl::StrCat(entry_reflection->GetInt64(entry, key_field));
          break;
        case FD::CPPTYPE_UINT32:
          key = absl::StrCat(entry_reflection->GetUInt32(entry, key_field));
          break;
        case FD::CPPTYPE_UINT64:
          key = absl::StrCat(entry_reflection->GetUInt64(entry, key_field));
          break;
        case FD::CPPTYPE_BOOL:
          key = entry_reflection->GetBool(entry, key_field) ? "true" : "false";
          break;
        default:
          break;
      }
      entries.emplace_back(std::move(key), &entry);
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    out_.push_back('{');
    for (size_t i = 0; i < entries.size(); ++i) {
      // The repeated view of a map may hold a key twice; the last one is the map's value.
      if (i + 1 < entries.size() && entries[i + 1].first == entries[i].first) continue;
      if (out_.back() != '{') out_.push_back(',');
      AppendQuoted(entries[i].first, out_);
      out_.push_back(':');
      const pb::Message& entry = *entries[i].second;
      if (value_field->cpp_type() == FD::CPPTYPE_MESSAGE) {
        absl::Status status = Message(entry.GetReflection()->GetMessage(entry, value_field),
                                      *field_info.message, nullptr);
        if (!status.ok()) return status;
      } else {
        Scalar(entry, value_field);
      }
    }
    out_.push_back('}');
    return absl::OkStatus();
  }

  void String(const FD* field, const std::string& value) {
    if (field->type() == FD::TYPE_BYTES) {
      out_.push_back('"');
      out_ += absl::Base64Escape(value);
      out_.push_back('"');
    } else {
      AppendQuoted(value, out_);
    }
  }

  void Scalar(const pb::Message& message, const FD* field) {
    const pb::Reflection* reflection = message.GetReflection();
    switch (field->cpp_type()) {
      case FD::CPPTYPE_INT32:
        absl::StrAppend(&out_, reflection->GetInt32(message, field));
        break;
      case FD::CPPTYPE_INT64:
        absl::StrAppend(&out_, reflection->GetInt64(message, field));
        break;
      case FD::CPPTYPE_UINT32:
        absl::StrAppend(&out_, reflection->GetUInt32(message, field));
        break;
      case FD::CPPTYPE_UINT64:
        absl::StrAppend(&out_, reflection->GetUInt64(message, field));
        break;
      case FD::CPPTYPE_DOUBLE:
        AppendFloat(reflection->GetDouble(message, field), out_);
        break;
      case FD::CPPTYPE_FLOAT:
        AppendFloat(reflection->GetFloat(message, field), out_);
        break;
      case FD::CPPTYPE_BOOL:
        out_ += reflection->GetBool(message, field) ? "true" : "false";
        break;
      case FD::CPPTYPE_ENUM:
        AppendQuoted(reflection->GetEnum(message, field)->name(), out_);
        break;
      case FD::CPPTYPE_STRING: {
        std::string scratch;
        String(field, reflection->GetStringReference(message, field, &scratch));
        break;
      }
      case FD::CPPTYPE_MESSAGE:
        break;  // handled by the callers
    }
  }

  void RepeatedScalar(const pb::Message& message, const FD* field, int index) {
    const pb::Reflection* reflection = message.GetReflection();
    switch (field->cpp_type()) {
      case FD::CPPTYPE_INT32:
        absl::StrAppend(&out_, reflection->GetRepeatedInt32(message, field, index));
        break;
      case FD::CPPTYPE_INT64:
        absl::StrAppend(&out_, reflection->GetRepeatedInt64(message, field, index));
        break;
      case FD::CPPTYPE_UINT32:
        absl::StrAppend(&out_, reflection->GetRepeatedUInt32(message, field, index));
        break;
      case FD::CPPTYPE_UINT64:
        absl::StrAppend(&out_, reflection->GetRepeatedUInt64(message, field, index));
        break;
      case FD::CPPTYPE_DOUBLE:
        AppendFloat(reflection->GetRepeatedDouble(message, field, index), out_);
        break;
      case FD::CPPTYPE_FLOAT:
        AppendFloat(reflection->GetRepeatedFloat(message, field, index), out_);
        break;
      case FD::CPPTYPE_BOOL:
        out_ += reflection->GetRepeatedBool(message, field, index) ? "true" : "false";
        break;
      case FD::CPPTYPE_ENUM:
        AppendQuoted(reflection->GetRepeatedEnum(message, field, index)->name(), out_);
        break;
      case FD::CPPTYPE_STRING: {
        std::string scratch;
        String(field, reflection->GetRepeatedStringReference(message, field, index, &scratch));
        break;
      }
      case FD::CPPTYPE_MESSAGE:
        break;
    }
  }

  // Field n of a special message, by number (the formats define their fields by number).
  static const FD* Numbered(const MessageInfo& info, int number) {
    return info.descriptor->FindFieldByNumber(number);
  }

  int64_t Int(const pb::Message& message, int number, const MessageInfo& info) {
    const FD* field = Numbered(info, number);
    if (field == nullptr) return 0;
    const pb::Reflection* reflection = message.GetReflection();
    switch (field->cpp_type()) {
      case FD::CPPTYPE_INT32:
        return reflection->GetInt32(message, field);
      case FD::CPPTYPE_INT64:
        return reflection->GetInt64(message, field);
      default:
        return 0;
    }
  }

  std::string Text(const pb::Message& message, int number, const MessageInfo& info) {
    const FD* field = Numbered(info, number);
    if (field == nullptr || field->cpp_type() != FD::CPPTYPE_STRING || field->is_repeated()) {
      return "";
    }
    return message.GetReflection()->GetString(message, field);
  }

  // Invalid is the error of a special message whose value has no JSON form.
  static absl::Status Invalid(const MessageInfo& info, const absl::Status& status) {
    return absl::InvalidArgumentError(
        absl::StrCat(info.descriptor->full_name(), " cannot be written: ", status.message()));
  }

  absl::Status Special(const pb::Message& message, const MessageInfo& info) {
    switch (info.format) {
      case JSON_FORMAT_TIME: {
        int64_t seconds = Int(message, 1, info);
        if (seconds == 0 && Int(message, 2, info) == 0) {
          out_ += "null";
        } else {
          absl::StatusOr<std::string> text = internal::FormatRfc3339Seconds(seconds);
          if (!text.ok()) return Invalid(info, text.status());
          AppendQuoted(*text, out_);
        }
        return absl::OkStatus();
      }
      case JSON_FORMAT_MICRO_TIME: {
        internal::UnixTime time{Int(message, 1, info), static_cast<int32_t>(Int(message, 2, info))};
        if (time.seconds == 0 && time.nanos == 0) {
          out_ += "null";
        } else {
          absl::StatusOr<std::string> text = internal::FormatRfc3339Micros(time);
          if (!text.ok()) return Invalid(info, text.status());
          AppendQuoted(*text, out_);
        }
        return absl::OkStatus();
      }
      case JSON_FORMAT_DURATION:
        AppendQuoted(internal::FormatGoDuration(Int(message, 1, info)), out_);
        return absl::OkStatus();
      case JSON_FORMAT_QUANTITY: {
        std::string text = Text(message, 1, info);
        AppendQuoted(text.empty() ? "0" : text, out_);  // Go's zero Quantity prints "0"
        return absl::OkStatus();
      }
      case JSON_FORMAT_INT_OR_STRING:
        if (Int(message, 1, info) == 1) {
          AppendQuoted(Text(message, 3, info), out_);
        } else {
          absl::StrAppend(&out_, Int(message, 2, info));
        }
        return absl::OkStatus();
      case JSON_FORMAT_EMBEDDED_JSON: {
        const FD* field = Numbered(info, 1);
        std::string raw;
        if (field != nullptr && field->cpp_type() == FD::CPPTYPE_STRING) {
          raw = message.GetReflection()->GetString(message, field);
        }
        if (raw.empty()) {
          out_ += "null";
          return absl::OkStatus();
        }
        // Embedded verbatim, so it must be JSON (a protobuf RawExtension is not).
        json::monotonic_resource resource;
        boost::system::error_code error;
        json::parse(raw, error, &resource);
        if (error) {
          return absl::InvalidArgumentError(absl::StrCat(
              info.descriptor->full_name(), " does not hold JSON text: ", error.message()));
        }
        out_ += raw;
        return absl::OkStatus();
      }
      case JSON_FORMAT_ARRAY: {
        const FieldInfo* list = nullptr;
        for (const FieldInfo& field : info.fields) {
          if (field.field->is_repeated()) list = &field;
        }
        if (list == nullptr) {
          out_ += "[]";
          return absl::OkStatus();
        }
        return List(message, *list, message.GetReflection()->FieldSize(message, list->field));
      }
      default:
        return absl::InternalError(
            absl::StrCat("unknown JSON format of ", info.descriptor->full_name()));
    }
  }

  std::string& out_;
};

// ---- Reading --------------------------------------------------------------------------------

// Path is the JSON location being read, kept as a chain of stack frames and only turned into a
// string for an error message.
struct Path {
  const Path* parent = nullptr;
  absl::string_view member;  // empty for an array element or the root
  int index = -1;            // array index when >= 0

  std::string ToString() const {
    std::vector<const Path*> frames;
    for (const Path* p = this; p != nullptr; p = p->parent) frames.push_back(p);
    std::string text;
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
      const Path* p = *it;
      if (p->index >= 0) {
        absl::StrAppend(&text, "[", p->index, "]");
      } else if (!p->member.empty()) {
        if (!text.empty()) text.push_back('.');
        text.append(p->member.data(), p->member.size());
      }
    }
    return text.empty() ? "<root>" : text;
  }
};

absl::string_view KindName(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

absl::Status Mismatch(const Path& path, absl::string_view expected, const json::value& value) {
  return absl::InvalidArgumentError(
      absl::StrCat(path.ToString(), ": expected ", expected, ", got ", KindName(value)));
}

// Integer reads a JSON integer into [min, max].
absl::StatusOr<int64_t> Integer(const json::value& value, int64_t min, int64_t max,
                                const Path& path) {
  int64_t result;
  if (value.is_int64()) {
    result = value.get_int64();
  } else if (value.is_uint64()) {
    if (value.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::InvalidArgumentError(absl::StrCat(path.ToString(), ": number out of range"));
    }
    result = static_cast<int64_t>(value.get_uint64());
  } else if (value.is_double()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.ToString(), ": expected an integer, got ", json::serialize(value)));
  } else {
    return Mismatch(path, "an integer", value);
  }
  if (result < min || result > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.ToString(), ": ", result, " is out of range"));
  }
  return result;
}

absl::StatusOr<uint64_t> Unsigned(const json::value& value, uint64_t max, const Path& path) {
  if (value.is_uint64() && value.get_uint64() <= max) return value.get_uint64();
  if (value.is_int64() && value.get_int64() >= 0 &&
      static_cast<uint64_t>(value.get_int64()) <= max) {
    return static_cast<uint64_t>(value.get_int64());
  }
  if (value.is_number()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.ToString(), ": ", json::serialize(value), " is out of range"));
  }
  return Mismatch(path, "an unsigned integer", value);
}

absl::StatusOr<double> Floating(const json::value& value, const Path& path) {
  if (value.is_double()) return value.get_double();
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  return Mismatch(path, "a number", value);
}

absl::StatusOr<std::string> Text(const json::value& value, const FD* field, const Path& path) {
  if (!value.is_string()) return Mismatch(path, "a string", value);
  const json::string& text = value.get_string();
  if (field->type() != FD::TYPE_BYTES) return std::string(text.data(), text.size());
  std::string bytes;
  if (!absl::Base64Unescape(absl::string_view(text.data(), text.size()), &bytes)) {
    return absl::InvalidArgumentError(absl::StrCat(path.ToString(), ": invalid base64"));
  }
  return bytes;
}

#define KUBE_API_ASSIGN_OR_RETURN(lhs, expr)    \
  auto lhs##_or = (expr);                       \
  if (!lhs##_or.ok()) return lhs##_or.status(); \
  auto lhs = *std::move(lhs##_or)

// AppendVarint appends `value` in protobuf's base-128 varint encoding.
void AppendVarint(uint64_t value, std::string* out) {
  uint8_t bytes[10];  // the longest varint
  const uint8_t* end = pb::io::CodedOutputStream::WriteVarint64ToArray(value, bytes);
  out->append(reinterpret_cast<const char*>(bytes), static_cast<size_t>(end - bytes));
}

// AppendLengthDelimited appends field `number` holding `bytes`.
void AppendLengthDelimited(int number, absl::string_view bytes, std::string* out) {
  AppendVarint(static_cast<uint64_t>(number) << 3 | 2, out);
  AppendVarint(bytes.size(), out);
  out->append(bytes.data(), bytes.size());
}

class Reader {
 public:
  absl::Status Message(const json::value& value, pb::Message* message, const MessageInfo& info,
                       const Path& path) {
    if (info.format != JSON_FORMAT_OBJECT) return Special(value, message, info, path);
    if (value.is_null()) return absl::OkStatus();
    if (!value.is_object()) return Mismatch(path, "an object", value);
    // One GetReflection() per message, passed down: each call goes through the generated
    // GetMetadata() and its once-check (a TLS access), which was ~12% of decoding a pod when
    // done per field.
    const pb::Reflection* reflection = message->GetReflection();
    for (const auto& member : value.get_object()) {
      absl::string_view key(member.key().data(), member.key().size());
      auto it = info.members.find(key);
      if (it == info.members.end()) continue;  // unknown members are skipped, like Go
      pb::Message* target = message;
      const pb::Reflection* target_reflection = reflection;
      const std::vector<const FieldInfo*>& chain = it->second;
      for (size_t i = 0; i + 1 < chain.size(); ++i) {
        target = target_reflection->MutableMessage(target, chain[i]->field);
        target_reflection = target->GetReflection();
      }
      Path child{&path, key};
      absl::Status status = Field(member.value(), target, target_reflection, *chain.back(), child);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Field(const json::value& value, pb::Message* message,
                     const pb::Reflection* reflection, const FieldInfo& field_info,
                     const Path& path) {
    const FD* field = field_info.field;
    if (field->is_map()) return Map(value, message, reflection, field_info, path);
    if (field->is_repeated()) {
      reflection->ClearField(message, field);
      if (value.is_null()) return absl::OkStatus();
      if (!value.is_array()) return Mismatch(path, "an array", value);
      return Elements(value.get_array(), message, reflection, field_info, path);
    }
    return Singular(value, message, reflection, field, field_info.message, path);
  }

  // Map reads a map field. The entries go in through protobuf's own parser, which fills the map
  // itself. Added through reflection (AddMessage) they would stay in the map field's list form,
  // and the first read of the map through the generated API would build the map beside the
  // list: about 2.5 KB more arena for a pod's labels, annotations and resources, taken under the
  // field's mutex by whichever reader comes first (docs/benchmarks.md, "Findings").
  absl::Status Map(const json::value& value, pb::Message* message, const pb::Reflection* reflection,
                   const FieldInfo& field_info, const Path& path) {
    const FD* field = field_info.field;
    reflection->ClearField(message, field);
    if (value.is_null()) return absl::OkStatus();
    if (!value.is_object()) return Mismatch(path, "an object", value);
    std::string entries;
    if (!AppendPlainEntries(value.get_object(), field_info, &entries)) {
      entries.clear();
      absl::Status status =
          AppendEntriesThroughMessage(value.get_object(), reflection, field_info, path, &entries);
      if (!status.ok()) return status;
    }
    if (!message->MergeFromString(entries)) {
      return absl::InternalError(absl::StrCat(path.ToString(), ": map entries do not re-read"));
    }
    return absl::OkStatus();
  }

  // AppendPlainEntries encodes the common maps directly: string keys to string values (labels,
  // annotations, selectors) or to Quantities given as strings (resources). False when the map is
  // of another kind or holds a value of another JSON type (then `entries` is partly written).
  static bool AppendPlainEntries(const json::object& object, const FieldInfo& field_info,
                                 std::string* entries) {
    const pb::Descriptor* entry_type = field_info.field->message_type();
    const bool string_values = entry_type->map_value()->type() == FD::TYPE_STRING;
    const bool quantity_values = entry_type->map_value()->type() == FD::TYPE_MESSAGE &&
                                 field_info.message != nullptr &&
                                 field_info.message->format == JSON_FORMAT_QUANTITY;
    if (entry_type->map_key()->type() != FD::TYPE_STRING || !(string_values || quantity_values)) {
      return false;
    }
    std::string entry;
    std::string quantity;
    for (const auto& member : object) {
      if (!member.value().is_string()) return false;
      const json::string& text = member.value().get_string();
      absl::string_view value(text.data(), text.size());
      if (quantity_values) {  // a Quantity is a message holding the string as field 1
        quantity.clear();
        AppendLengthDelimited(1, value, &quantity);
        value = quantity;
      }
      entry.clear();
      AppendLengthDelimited(1, absl::string_view(member.key().data(), member.key().size()), &entry);
      AppendLengthDelimited(2, value, &entry);
      AppendLengthDelimited(field_info.field->number(), entry, entries);
    }
    return true;
  }

  // AppendEntriesThroughMessage encodes each entry by reading it into an entry message.
  absl::Status AppendEntriesThroughMessage(const json::object& object,
                                           const pb::Reflection* reflection,
                                           const FieldInfo& field_info, const Path& path,
                                           std::string* entries) {
    const FD* field = field_info.field;
    std::unique_ptr<pb::Message> entry(
        reflection->GetMessageFactory()->GetPrototype(field->message_type())->New());
    const pb::Reflection* entry_reflection = entry->GetReflection();
    std::string encoded;
    for (const auto& member : object) {
      absl::string_view key(member.key().data(), member.key().size());
      Path child{&path, key};
      entry->Clear();
      absl::Status status =
          MapKey(key, entry.get(), entry_reflection, field->message_type()->map_key(), child);
      if (status.ok()) {
        status = Singular(member.value(), entry.get(), entry_reflection,
                          field->message_type()->map_value(), field_info.message, child);
      }
      if (!status.ok()) return status;
      encoded.clear();
      entry->AppendPartialToString(&encoded);
      AppendLengthDelimited(field->number(), encoded, entries);
    }
    return absl::OkStatus();
  }

  absl::Status Elements(const json::array& array, pb::Message* message,
                        const pb::Reflection* reflection, const FieldInfo& field_info,
                        const Path& path) {
    const FD* field = field_info.field;
    int index = 0;
    for (const json::value& element : array) {
      Path child{&path, {}, index++};
      absl::Status status;
      if (field->cpp_type() == FD::CPPTYPE_MESSAGE) {
        status =
            Message(element, reflection->AddMessage(message, field), *field_info.message, child);
      } else {
        status = AddScalar(element, message, reflection, field, child);
      }
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

  absl::Status MapKey(absl::string_view key, pb::Message* entry, const pb::Reflection* reflection,
                      const FD* key_field, const Path& path) {
    if (key_field->cpp_type() == FD::CPPTYPE_STRING) {
      reflection->SetString(entry, key_field, std::string(key));
      return absl::OkStatus();
    }
    json::value parsed;
    boost::system::error_code error;
    parsed = json::parse(json::string_view(key.data(), key.size()), error);
    if (error) return absl::InvalidArgumentError(absl::StrCat(path.ToString(), ": bad map key"));
    return SetScalar(parsed, entry, reflection, key_field, path);
  }

  // Singular reads one non-repeated value: a field or a map entry's value.
  absl::Status Singular(const json::value& value, pb::Message* message,
                        const pb::Reflection* reflection, const FD* field, const MessageInfo* info,
                        const Path& path) {
    if (field->cpp_type() != FD::CPPTYPE_MESSAGE) {
      if (value.is_null()) return absl::OkStatus();
      return SetScalar(value, message, reflection, field, path);
    }
    if (value.is_null()) {
      // Go writes null for zero Time, MicroTime and RawExtension values held by value; reading it
      // back gives a present, zero message, which is what the protobuf form carries too.
      if (info->format == JSON_FORMAT_TIME || info->format == JSON_FORMAT_MICRO_TIME ||
          info->format == JSON_FORMAT_EMBEDDED_JSON) {
        reflection->MutableMessage(message, field);
      }
      return absl::OkStatus();
    }
    return Message(value, reflection->MutableMessage(message, field), *info, path);
  }

  absl::Status SetScalar(const json::value& value, pb::Message* message,
                         const pb::Reflection* reflection, const FD* field, const Path& path) {
    return PutScalar(value, message, reflection, field, path, /*append=*/false);
  }

  absl::Status AddScalar(const json::value& value, pb::Message* message,
                         const pb::Reflection* reflection, const FD* field, const Path& path) {
    return PutScalar(value, message, reflection, field, path, /*append=*/true);
  }

  // PutScalar sets a singular field, or appends to a repeated one when `append`.
  absl::Status PutScalar(const json::value& value, pb::Message* message,
                         const pb::Reflection* reflection, const FD* field, const Path& path,
                         bool append) {
    switch (field->cpp_type()) {
      case FD::CPPTYPE_INT32: {
        KUBE_API_ASSIGN_OR_RETURN(v, Integer(value, std::numeric_limits<int32_t>::min(),
                                             std::numeric_limits<int32_t>::max(), path));
        append ? reflection->AddInt32(message, field, static_cast<int32_t>(v))
               : reflection->SetInt32(message, field, static_cast<int32_t>(v));
        return absl::OkStatus();
      }
      case FD::CPPTYPE_INT64: {
        KUBE_API_ASSIGN_OR_RETURN(v, Integer(value, std::numeric_limits<int64_t>::min(),
                                             std::numeric_limits<int64_t>::max(), path));
        append ? reflection->AddInt64(message, field, v) : reflection->SetInt64(message, field, v);
        return absl::OkStatus();
      }
      case FD::CPPTYPE_UINT32: {
        KUBE_API_ASSIGN_OR_RETURN(v, Unsigned(value, std::numeric_limits<uint32_t>::max(), path));
        append ? reflection->AddUInt32(message, field, static_cast<uint32_t>(v))
               : reflection->SetUInt32(message, field, static_cast<uint32_t>(v));
        return absl::OkStatus();
      }
      case FD::CPPTYPE_UINT64: {
        KUBE_API_ASSIGN_OR_RETURN(v, Unsigned(value, std::numeric_limits<uint64_t>::max(), path));
        append ? reflection->AddUInt64(message, field, v)
               : reflection->SetUInt64(message, field, v);
        return absl::OkStatus();
      }
      case FD::CPPTYPE_DOUBLE: {
        KUBE_API_ASSIGN_OR_RETURN(v, Floating(value, path));
        append ? reflection->AddDouble(message, field, v)
               : reflection->SetDouble(message, field, v);
        return absl::OkStatus();
      }
      case FD::CPPTYPE_FLOAT: {
        KUBE_API_ASSIGN_OR_RETURN(v, Floating(value, path));
        append ? reflection->AddFloat(message, field, static_cast<float>(v))
               : reflection->SetFloat(message, field, static_cast<float>(v));
        return absl::OkStatus();
      }
      case FD::CPPTYPE_BOOL:
        if (!value.is_bool()) return Mismatch(path, "a boolean", value);
        append ? reflection->AddBool(message, field, value.get_bool())
               : reflection->SetBool(message, field, value.get_bool());
        return absl::OkStatus();
      case FD::CPPTYPE_ENUM: {
        if (!value.is_string()) return Mismatch(path, "a string", value);
        const pb::EnumValueDescriptor* v = field->enum_type()->FindValueByName(
            std::string(value.get_string().data(), value.get_string().size()));
        if (v == nullptr) {
          return absl::InvalidArgumentError(absl::StrCat(path.ToString(), ": unknown value"));
        }
        append ? reflection->AddEnum(message, field, v) : reflection->SetEnum(message, field, v);
        return absl::OkStatus();
      }
      case FD::CPPTYPE_STRING: {
        KUBE_API_ASSIGN_OR_RETURN(v, Text(value, field, path));
        append ? reflection->AddString(message, field, std::move(v))
               : reflection->SetString(message, field, std::move(v));
        return absl::OkStatus();
      }
      case FD::CPPTYPE_MESSAGE:
        break;
    }
    return absl::InternalError("unexpected field type");
  }

  static const FD* Numbered(const MessageInfo& info, int number) {
    return info.descriptor->FindFieldByNumber(number);
  }

  // SetNumbered sets field `number` of a special message from an integer or string.
  static void SetInt(pb::Message* message, const MessageInfo& info, int number, int64_t value) {
    const FD* field = Numbered(info, number);
    if (field == nullptr || field->is_repeated()) return;
    const pb::Reflection* reflection = message->GetReflection();
    if (field->cpp_type() == FD::CPPTYPE_INT64) reflection->SetInt64(message, field, value);
    if (field->cpp_type() == FD::CPPTYPE_INT32) {
      reflection->SetInt32(message, field, static_cast<int32_t>(value));
    }
  }

  static void SetText(pb::Message* message, const MessageInfo& info, int number,
                      std::string value) {
    const FD* field = Numbered(info, number);
    if (field == nullptr || field->is_repeated() || field->cpp_type() != FD::CPPTYPE_STRING) {
      return;
    }
    message->GetReflection()->SetString(message, field, std::move(value));
  }

  absl::Status Special(const json::value& value, pb::Message* message, const MessageInfo& info,
                       const Path& path) {
    switch (info.format) {
      case JSON_FORMAT_TIME:
      case JSON_FORMAT_MICRO_TIME: {
        if (value.is_null()) return absl::OkStatus();
        if (!value.is_string()) return Mismatch(path, "an RFC 3339 time string", value);
        auto time = internal::ParseRfc3339(
            absl::string_view(value.get_string().data(), value.get_string().size()));
        if (!time.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(path.ToString(), ": ", time.status().message()));
        }
        SetInt(message, info, 1, time->seconds);
        // Time keeps whole seconds only (the apiserver drops the fraction too).
        SetInt(message, info, 2, info.format == JSON_FORMAT_TIME ? 0 : time->nanos);
        return absl::OkStatus();
      }
      case JSON_FORMAT_DURATION: {
        if (value.is_null()) return absl::OkStatus();
        if (!value.is_string()) return Mismatch(path, "a duration string", value);
        auto duration = internal::ParseGoDuration(
            absl::string_view(value.get_string().data(), value.get_string().size()));
        if (!duration.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(path.ToString(), ": ", duration.status().message()));
        }
        SetInt(message, info, 1, *duration);
        return absl::OkStatus();
      }
      case JSON_FORMAT_QUANTITY:
        if (value.is_null()) return absl::OkStatus();
        if (value.is_string()) {
          SetText(message, info, 1, std::string(value.get_string()));
        } else if (value.is_number()) {
          SetText(message, info, 1, json::serialize(value));  // Go accepts a bare number
        } else {
          return Mismatch(path, "a quantity string", value);
        }
        return absl::OkStatus();
      case JSON_FORMAT_INT_OR_STRING:
        if (value.is_null()) return absl::OkStatus();
        // The fields are set as the apiserver's protobuf form has them once read by the protobuf
        // codec: type and intVal always, strVal unless empty (protobuf_parse.h).
        if (value.is_string()) {
          SetInt(message, info, 1, 1);
          SetInt(message, info, 2, 0);
          if (!value.get_string().empty()) {
            SetText(message, info, 3, std::string(value.get_string()));
          }
        } else {
          KUBE_API_ASSIGN_OR_RETURN(v, Integer(value, std::numeric_limits<int32_t>::min(),
                                               std::numeric_limits<int32_t>::max(), path));
          SetInt(message, info, 1, 0);
          SetInt(message, info, 2, v);
        }
        return absl::OkStatus();
      case JSON_FORMAT_EMBEDDED_JSON: {
        if (value.is_null()) return absl::OkStatus();
        const FD* field = Numbered(info, 1);
        if (field != nullptr && field->cpp_type() == FD::CPPTYPE_STRING) {
          message->GetReflection()->SetString(message, field, json::serialize(value));
        }
        return absl::OkStatus();
      }
      case JSON_FORMAT_ARRAY: {
        if (value.is_null()) return absl::OkStatus();
        if (!value.is_array()) return Mismatch(path, "an array", value);
        for (const FieldInfo& field : info.fields) {
          if (!field.field->is_repeated()) continue;
          const pb::Reflection* reflection = message->GetReflection();
          reflection->ClearField(message, field.field);
          return Elements(value.get_array(), message, reflection, field, path);
        }
        return absl::OkStatus();
      }
      default:
        return absl::InternalError(
            absl::StrCat("unknown JSON format of ", info.descriptor->full_name()));
    }
  }
};

}  // namespace

absl::Status AppendMessageJson(const google::protobuf::Message& message,
                               const JsonTypeMeta& type_meta, std::string* out) {
  const MessageInfo& info = Infos().Get(message.GetDescriptor());
  return Writer(*out).Message(message, info, &type_meta);
}

absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message,
                                          const JsonTypeMeta& type_meta) {
  std::string out;
  out.reserve(1024);
  absl::Status status = AppendMessageJson(message, type_meta, &out);
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<boost::json::value> ParseJson(absl::string_view text,
                                             boost::json::storage_ptr storage) {
  json::parse_options options;
  options.max_depth = 256;
  boost::system::error_code error;
  json::value value =
      json::parse(json::string_view(text.data(), text.size()), error, std::move(storage), options);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat("malformed JSON: ", error.message()));
  }
  return value;
}

absl::Status JsonValueToMessage(const boost::json::value& value,
                                google::protobuf::Message* message) {
  message->Clear();
  const MessageInfo& info = Infos().Get(message->GetDescriptor());
  Path root;
  return Reader().Message(value, message, info, root);
}

absl::Status JsonToMessage(absl::string_view text, google::protobuf::Message* message) {
  JsonDocumentArena arena;
  absl::StatusOr<json::value> value = ParseJson(text, &arena.resource);
  if (!value.ok()) return value.status();
  return JsonValueToMessage(*value, message);
}

}  // namespace kube::api
