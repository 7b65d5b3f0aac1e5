// ParseWithoutEmptyStrings against protobuf's own parse, on a pod as the apiserver encodes it
// (every omitempty string written, empty or not), each decoded onto a fresh arena as the
// informer does. Run: bazel run -c opt //client/api:protobuf_parse_benchmark
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/protobuf_parse.h"
#include "client/api/testing/empty_strings.h"
#include "client/api/testing/sample_objects.h"
#include "google/protobuf/arena.h"

namespace kube::api {
namespace {

namespace pb = ::google::protobuf;

const std::string& Wire() {
  static const std::string* const wire = [] {
    core::v1::Pod pod = testing::RichPod("team-a", "api-7d9c8b6f5-x2x9q");
    testing::SetEmptyStrings(&pod, /*keep_zero_too=*/false);  // as the apiserver sends it
    return new std::string(pod.SerializeAsString());
  }();
  return *wire;
}

template <typename Parse>
void Run(benchmark::State& state, Parse parse) {
  const std::string& wire = Wire();
  std::vector<char> block(64 * 1024);
  for (auto _ : state) {
    pb::ArenaOptions options;
    options.initial_block = block.data();
    options.initial_block_size = block.size();
    pb::Arena arena(options);
    auto* pod = pb::Arena::CreateMessage<core::v1::Pod>(&arena);
    benchmark::DoNotOptimize(parse(wire, pod));
    state.counters["arena_bytes"] = static_cast<double>(arena.SpaceUsed());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(wire.size()));
}

void BM_ParseFromArray(benchmark::State& state) {
  Run(state, [](const std::string& wire, core::v1::Pod* pod) {
    return pod->ParseFromArray(wire.data(), static_cast<int>(wire.size()));
  });
}
BENCHMARK(BM_ParseFromArray);

void BM_ParseWithoutEmptyStrings(benchmark::State& state) {
  Run(state, [](const std::string& wire, core::v1::Pod* pod) {
    return ParseWithoutEmptyStrings(wire, pod);
  });
}
BENCHMARK(BM_ParseWithoutEmptyStrings);

}  // namespace
}  // namespace kube::api
