// libFuzzer target for ParseWithoutEmptyStrings (docs/fuzzing.md). The input is read as the
// encoding of a Pod. Checks:
//   - it succeeds exactly when protobuf's own ParseFromArray does (groups, bad lengths, deep
//     nesting: whatever the rewrite does not take is parsed as given);
//   - what it read has no empty omitempty string left (also when the input was one the rewrite
//     does not take, say a tag protobuf reads past 32 bits: parsed as given, then cleared);
//   - it re-encodes and reads back to an equal object.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "base/fuzzing/fuzz_check.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/protobuf_parse.h"
#include "client/api/testing/empty_strings.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"

namespace {

namespace pb = ::google::protobuf;
using ::kube::api::core::v1::Pod;
using ::kube::api::testing::ClearEmptyStrings;
using kube::fuzzing::FuzzCheck;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  Pod plain;
  Pod ours;
  const bool plain_ok = plain.ParseFromArray(input.data(), static_cast<int>(input.size()));
  const bool ours_ok = kube::api::ParseWithoutEmptyStrings(input, &ours);
  FuzzCheck(plain_ok == ours_ok, "ParseWithoutEmptyStrings and ParseFromArray disagree on success",
            input);
  if (!ours_ok) return 0;
  const std::string encoded = ours.SerializeAsString();
  Pod cleared = ours;
  ClearEmptyStrings(&cleared);
  FuzzCheck(pb::util::MessageDifferencer::Equals(cleared, ours),
            "an empty omitempty string is left set", input, encoded);
  Pod again;
  FuzzCheck(kube::api::ParseWithoutEmptyStrings(encoded, &again) &&
                pb::util::MessageDifferencer::Equals(again, ours),
            "a parsed object does not read back to itself", input, encoded);
  return 0;
}
