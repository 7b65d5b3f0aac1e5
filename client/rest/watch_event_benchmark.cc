// Throughput of watch decoding (framing + event cutting), JSON and protobuf, in 16 KiB chunks
// as the transport delivers them. Run: bazel run -c opt //client/rest:watch_event_benchmark
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "client/rest/internal/proto_wire_testing.h"
#include "client/rest/watch_event.h"

namespace kube::rest {
namespace {

using internal::testing::BytesField;
using internal::testing::Envelope;
using internal::testing::Frame;

std::string JsonStream(int events) {
  std::string body;
  for (int i = 0; i < events; ++i) {
    absl::StrAppend(&body, R"({"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1",)",
                    R"("metadata":{"name":"cm-)", i,
                    R"(","namespace":"default","resourceVersion":")", 1000 + i,
                    R"(","labels":{"app":"web","tier":"frontend"}},"data":{"config":")",
                    std::string(600, 'x'), R"(","escaped":"a \"quoted\" {brace}"}}})", "\n");
  }
  return body;
}

std::string ProtoStream(int events) {
  std::string body;
  const std::string object = Envelope("v1", "ConfigMap", BytesField(1, std::string(700, 'y')));
  for (int i = 0; i < events; ++i) {
    body += Frame(BytesField(1, "MODIFIED") + BytesField(2, BytesField(1, object)));
  }
  return body;
}

void Decode(benchmark::State& state, WireEncoding encoding, const std::string& body) {
  constexpr size_t kChunk = 16 << 10;
  for (auto _ : state) {
    WatchEventDecoder decoder(encoding);
    size_t events = 0;
    for (size_t i = 0; i < body.size(); i += kChunk) {
      absl::Status s = decoder.Feed(absl::string_view(body).substr(i, kChunk), [&](WatchEvent e) {
        benchmark::DoNotOptimize(e.object.data());
        ++events;
        return absl::OkStatus();
      });
      if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
    }
    benchmark::DoNotOptimize(events);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void BM_JsonWatchDecode(benchmark::State& state) {
  static const std::string body = JsonStream(2000);
  Decode(state, WireEncoding::kJson, body);
}
BENCHMARK(BM_JsonWatchDecode);

void BM_ProtobufWatchDecode(benchmark::State& state) {
  static const std::string body = ProtoStream(2000);
  Decode(state, WireEncoding::kProtobuf, body);
}
BENCHMARK(BM_ProtobufWatchDecode);

}  // namespace
}  // namespace kube::rest
