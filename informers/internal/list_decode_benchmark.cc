// LIST body decode, whole versus streamed, for a page of 500 realistic pods (RichPod, ~3 KB of
// JSON each) in both wires: what the streamed decoders cost in CPU for not holding the list.
// Run by hand: bazel run -c opt //informers:list_decode_benchmark
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "client/api/builtin_kinds.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/json_codec.h"
#include "client/api/protobuf_codec.h"
#include "client/api/testing/sample_objects.h"
#include "informers/internal/json_list_stream.h"
#include "informers/internal/proto_list_stream.h"

namespace kube::informers::internal {
namespace {

using api::core::v1::Pod;
using api::core::v1::PodList;

constexpr int kPods = 500;
constexpr size_t kChunk = 16384;

PodList Page() {
  PodList list;
  list.mutable_metadata()->set_resourceversion("123456789");
  list.mutable_metadata()->set_continue_("eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ");
  for (int i = 0; i < kPods; ++i) {
    *list.add_items() = api::testing::RichPod("production", absl::StrCat("web-", i));
  }
  return list;
}

const std::string& Body(bool json) {
  static const std::string* json_body = [] {
    return new std::string(*api::JsonCodec(api::DefaultRegistry()).Encode(Page()));
  }();
  static const std::string* proto_body = [] {
    return new std::string(*api::ProtobufCodec(api::DefaultRegistry()).Encode(Page()));
  }();
  return json ? *json_body : *proto_body;
}

void BM_JsonWhole(benchmark::State& state) {
  const std::string& body = Body(true);
  api::JsonCodec codec(api::DefaultRegistry());
  for (auto _ : state) {
    PodList list;
    if (!codec.DecodeInto(body, &list).ok()) state.SkipWithError("decode");
    benchmark::DoNotOptimize(list);
  }
  state.SetBytesProcessed(state.iterations() * body.size());
}
BENCHMARK(BM_JsonWhole);

void BM_JsonStreamed(benchmark::State& state) {
  const std::string& body = Body(true);
  api::JsonCodec codec(api::DefaultRegistry());
  for (auto _ : state) {
    int n = 0;
    JsonListStreamDecoder d(nullptr, [&](absl::string_view item) {
      auto pod = std::make_unique<Pod>();
      ++n;
      return codec.DecodeInto(item, pod.get());
    });
    for (size_t at = 0; at < body.size(); at += kChunk) {
      if (!d.Feed(absl::string_view(body).substr(at, kChunk)).ok()) state.SkipWithError("feed");
    }
    if (!d.Finish().ok() || n != kPods) state.SkipWithError("finish");
  }
  state.SetBytesProcessed(state.iterations() * body.size());
}
BENCHMARK(BM_JsonStreamed);

// The decoder alone: framing and validation, items not decoded.
void BM_JsonStreamedFramingOnly(benchmark::State& state) {
  const std::string& body = Body(true);
  for (auto _ : state) {
    JsonListStreamDecoder d(nullptr, [](absl::string_view) { return absl::OkStatus(); });
    for (size_t at = 0; at < body.size(); at += kChunk) {
      if (!d.Feed(absl::string_view(body).substr(at, kChunk)).ok()) state.SkipWithError("feed");
    }
    if (!d.Finish().ok()) state.SkipWithError("finish");
  }
  state.SetBytesProcessed(state.iterations() * body.size());
}
BENCHMARK(BM_JsonStreamedFramingOnly);

void BM_ProtobufWhole(benchmark::State& state) {
  const std::string& body = Body(false);
  api::ProtobufCodec codec(api::DefaultRegistry());
  for (auto _ : state) {
    PodList list;
    if (!codec.DecodeInto(body, &list).ok()) state.SkipWithError("decode");
    benchmark::DoNotOptimize(list);
  }
  state.SetBytesProcessed(state.iterations() * body.size());
}
BENCHMARK(BM_ProtobufWhole);

void BM_ProtobufStreamed(benchmark::State& state) {
  const std::string& body = Body(false);
  for (auto _ : state) {
    int n = 0;
    ProtoListStreamDecoder d(nullptr, [&](absl::string_view item) {
      auto pod = std::make_unique<Pod>();
      ++n;
      return pod->ParseFromArray(item.data(), static_cast<int>(item.size()))
                 ? absl::OkStatus()
                 : absl::InvalidArgumentError("pod");
    });
    for (size_t at = 0; at < body.size(); at += kChunk) {
      if (!d.Feed(absl::string_view(body).substr(at, kChunk)).ok()) state.SkipWithError("feed");
    }
    if (!d.Finish().ok() || n != kPods) state.SkipWithError("finish");
  }
  state.SetBytesProcessed(state.iterations() * body.size());
}
BENCHMARK(BM_ProtobufStreamed);

}  // namespace
}  // namespace kube::informers::internal
