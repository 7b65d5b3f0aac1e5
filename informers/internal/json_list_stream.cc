#include "informers/internal/json_list_stream.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "boost/json/basic_parser_impl.hpp"
#include "boost/json/value.hpp"
#include "client/api/json_format.h"

namespace kube::informers::internal {

namespace {

namespace json = boost::json;

// The codecs parse with nesting depth 256 (api::ParseJson); the list object is one level and
// `items` another, so member values get 255 and items 254: a body is too deep here exactly when
// it is too deep for the whole-body parse.
constexpr size_t kMaxDepth = 256;
constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();

bool IsWhitespace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// NullHandler accepts every event: the parser is run only for its validation and for where a
// value ends. Nothing is stored, so a skipped member costs no memory whatever its size.
struct NullHandler {
  static constexpr size_t max_array_size = kUnlimited;
  static constexpr size_t max_object_size = kUnlimited;
  static constexpr size_t max_string_size = kUnlimited;
  static constexpr size_t max_key_size = kUnlimited;
  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(size_t, json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(size_t, json::error_code&) { return true; }
  bool on_string_part(json::string_view, size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, size_t, json::error_code&) { return true; }
  bool on_key_part(json::string_view, size_t, json::error_code&) { return true; }
  bool on_key(json::string_view, size_t, json::error_code&) { return true; }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

json::parse_options DepthOptions(size_t max_depth) {
  json::parse_options options;
  options.max_depth = max_depth;
  return options;
}

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("JSON list body: ", what));
}

}  // namespace

// ValueReader: boost::json's incremental parser over one value. Fed with `more` = true, it
// consumes every byte until the value is complete and then stops at the first byte that is not
// whitespace after it, which is how the decoder learns where the value ends: the parser frames
// and validates in one pass, with the same grammar, escapes, UTF-8 and depth rules as
// boost::json::parse (a hand-written framer would accept some bodies the whole-body parse
// refuses).
class JsonListStreamDecoder::ValueReader {
 public:
  explicit ValueReader(size_t max_depth) : parser_(DepthOptions(max_depth)) {}

  void Reset() { parser_.reset(); }

  // Write feeds `in` (non-empty) and returns how many bytes belong to the value or to whitespace
  // right after it; *done once the value is complete.
  size_t Write(absl::string_view in, json::error_code& error, bool* done) {
    const size_t n = parser_.write_some(true, in.data(), in.size(), error);
    *done = !error && parser_.done();
    return n;
  }

 private:
  json::basic_parser<NullHandler> parser_;
};

JsonListStreamDecoder::JsonListStreamDecoder(TypeCheck check_type, ItemSink on_item,
                                             JsonListStreamLimits limits)
    : check_type_(std::move(check_type)),
      on_item_(std::move(on_item)),
      limits_(limits),
      member_reader_(std::make_unique<ValueReader>(kMaxDepth - 1)),
      item_reader_(std::make_unique<ValueReader>(kMaxDepth - 2)) {}

JsonListStreamDecoder::~JsonListStreamDecoder() = default;

absl::Status JsonListStreamDecoder::Fail(absl::Status status) {
  state_ = State::kFailed;
  error_ = status;
  value_.clear();
  value_.shrink_to_fit();
  return status;
}

void JsonListStreamDecoder::NoteHeld() {
  high_water_ = std::max(high_water_, chunk_size_ + value_.size() + key_name_.size() +
                                          kind_.size() + api_version_.size());
}

absl::Status JsonListStreamDecoder::Unexpected(char c, uint64_t at, absl::string_view wanted) {
  return Invalid(absl::StrCat("expected ", wanted, " at byte ", at, ", found '",
                              absl::CHexEscape(absl::string_view(&c, 1)), "'"));
}

std::string JsonListStreamDecoder::Where() const {
  switch (state_) {
    case State::kStart:
      return "before the list object";
    case State::kInKey:
      return absl::StrCat("inside the member name that started at byte ", value_start_);
    case State::kInValue:
      return absl::StrCat("inside the value of \"", absl::CHexEscape(key_name_),
                          "\" that started at byte ", value_start_);
    case State::kItemsFirst:
    case State::kItemsNext:
    case State::kAfterItem:
      return absl::StrCat("inside items, after ", items_, " items");
    case State::kInItem:
      return absl::StrCat("inside item ", items_, " that started at byte ", value_start_);
    default:
      return "inside the list object";
  }
}

absl::Status JsonListStreamDecoder::Feed(absl::string_view chunk) {
  if (state_ == State::kFailed) return error_;
  chunk_size_ = chunk.size();
  NoteHeld();
  absl::Status status = Scan(chunk);
  offset_ += chunk.size();
  chunk_size_ = 0;
  if (!status.ok()) return Fail(std::move(status));
  return absl::OkStatus();
}

void JsonListStreamDecoder::StartValue(State state, size_t limit, size_t at) {
  (state == State::kInItem ? item_reader_ : member_reader_)->Reset();
  state_ = state;
  value_start_ = offset_ + at;
  value_bytes_ = 0;
  value_limit_ = limit;
  value_.clear();
}

absl::Status JsonListStreamDecoder::Scan(absl::string_view chunk) {
  size_t i = 0;
  while (i < chunk.size()) {
    if (state_ == State::kInKey || state_ == State::kInValue || state_ == State::kInItem) {
      if (absl::Status s = ReadValue(chunk, &i); !s.ok()) return s;
      continue;
    }
    const char c = chunk[i];
    if (IsWhitespace(c)) {
      ++i;
      continue;
    }
    const uint64_t at = offset_ + i;
    switch (state_) {
      case State::kStart:
        if (c != '{') return Unexpected(c, at, "'{' (a list body is a JSON object)");
        state_ = State::kFirstKey;
        ++i;
        break;
      case State::kFirstKey:
        if (c == '}') {
          state_ = State::kEnd;
          ++i;
          break;
        }
        [[fallthrough]];
      case State::kKey:
        if (c != '"') return Unexpected(c, at, "a member name");
        StartValue(State::kInKey, limits_.max_small_field_bytes, i);
        break;
      case State::kColon:
        if (c != ':') return Unexpected(c, at, "':'");
        state_ = State::kValue;
        ++i;
        break;
      case State::kValue:
        if (target_ == Target::kItems && c == '[') {
          state_ = State::kItemsFirst;
          ++i;
          break;
        }
        // A skipped value is validated as it streams past, never stored: it needs no limit.
        StartValue(State::kInValue,
                   target_ == Target::kSkip ? kUnlimited : limits_.max_small_field_bytes, i);
        break;
      case State::kAfterValue:
        if (c == ',') {
          state_ = State::kKey;
        } else if (c == '}') {
          state_ = State::kEnd;
        } else {
          return Unexpected(c, at, "',' or '}'");
        }
        ++i;
        break;
      case State::kItemsFirst:
        if (c == ']') {
          state_ = State::kAfterValue;
          ++i;
          break;
        }
        [[fallthrough]];
      case State::kItemsNext:
        if (c != '{') return Unexpected(c, at, absl::StrCat("item ", items_, " (an object)"));
        StartValue(State::kInItem, limits_.max_item_bytes, i);
        break;
      case State::kAfterItem:
        if (c == ',') {
          state_ = State::kItemsNext;
        } else if (c == ']') {
          state_ = State::kAfterValue;
        } else {
          return Unexpected(c, at, "',' or ']' in items");
        }
        ++i;
        break;
      case State::kEnd:
        return Invalid(absl::StrCat("bytes after the list object at byte ", at));
      case State::kInKey:
      case State::kInValue:
      case State::kInItem:
      case State::kFailed:
        return absl::InternalError("JSON list body: unreachable scanner state");
    }
  }
  return absl::OkStatus();
}

absl::Status JsonListStreamDecoder::ReadValue(absl::string_view chunk, size_t* i) {
  ValueReader& reader = state_ == State::kInItem ? *item_reader_ : *member_reader_;
  const bool keep = !(state_ == State::kInValue && target_ == Target::kSkip);
  absl::string_view in = chunk.substr(*i);
  // Never feed more than one byte past the limit: an oversized value fails before it is held
  // whole (value_bytes_ <= value_limit_ here, or the previous call failed).
  if (value_limit_ != kUnlimited) {
    const uint64_t room = value_limit_ - value_bytes_ + 1;
    if (in.size() > room) in = in.substr(0, static_cast<size_t>(room));
  }
  json::error_code error;
  bool done = false;
  const size_t n = reader.Write(in, error, &done);
  auto what = [this]() {
    switch (state_) {
      case State::kInKey:
        return std::string("a member name");
      case State::kInItem:
        return absl::StrCat("item ", items_);
      default:
        return absl::StrCat("the value of \"", absl::CHexEscape(key_name_), "\"");
    }
  };
  if (error) {
    return Invalid(absl::StrCat("malformed JSON in ", what(), " that started at byte ",
                                value_start_, ": ", error.message()));
  }
  if (n == 0 && !done) {  // cannot happen: more=true consumes all of a non-empty input
    return absl::InternalError("JSON list body: the value parser made no progress");
  }
  absl::string_view consumed = in.substr(0, n);
  *i += n;
  if (done) {
    // The parser also took the whitespace after the value; the value's bytes end before it.
    while (!consumed.empty() && IsWhitespace(consumed.back())) consumed.remove_suffix(1);
  }
  value_bytes_ += consumed.size();
  if (value_bytes_ > value_limit_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "JSON list body: ", what(), " that started at byte ", value_start_, " exceeds ",
        value_limit_, " bytes (", value_bytes_, done ? " bytes)" : " bytes so far)"));
  }
  if (!done) {
    if (keep) {
      value_.append(consumed.data(), consumed.size());
      NoteHeld();
    }
    return absl::OkStatus();
  }
  // A value that lies inside this chunk is handed out as a view of it, without a copy.
  absl::string_view whole = consumed;
  if (keep && !value_.empty()) {
    value_.append(consumed.data(), consumed.size());
    NoteHeld();
    whole = value_;
  }
  absl::Status status;
  switch (state_) {
    case State::kInKey:
      status = FinishKey(whole);
      break;
    case State::kInValue:
      status = FinishValue(whole);
      break;
    default:
      status = FinishItem(whole);
      break;
  }
  value_.clear();
  return status;
}

absl::Status JsonListStreamDecoder::FinishKey(absl::string_view key_json) {
  absl::StatusOr<json::value> key = api::ParseJson(key_json);
  if (!key.ok() || !key->is_string()) {  // cannot happen: the reader validated a string
    return Invalid(absl::StrCat("bad member name at byte ", value_start_));
  }
  key_name_.assign(key->get_string().data(), key->get_string().size());
  NoteHeld();
  state_ = State::kColon;
  bool* seen = nullptr;
  target_ = Target::kSkip;
  if (key_name_ == "kind") {
    target_ = Target::kKind;
    seen = &seen_kind_;
  } else if (key_name_ == "apiVersion") {
    target_ = Target::kApiVersion;
    seen = &seen_api_version_;
  } else if (key_name_ == "metadata") {
    target_ = Target::kMetadata;
    seen = &seen_metadata_;
  } else if (key_name_ == "items") {
    target_ = Target::kItems;
    seen = &seen_items_;
  }
  if (seen != nullptr) {
    // boost::json keeps the last of duplicate members; a stream cannot take back items or a
    // type check it already acted on, so a repeated list member is refused.
    if (*seen) {
      return Invalid(absl::StrCat("a second \"", key_name_, "\" member at byte ", value_start_));
    }
    *seen = true;
  }
  return absl::OkStatus();
}

absl::Status JsonListStreamDecoder::FinishValue(absl::string_view value_json) {
  state_ = State::kAfterValue;
  if (target_ == Target::kSkip) return absl::OkStatus();
  absl::StatusOr<json::value> value = api::ParseJson(value_json);
  if (!value.ok()) {  // cannot happen: the reader validated it
    return Invalid(
        absl::StrCat("\"", key_name_, "\" at byte ", value_start_, ": ", value.status().message()));
  }
  switch (target_) {
    case Target::kKind:
    case Target::kApiVersion: {
      if (!value->is_string()) {
        return Invalid(
            absl::StrCat("\"", key_name_, "\" at byte ", value_start_, " is not a string"));
      }
      const json::string& s = value->get_string();
      (target_ == Target::kKind ? kind_ : api_version_).assign(s.data(), s.size());
      NoteHeld();
      return MaybeCheckType(/*at_finish=*/false);
    }
    case Target::kMetadata: {
      absl::Status status = api::JsonValueToMessage(*value, &meta_);
      if (!status.ok()) {
        return absl::Status(status.code(), absl::StrCat("JSON list body: metadata at byte ",
                                                        value_start_, ": ", status.message()));
      }
      return absl::OkStatus();
    }
    case Target::kItems:
      if (!value->is_null()) {
        return Invalid(
            absl::StrCat("\"items\" at byte ", value_start_, " is neither an array nor null"));
      }
      return absl::OkStatus();
    case Target::kSkip:
      break;
  }
  return absl::OkStatus();
}

absl::Status JsonListStreamDecoder::FinishItem(absl::string_view item_json) {
  state_ = State::kAfterItem;
  ++items_;
  return on_item_ ? on_item_(item_json) : absl::OkStatus();
}

absl::Status JsonListStreamDecoder::MaybeCheckType(bool at_finish) {
  if (type_checked_) return absl::OkStatus();
  if (!at_finish && !(seen_kind_ && seen_api_version_)) return absl::OkStatus();
  // As JsonCodec::Decode reads a body: a missing kind is an error, a missing apiVersion is "".
  if (!seen_kind_ || kind_.empty()) return Invalid("the list names no kind");
  type_checked_ = true;
  return check_type_ ? check_type_(api_version_, kind_) : absl::OkStatus();
}

absl::StatusOr<api::meta::v1::ListMeta> JsonListStreamDecoder::Finish() {
  if (state_ == State::kFailed) return error_;
  if (state_ != State::kEnd) {
    return Fail(absl::DataLossError(
        absl::StrCat("JSON list body: truncated at byte ", offset_, " (", Where(), ")")));
  }
  if (absl::Status s = MaybeCheckType(/*at_finish=*/true); !s.ok()) return Fail(std::move(s));
  return meta_;
}

}  // namespace kube::informers::internal
