// Fuzz-style robustness tests of the codecs: thousands of deterministic mutations of valid
// bodies (bit flips, cuts, splices, inserted bytes) must each decode or fail with a clear
// status, never crash, hang or throw. Bounded, so they run in every `bazel test`.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/api/builtin_kinds.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/json_codec.h"
#include "client/api/json_format.h"
#include "client/api/meta/v1/options.pb.h"
#include "client/api/protobuf_codec.h"
#include "client/api/protobuf_envelope.h"
#include "client/api/testing/sample_objects.h"
#include "gtest/gtest.h"

namespace kube::api {
namespace {

namespace core = ::kube::api::core::v1;

constexpr int kIterations = 3000;

// Mutate applies one to four random edits.
std::string Mutate(const std::string& input, std::mt19937& rng) {
  std::string out = input;
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t size = out.size();
    size_t at = size == 0 ? 0 : rng() % size;
    switch (rng() % 6) {
      case 0:  // flip a bit
        if (size > 0) out[at] = static_cast<char>(out[at] ^ (1u << (rng() % 8)));
        break;
      case 1:  // set a random byte
        if (size > 0) out[at] = static_cast<char>(rng() & 0xff);
        break;
      case 2:  // truncate
        out.resize(at);
        break;
      case 3: {  // delete a range
        size_t length = std::min<size_t>(size - at, rng() % 16);
        out.erase(at, length);
        break;
      }
      case 4: {  // insert random bytes
        std::string junk(1 + rng() % 8, '\0');
        for (char& c : junk) c = static_cast<char>(rng() & 0xff);
        out.insert(at, junk);
        break;
      }
      case 5: {  // duplicate a slice elsewhere
        if (size == 0) break;
        size_t from = rng() % size;
        size_t length = std::min<size_t>(size - from, 1 + rng() % 32);
        out.insert(at, out.substr(from, length));
        break;
      }
    }
  }
  return out;
}

bool ExpectedFailure(const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument ||
         status.code() == absl::StatusCode::kNotFound ||
         status.code() == absl::StatusCode::kUnimplemented;
}

TEST(CodecFuzzTest, MutatedProtobufBodiesNeverCrash) {
  ProtobufCodec codec(DefaultRegistry());
  core::PodList list;
  *list.add_items() = testing::RichPod("ns", "a");
  *list.add_items() = testing::RichPod("ns", "b");
  std::vector<std::string> seeds = {*codec.Encode(testing::RichPod("ns", "p")),
                                    *codec.Encode(list)};
  std::mt19937 rng(20240102);
  int decoded = 0;
  for (int i = 0; i < kIterations; ++i) {
    std::string body = Mutate(seeds[i % seeds.size()], rng);
    absl::StatusOr<DecodedObject> object = codec.Decode(body);
    if (object.ok()) {
      ++decoded;
      // Whatever decoded must encode again.
      EXPECT_TRUE(codec.Encode(*object->message).ok());
    } else {
      EXPECT_TRUE(ExpectedFailure(object.status())) << object.status();
    }
    core::Pod pod;
    absl::Status status = codec.DecodeInto(body, &pod);
    if (!status.ok()) {
      EXPECT_TRUE(ExpectedFailure(status)) << status;
    }
  }
  // Mutations are not all fatal: protobuf is forgiving where bytes happen to stay well-formed.
  EXPECT_GT(decoded, 0);
  EXPECT_LT(decoded, kIterations);
}

TEST(CodecFuzzTest, MutatedWatchFramesNeverCrash) {
  ProtobufCodec codec(DefaultRegistry());
  meta::v1::WatchEvent event;
  event.set_type("ADDED");
  event.mutable_object()->set_raw(*codec.Encode(testing::RichPod("ns", "p")));
  std::string seed = event.SerializeAsString();
  std::mt19937 rng(7);
  for (int i = 0; i < kIterations; ++i) {
    absl::StatusOr<DecodedWatchEvent> decoded = codec.DecodeWatchEvent(Mutate(seed, rng));
    if (!decoded.ok()) {
      EXPECT_TRUE(ExpectedFailure(decoded.status())) << decoded.status();
    }
  }
}

TEST(CodecFuzzTest, MutatedJsonNeverCrashes) {
  JsonCodec codec(DefaultRegistry());
  std::string seed = *codec.Encode(testing::RichPod("ns", "p"));
  std::mt19937 rng(99);
  int decoded = 0;
  for (int i = 0; i < kIterations; ++i) {
    std::string body = Mutate(seed, rng);
    core::Pod pod;
    absl::Status status = JsonToMessage(body, &pod);
    if (status.ok()) {
      ++decoded;
      EXPECT_TRUE(MessageToJson(pod).ok());
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
      EXPECT_FALSE(status.message().empty());
    }
    absl::StatusOr<DecodedObject> object = codec.Decode(body);
    if (!object.ok()) {
      EXPECT_TRUE(ExpectedFailure(object.status())) << object.status();
    }
    absl::StatusOr<DecodedWatchEvent> event =
        codec.DecodeWatchEvent(absl::StrCat(R"({"type":"ADDED","object":)", body, "}"));
    if (!event.ok()) {
      EXPECT_TRUE(ExpectedFailure(event.status())) << event.status();
    }
  }
  EXPECT_GT(decoded, 0);
}

TEST(CodecFuzzTest, TypeConfusedJsonIsRejectedCleanly) {
  // Every member of a pod replaced by values of every JSON type.
  const char* values[] = {"null",  "true", "0",   "-1", "1.5",       "1e400",
                          "\"s\"", "[]",   "[1]", "{}", "{\"a\":1}", "18446744073709551616"};
  const char* paths[] = {
      "{\"metadata\":%s}",
      "{\"metadata\":{\"labels\":%s}}",
      "{\"metadata\":{\"creationTimestamp\":%s}}",
      "{\"spec\":{\"containers\":%s}}",
      "{\"spec\":{\"containers\":[%s]}}",
      "{\"spec\":{\"containers\":[{\"ports\":[{\"containerPort\":%s}]}]}}",
      "{\"spec\":{\"volumes\":[{\"configMap\":%s}]}}",
      "{\"spec\":{\"overhead\":{\"cpu\":%s}}}",
      "{\"spec\":{\"containers\":[{\"livenessProbe\":{\"httpGet\":{\"port\":%s}}}]}}",
      "{\"metadata\":{\"managedFields\":[{\"fieldsV1\":%s}]}}",
      "{\"spec\":{\"hostNetwork\":%s}}"};
  for (const char* path : paths) {
    for (const char* value : values) {
      std::string body(path);
      body.replace(body.find("%s"), 2, value);
      core::Pod pod;
      absl::Status status = JsonToMessage(body, &pod);
      if (!status.ok()) {
        EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << body;
      }
    }
  }
}

TEST(CodecFuzzTest, RandomBytesNeverCrash) {
  ProtobufCodec protobuf(DefaultRegistry());
  JsonCodec json(DefaultRegistry());
  std::mt19937 rng(1);
  for (int i = 0; i < kIterations; ++i) {
    std::string bytes(rng() % 256, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
    if (i % 2 == 0) bytes.insert(0, std::string(kProtobufMagic));
    EXPECT_FALSE(protobuf.Decode(bytes).ok() && json.Decode(bytes).ok());
    core::Pod pod;
    (void)protobuf.DecodeInto(bytes, &pod);
    (void)json.DecodeInto(bytes, &pod);
    (void)protobuf.DecodeWatchEvent(bytes);
    (void)json.DecodeWatchEvent(bytes);
  }
}

}  // namespace
}  // namespace kube::api
