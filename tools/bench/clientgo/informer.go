package main

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	_ "unsafe" // go:linkname

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"

	clientfeatures "k8s.io/client-go/features"
)

// nanotime is the runtime's monotonic clock (one vDSO clock_gettime), cheaper than time.Now
// (which also reads the wall clock) for timing single calls.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

// procStatus reads VmHWM and VmRSS (bytes) from /proc/self/status.
func procStatus() (hwm, rss int64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		fail("%v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmHWM:":
			hwm = kb * 1024
		case "VmRSS:":
			rss = kb * 1024
		}
	}
	return hwm, rss
}

// restConfig is the client as the benchmark configures it, identically on both sides: the wire
// format asked for, no response compression (both clients must read the same bytes), and no
// client-side rate limit (a paged LIST of 100k pods is 200 requests; client-go's default 5 QPS
// would measure the limiter).
func restConfig(o options) *rest.Config {
	if o.kubeconfig == "" {
		fail("--server-kubeconfig is required for %s", o.workload)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		fail("%v", err)
	}
	switch o.wire {
	case "json":
		cfg.ContentType = "application/json"
	case "protobuf":
		cfg.ContentType = "application/vnd.kubernetes.protobuf"
	default:
		fail("--wire must be json or protobuf")
	}
	cfg.AcceptContentTypes = cfg.ContentType
	cfg.DisableCompression = true
	cfg.QPS = -1
	cfg.UserAgent = "kubecpp-bench-clientgo"
	return cfg
}

// setListMode chooses between a paged LIST + WATCH and the streaming list (WatchList) through
// the documented feature-gate environment variable, before anything reads the gates.
func setListMode(mode string) {
	want := false
	switch mode {
	case "list":
	case "watchlist":
		want = true
	default:
		fail("--list-mode must be list or watchlist")
	}
	os.Setenv("KUBE_FEATURE_WatchListClient", strconv.FormatBool(want))
	if got := clientfeatures.FeatureGates().Enabled(clientfeatures.WatchListClient); got != want {
		fail("WatchListClient is %v, wanted %v", got, want)
	}
}

type synced struct {
	cs       *kubernetes.Clientset
	informer cache.SharedIndexInformer
	updates  atomic.Int64
	allDone  chan struct{} // closed when the handler has seen --events updates
	cancel   context.CancelFunc
}

// startAndSync starts a pod informer (the factory's, with the namespace index) with one
// counting handler, and returns once HasSynced. Reports nothing itself.
func startAndSync(o options) (*synced, time.Duration) {
	setListMode(o.listMode)
	cfg := restConfig(o)
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		fail("%v", err)
	}
	s := &synced{cs: cs, allDone: make(chan struct{})}
	factory := informers.NewSharedInformerFactory(cs, 0)
	s.informer = factory.Core().V1().Pods().Informer()
	want := int64(o.events)
	if _, err := s.informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) {},
		UpdateFunc: func(oldObj, newObj any) {
			if s.updates.Add(1) == want {
				close(s.allDone)
			}
		},
	}); err != nil {
		fail("%v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel

	start := time.Now()
	go s.informer.RunWithContext(ctx)
	select {
	case <-s.informer.HasSyncedChecker().Done():
	case <-time.After(10 * time.Minute):
		fail("no sync within 10 minutes")
	}
	wall := time.Since(start)
	if got := len(s.informer.GetIndexer().ListKeys()); got != o.n {
		fail("synced %d pods, expected --n=%d (does the server serve -n %d?)", got, o.n, o.n)
	}
	return s, wall
}

func (s *synced) release(ctx context.Context) {
	if err := s.cs.CoreV1().RESTClient().Post().AbsPath("/bench/release").Do(ctx).Error(); err != nil {
		fail("POST /bench/release: %v", err)
	}
}

// runSync: (a) initial sync of N pods: wall time until HasSynced, peak RSS, steady heap and RSS
// per cached pod; (b) then --events MODIFIED events through the informer to one handler.
func runSync(o options) {
	params := map[string]any{"n": o.n, "wire": o.wire, "list_mode": o.listMode}
	runtime.GC()
	debug.FreeOSMemory()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	_, rssBefore := procStatus()

	s, wall := startAndSync(o)

	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	hwm, _ := procStatus()
	debug.FreeOSMemory()
	_, rssAfter := procStatus()
	emit("sync", "wall_time", params, float64(wall.Microseconds())/1000, "ms", "lower")
	emit("sync", "peak_rss", params, float64(hwm)/(1<<20), "MiB", "lower")
	emit("sync", "heap_per_pod", params, float64(int64(after.HeapInuse)-int64(before.HeapInuse))/float64(o.n), "bytes", "lower")
	emit("sync", "rss_per_pod", params, float64(rssAfter-rssBefore)/float64(o.n), "bytes", "lower")

	if o.events > 0 {
		ctx := context.Background()
		start := time.Now()
		s.release(ctx)
		select {
		case <-s.allDone:
		case <-time.After(10 * time.Minute):
			fail("saw %d of %d updates within 10 minutes", s.updates.Load(), o.events)
		}
		elapsed := time.Since(start)
		ep := map[string]any{"n": o.n, "events": o.events, "wire": o.wire, "list_mode": o.listMode}
		emit("watch", "events_per_sec", ep, float64(o.events)/elapsed.Seconds(), "events/s", "higher")
	}
	s.cancel()
}

// runStore: (c) on a synced store: Get by key at random, p50 and p99 of single calls; ByIndex
// of one random namespace (N/namespaces pods each), mean time per call.
func runStore(o options) {
	s, _ := startAndSync(o)
	defer s.cancel()
	indexer := s.informer.GetIndexer()
	keys := indexer.ListKeys()
	namespaces := map[string]bool{}
	for _, k := range keys {
		namespaces[k[:strings.IndexByte(k, '/')]] = true
	}
	nsList := make([]string, 0, len(namespaces))
	for ns := range namespaces {
		nsList = append(nsList, ns)
	}
	r := rand.New(rand.NewPCG(o.seed, 0))
	params := map[string]any{"n": o.n, "namespaces": len(nsList)}

	// Get: a warm-up pass, then each call timed on its own.
	lookups := make([]string, o.lookups)
	for i := range lookups {
		lookups[i] = keys[r.IntN(len(keys))]
	}
	var found int
	for _, k := range lookups[:min(len(lookups), 10000)] {
		if _, ok, _ := indexer.GetByKey(k); ok {
			found++
		}
	}
	lat := make([]int64, len(lookups))
	for i, k := range lookups {
		t0 := nanotime()
		obj, ok, _ := indexer.GetByKey(k)
		lat[i] = nanotime() - t0
		if ok && obj.(*corev1.Pod) != nil {
			found++
		}
	}
	if found != len(lookups)+min(len(lookups), 10000) {
		fail("some keys were not found")
	}
	sortInt64(lat)
	emit("store", "get_p50", params, float64(percentile(lat, 0.50)), "ns", "lower")
	emit("store", "get_p99", params, float64(percentile(lat, 0.99)), "ns", "lower")

	// ByIndex: mean over many calls, each returning every pod of one namespace.
	pick := make([]string, o.indexCalls)
	for i := range pick {
		pick[i] = nsList[r.IntN(len(nsList))]
	}
	total := 0
	t0 := nanotime()
	for _, ns := range pick {
		items, err := indexer.ByIndex(cache.NamespaceIndex, ns)
		if err != nil {
			fail("%v", err)
		}
		total += len(items)
	}
	elapsed := nanotime() - t0
	ip := map[string]any{"n": o.n, "namespaces": len(nsList), "per_namespace": total / max(len(pick), 1)}
	emit("store", "byindex", ip, float64(elapsed)/float64(len(pick)), "ns/call", "lower")
}
