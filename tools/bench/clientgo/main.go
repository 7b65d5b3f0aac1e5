// Command clientgo is the peer harness: the benchmark workloads run on client-go (pinned in
// go.mod), with the same parameters and the same output as kubecpp's //tools/bench:kubecpp_bench.
// One process runs one workload once; tools/bench/compare runs repetitions as separate processes
// (peak RSS is a per-process high-water mark) and takes medians.
//
//	clientgo --workload=sync  --kubeconfig=DIR/kubeconfig --n=10000 --events=20000 --wire=json
//	clientgo --workload=store --kubeconfig=DIR/kubeconfig --n=100000 --lookups=1000000
//	clientgo --workload=wq_add_get_done --iterations=2000000
//	clientgo --workload=wq_worker_pool --workers=4 --distinct=10000 --batches=100
//
// Output: one JSON object per line and metric:
//
//	{"impl":"client-go","workload":"sync","metric":"wall_time","params":{...},"value":812.4,"unit":"ms","better":"lower"}
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
)

// row is one output line. The C++ binary prints the same shape.
type row struct {
	Impl     string         `json:"impl"`
	Workload string         `json:"workload"`
	Metric   string         `json:"metric"`
	Params   map[string]any `json:"params"`
	Value    *float64       `json:"value"`
	Unit     string         `json:"unit"`
	Better   string         `json:"better"`
	Status   string         `json:"status,omitempty"`
}

func emit(workload, metric string, params map[string]any, value float64, unit, better string) {
	v := value
	line, err := json.Marshal(row{Impl: "client-go", Workload: workload, Metric: metric, Params: params,
		Value: &v, Unit: unit, Better: better})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(line))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "clientgo: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	var o options
	flag.StringVar(&o.workload, "workload", "", "sync | store | wq_add_get_done | wq_worker_pool")
	flag.StringVar(&o.kubeconfig, "server-kubeconfig", "", "kubeconfig of the replay server (sync, store)")
	flag.StringVar(&o.kubeconfig, "kubeconfig", "", "alias of --server-kubeconfig")
	flag.IntVar(&o.n, "n", 10000, "pods the replay server serves (must match its -n)")
	flag.IntVar(&o.events, "events", 0, "MODIFIED events to wait for after sync (must match the server's -events; 0: skip)")
	flag.StringVar(&o.wire, "wire", "json", "json | protobuf")
	flag.StringVar(&o.listMode, "list-mode", "list", "list (paged LIST then WATCH; WatchListClient off) | watchlist (streaming list)")
	flag.IntVar(&o.lookups, "lookups", 1000000, "store: timed Get calls")
	flag.IntVar(&o.indexCalls, "index-calls", 100000, "store: timed ByIndex calls")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the random keys and namespaces looked up")
	flag.IntVar(&o.iterations, "iterations", 2000000, "wq_add_get_done: cycles")
	flag.IntVar(&o.workers, "workers", 1, "wq_worker_pool: workers")
	flag.IntVar(&o.distinct, "distinct", 10000, "wq_worker_pool: distinct keys among the 10,000 adds of a batch")
	flag.IntVar(&o.batches, "batches", 100, "wq_worker_pool: batches of 10,000 adds")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fail("%v", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail("%v", err)
		}
		defer pprof.StopCPUProfile()
	}

	switch o.workload {
	case "sync":
		runSync(o)
	case "store":
		runStore(o)
	case "wq_add_get_done":
		runAddGetDone(o)
	case "wq_worker_pool":
		runWorkerPool(o)
	default:
		fail("unknown --workload %q", o.workload)
	}
	pprof.StopCPUProfile()
}

type options struct {
	workload, kubeconfig, wire, listMode string
	n, events, lookups, indexCalls       int
	seed                                 uint64
	iterations, workers, distinct        int
	batches                              int
}

// percentile of sorted values, nearest rank.
func percentile(sorted []int64, p float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	k := int(p*float64(len(sorted))+0.5) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

func sortInt64(v []int64) { sort.Slice(v, func(a, b int) bool { return v[a] < v[b] }) }
