package main

import (
	"log"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"kubecpp.invalid/bench/internal/podgen"
	"kubecpp.invalid/bench/internal/wire"
)

// run is a contiguous buffer of encoded records with the offset of each: record k is
// buf[off[k]:off[k+1]], and any run of consecutive records is one slice, written with no copy.
type run struct {
	buf []byte
	off []int
}

func (r *run) span(a, b int) []byte { return r.buf[r.off[a]:r.off[b]] }

func newRun(records [][]byte) run {
	total := 0
	for _, rec := range records {
		total += len(rec)
	}
	r := run{buf: make([]byte, 0, total), off: make([]int, 0, len(records)+1)}
	for _, rec := range records {
		r.off = append(r.off, len(r.buf))
		r.buf = append(r.buf, rec...)
	}
	r.off = append(r.off, len(r.buf))
	return r
}

// encoded holds everything the server sends in one wire format, encoded before serving.
type encoded struct {
	items   run // LIST items (wire.Item), in key order
	events  run // the MODIFIED watch frames, in resourceVersion order
	initial run // ADDED watch frames in key order (sendInitialEvents and RV="0" watches); may be empty
}

// dataset is the population: pods in key order (namespace/name, as etcd and the watch cache
// return them), the events that modify them, and their encodings.
type dataset struct {
	params podgen.Params
	events int
	listRV int64
	keys   []string          // sorted
	order  []int             // order[pos] is the generation index of the pod at keys[pos]
	nsSpan map[string][2]int // namespace -> [first, last+1) in keys
	// eventNS[e] is the namespace of the pod event e modifies (for namespaced watches).
	eventNS []string
	enc     [2]encoded
	codec   *wire.Codec
}

// parallel runs fn(i) for i in [0, n) on every core.
func parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				fn(i)
			}
		}(w)
	}
	wg.Wait()
}

// eventPod is the pod watch event e modifies: events walk the population in a fixed
// pseudo-random order, so consecutive events hit different namespaces.
func eventPod(e, n int) int { return int((uint64(e)*2654435761 + 17) % uint64(n)) }

func buildDataset(params podgen.Params, events int, formats []wire.Format, initialEvents bool) *dataset {
	start := time.Now()
	d := &dataset{params: params, events: events, listRV: params.ListResourceVersion(), codec: wire.NewCodec(),
		nsSpan: map[string][2]int{}}
	n := params.N

	// Keys and key order.
	keys := make([]string, n)
	parallel(n, func(i int) { keys[i] = params.Key(i) })
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })
	d.order = order
	d.keys = make([]string, n)
	for pos, i := range order {
		d.keys[pos] = keys[i]
	}
	for pos, key := range d.keys {
		ns := key[:indexByte(key, '/')]
		span, ok := d.nsSpan[ns]
		if !ok {
			span[0] = pos
		}
		span[1] = pos + 1
		d.nsSpan[ns] = span
	}

	// Items and initial events, in key order.
	items := [2][][]byte{make([][]byte, n), make([][]byte, n)}
	initial := [2][][]byte{make([][]byte, n), make([][]byte, n)}
	parallel(n, func(pos int) {
		pod := params.Pod(order[pos])
		for _, f := range formats {
			items[f][pos] = wire.Item(f, pod)
			if initialEvents {
				initial[f][pos] = d.codec.WatchFrame(f, string(watch.Added), pod)
			}
		}
	})
	for _, f := range formats {
		d.enc[f].items = newRun(items[f])
		items[f] = nil
		if initialEvents {
			d.enc[f].initial = newRun(initial[f])
			initial[f] = nil
		}
	}

	// Watch events.
	d.eventNS = make([]string, events)
	frames := [2][][]byte{make([][]byte, events), make([][]byte, events)}
	parallel(events, func(e int) {
		pod := params.Modified(eventPod(e, n), e)
		d.eventNS[e] = pod.Namespace
		for _, f := range formats {
			frames[f][e] = d.codec.WatchFrame(f, string(watch.Modified), pod)
		}
	})
	for _, f := range formats {
		d.enc[f].events = newRun(frames[f])
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	for _, f := range formats {
		e := &d.enc[f]
		log.Printf("replay: %v: LIST items %d bytes (%.0f per pod), %d watch events %d bytes, initial events %d bytes",
			f, len(e.items.buf), float64(len(e.items.buf))/float64(max(n, 1)), events, len(e.events.buf), len(e.initial.buf))
	}
	log.Printf("replay: encoded %d pods and %d events in %v (heap %d MiB)", n, events,
		time.Since(start).Round(time.Millisecond), ms.HeapInuse>>20)
	return d
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// bookmark is a BOOKMARK frame at resourceVersion rv; initialEnd marks the end of a watch's
// initial events (k8s.io/initial-events-end), as the apiserver does for sendInitialEvents=true.
func (d *dataset) bookmark(f wire.Format, rv int64, initialEnd bool) []byte {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{ResourceVersion: strconv.FormatInt(rv, 10)}}
	if initialEnd {
		pod.Annotations = map[string]string{metav1.InitialEventsAnnotationKey: "true"}
	}
	return d.codec.WatchFrame(f, string(watch.Bookmark), pod)
}

// errorFrame is an ERROR watch event carrying a Status, e.g. 410 Expired.
func (d *dataset) errorFrame(f wire.Format, status *metav1.Status) []byte {
	return d.codec.WatchFrame(f, string(watch.Error), status)
}
