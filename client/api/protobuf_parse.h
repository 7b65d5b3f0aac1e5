// kube::api::ParseWithoutEmptyStrings — parse a Kubernetes protobuf object so that empty string
// fields are absent, as they are when the same object is read from JSON.
//
// Why: the apiserver's protobuf encoder writes every non-pointer string field of a Go struct,
// empty or not (Go strings have no presence), and protobuf C++ turns each occurrence into a
// std::string on the message's arena plus an arena cleanup node: 48 bytes for nothing. A bench
// pod carries 29 of them (a condition's empty reason and message, a port's hostIP, ...), 8% of
// its cached memory (docs/benchmarks.md, "Findings"). The same object read from JSON (where such
// fields are omitted) had them unset: has_reason() depended on the wire format.
//
// What it does: before parsing, it copies the encoded message without the occurrences of
// singular string and bytes fields whose length is 0, in every nested message, rewriting the
// enclosing messages' lengths (with varints as wide as the original ones, so nothing moves).
// The result equals protobuf's own parse of those bytes with the empty occurrences removed:
// an absent field reads as "", exactly as an empty one. Only fields that JSON omits when empty
// are dropped, so both wires give the same object: fields marked json_keep_zero (Go pointers
// such as a gRPC probe's `service`, and fields without omitempty, which JSON writes as "") keep
// their empty value. Left as they are too: elements of repeated fields (an empty element is a
// value), members of a oneof (setting one selects it), map keys and values (entries are rebuilt
// whole either way), unknown fields. Input this rewrite does not
// understand (groups, malformed or truncated bytes, a tag past 32 bits, nesting deeper than 64)
// is parsed as given and the same empty strings are cleared afterwards: the same object, without
// the memory saving. Errors are protobuf's own: the result is false exactly when
// ParseFromArray's would be. When no empty field is found, the original bytes are parsed.
//
// Thread-safety: reentrant; the per-type plans are built once per message type, under a lock,
// and kept for the life of the process.
#ifndef KUBECPP_CLIENT_API_PROTOBUF_PARSE_H_
#define KUBECPP_CLIENT_API_PROTOBUF_PARSE_H_

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace kube::api {

// ParseWithoutEmptyStrings parses `wire` (the message's encoding, no envelope) into `message`
// (cleared first, as ParseFromArray does). False when the bytes are not a valid `message`.
bool ParseWithoutEmptyStrings(absl::string_view wire, google::protobuf::Message* message);

}  // namespace kube::api

#endif  // KUBECPP_CLIENT_API_PROTOBUF_PARSE_H_
