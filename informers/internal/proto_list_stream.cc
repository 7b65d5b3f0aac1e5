#include "informers/internal/proto_list_stream.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/api/runtime/runtime.pb.h"

namespace kube::informers::internal {

namespace {

constexpr absl::string_view kMagic{"k8s\0", 4};
constexpr size_t kMaxVarintBytes = 10;

enum class VarintResult { kOk, kIncomplete, kMalformed };

VarintResult ReadVarint(absl::string_view in, uint64_t* value, size_t* used) {
  uint64_t v = 0;
  for (size_t i = 0; i < in.size() && i < kMaxVarintBytes; ++i) {
    const auto b = static_cast<uint8_t>(in[i]);
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *value = v;
      *used = i + 1;
      return VarintResult::kOk;
    }
  }
  return in.size() >= kMaxVarintBytes ? VarintResult::kMalformed : VarintResult::kIncomplete;
}

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("protobuf list body: ", what));
}

}  // namespace

ProtoListStreamDecoder::ProtoListStreamDecoder(TypeCheck check_type, ItemSink on_item,
                                               ProtoListStreamLimits limits)
    : check_type_(std::move(check_type)), on_item_(std::move(on_item)), limits_(limits) {}

absl::Status ProtoListStreamDecoder::Fail(absl::Status status) {
  state_ = State::kFailed;
  error_ = status;
  buf_.clear();
  value_.clear();
  return status;
}

absl::Status ProtoListStreamDecoder::Feed(absl::string_view chunk) {
  if (state_ == State::kFailed) return error_;
  buf_.append(chunk.data(), chunk.size());
  high_water_ = std::max(high_water_, buf_.size() + value_.size() + list_meta_.size());
  for (bool progressed = true; progressed;) {
    progressed = false;
    if (absl::Status s = Step(&progressed); !s.ok()) return Fail(std::move(s));
  }
  buf_.erase(0, pos_);
  pos_ = 0;
  return absl::OkStatus();
}

absl::Status ProtoListStreamDecoder::Step(bool* progressed) {
  absl::string_view avail = absl::string_view(buf_).substr(pos_);
  switch (state_) {
    case State::kFailed:
      return error_;
    case State::kMagic:
      if (avail.size() < kMagic.size()) {
        if (avail != kMagic.substr(0, avail.size())) return Malformed("no k8s\\0 magic");
        return absl::OkStatus();
      }
      if (avail.substr(0, kMagic.size()) != kMagic) return Malformed("no k8s\\0 magic");
      pos_ += kMagic.size();
      state_ = State::kHeader;
      *progressed = true;
      return absl::OkStatus();
    case State::kHeader: {
      if (in_raw_ && raw_remaining_ == 0) {  // the XList ended; back in the Unknown
        in_raw_ = false;
        *progressed = true;
        return absl::OkStatus();
      }
      if (avail.empty()) return absl::OkStatus();
      uint64_t tag = 0;
      size_t tag_bytes = 0;
      VarintResult r = ReadVarint(avail, &tag, &tag_bytes);
      if (r == VarintResult::kMalformed) return Malformed("bad field tag");
      if (r == VarintResult::kIncomplete) return absl::OkStatus();
      const int wire_type = static_cast<int>(tag & 7);
      const uint64_t number = tag >> 3;
      if (number == 0 || number > (uint64_t{1} << 29)) return Malformed("bad field number");
      uint64_t value = 0;
      size_t value_bytes = 0;
      if (wire_type == 0 || wire_type == 2) {
        r = ReadVarint(avail.substr(tag_bytes), &value, &value_bytes);
        if (r == VarintResult::kMalformed) return Malformed("bad varint");
        if (r == VarintResult::kIncomplete) return absl::OkStatus();
      } else if (wire_type == 1) {
        value = 8;
      } else if (wire_type == 5) {
        value = 4;
      } else {
        return Malformed(absl::StrCat("unsupported wire type ", wire_type));
      }
      const size_t header_bytes = tag_bytes + value_bytes;
      pos_ += header_bytes;
      *progressed = true;
      return StartField(static_cast<int>(number), wire_type, value, header_bytes);
    }
    case State::kValue: {
      if (value_remaining_ > 0) {
        if (avail.empty()) return absl::OkStatus();
        const size_t n = static_cast<size_t>(std::min<uint64_t>(value_remaining_, avail.size()));
        if (target_ != Target::kSkip) value_.append(avail.data(), n);
        pos_ += n;
        value_remaining_ -= n;
      }
      *progressed = true;
      if (value_remaining_ == 0) return FinishValue();
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::Status ProtoListStreamDecoder::StartField(int number, int wire_type, uint64_t value,
                                                size_t header_bytes) {
  if (in_raw_) {
    if (header_bytes > raw_remaining_) return Malformed("field header overruns raw");
    raw_remaining_ -= header_bytes;
  }
  if (wire_type == 0) return absl::OkStatus();  // a varint field: already consumed, unused
  const uint64_t length = value;
  if (in_raw_) {
    if (length > raw_remaining_) return Malformed("field overruns raw");
    raw_remaining_ -= length;
  }
  target_ = Target::kSkip;
  size_t limit = limits_.max_small_field_bytes;
  if (wire_type == 2 && in_raw_) {
    if (number == 1) target_ = Target::kListMeta;
    if (number == 2) {
      target_ = Target::kItem;
      limit = limits_.max_item_bytes;
    }
  } else if (wire_type == 2) {
    switch (number) {
      case 1:
        target_ = Target::kTypeMeta;
        break;
      case 2:  // raw: descend into the XList instead of collecting it
        if (!saw_type_) return Malformed("raw before typeMeta");
        if (saw_raw_) return Malformed("raw repeated");
        saw_raw_ = true;
        in_raw_ = true;
        raw_remaining_ = length;
        return absl::OkStatus();
      case 3:
        target_ = Target::kContentEncoding;
        break;
      case 4:
        target_ = Target::kContentType;
        break;
      default:
        break;
    }
  }
  if (target_ != Target::kSkip && length > limit) {
    return absl::ResourceExhaustedError(absl::StrCat("protobuf list body: field ", number, " of ",
                                                     length, " bytes exceeds the limit of ",
                                                     limit));
  }
  value_.clear();
  if (target_ != Target::kSkip) value_.reserve(static_cast<size_t>(length));
  value_remaining_ = length;
  state_ = State::kValue;
  return absl::OkStatus();
}

absl::Status ProtoListStreamDecoder::FinishValue() {
  state_ = State::kHeader;
  std::string value = std::move(value_);
  value_.clear();
  switch (target_) {
    case Target::kSkip:
      return absl::OkStatus();
    case Target::kTypeMeta: {
      api::runtime::TypeMeta type;
      if (!type.ParseFromString(value)) return Malformed("bad typeMeta");
      saw_type_ = true;
      return check_type_ ? check_type_(type.apiversion(), type.kind()) : absl::OkStatus();
    }
    case Target::kContentEncoding:
      content_encoding_ = std::move(value);
      return absl::OkStatus();
    case Target::kContentType:
      content_type_ = std::move(value);
      return absl::OkStatus();
    case Target::kListMeta:
      list_meta_ = std::move(value);
      return absl::OkStatus();
    case Target::kItem:
      ++items_;
      return on_item_(value);
  }
  return absl::OkStatus();
}

absl::StatusOr<api::meta::v1::ListMeta> ProtoListStreamDecoder::Finish() {
  if (state_ == State::kFailed) return error_;
  auto truncated = [this](absl::string_view where) {
    return Fail(Malformed(absl::StrCat("truncated ", where)));
  };
  if (state_ == State::kMagic) return truncated("before the k8s\\0 magic ended");
  if (state_ == State::kValue) {
    return truncated(target_ == Target::kItem ? "inside an item" : "inside a field");
  }
  if (pos_ != buf_.size()) return truncated("inside a field header");
  if (in_raw_ && raw_remaining_ > 0) return truncated("inside raw");
  if (!saw_type_) return Fail(Malformed("no typeMeta"));
  if (!saw_raw_) return Fail(Malformed("no raw"));
  if (!content_encoding_.empty()) {
    return Fail(absl::UnimplementedError(
        absl::StrCat("protobuf list body: contentEncoding ", content_encoding_)));
  }
  api::meta::v1::ListMeta meta;
  if (!meta.ParseFromString(list_meta_)) return Fail(Malformed("bad ListMeta"));
  return meta;
}

}  // namespace kube::informers::internal
