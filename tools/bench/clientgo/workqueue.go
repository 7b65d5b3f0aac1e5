package main

import (
	"fmt"
	"sync"
	"time"

	"k8s.io/client-go/util/workqueue"
)

// The work queue loops are workqueue/workqueue_benchmark.cc's, line for line (docs/benchmarks.md):
// keys "default/object-<i % distinct>", BM_AddGetDone over 4096 keys, BM_WorkerPool with
// 10,000 adds per batch and the queue and workers set up outside the timed part.

const batch = 10000

func makeKeys(count, distinct int) []string {
	keys := make([]string, count)
	for i := range keys {
		keys[i] = fmt.Sprintf("default/object-%d", i%distinct)
	}
	return keys
}

// runAddGetDone: one goroutine, Add(k); Get(); Done(k), cycles per second.
func runAddGetDone(o options) {
	keys := makeKeys(4096, 4096)
	q := workqueue.NewTyped[string]()
	defer q.ShutDown()
	start := time.Now()
	for i := 0; i < o.iterations; i++ {
		q.Add(keys[i%len(keys)])
		item, _ := q.Get()
		q.Done(item)
	}
	elapsed := time.Since(start)
	emit("wq_add_get_done", "cycles_per_sec", map[string]any{"iterations": o.iterations},
		float64(o.iterations)/elapsed.Seconds(), "cycles/s", "higher")
}

// runWorkerPool: W workers Get+Done while one producer Adds 10,000 keys, then ShutDown and
// join (workers drain what is pending); adds per second over --batches batches.
func runWorkerPool(o options) {
	keys := makeKeys(batch, o.distinct)
	var timed time.Duration
	var processed int64
	for b := 0; b < o.batches; b++ {
		q := workqueue.NewTyped[string]()
		counts := make([]int64, o.workers)
		var wg sync.WaitGroup
		for w := 0; w < o.workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for {
					item, shutdown := q.Get()
					if shutdown {
						return
					}
					counts[w]++
					q.Done(item)
				}
			}(w)
		}
		start := time.Now()
		for _, k := range keys {
			q.Add(k)
		}
		q.ShutDown()
		wg.Wait()
		timed += time.Since(start)
		for _, c := range counts {
			processed += c
		}
	}
	params := map[string]any{"workers": o.workers, "distinct": o.distinct, "batches": o.batches}
	adds := float64(o.batches * batch)
	emit("wq_worker_pool", "adds_per_sec", params, adds/timed.Seconds(), "adds/s", "higher")
	if o.distinct == batch && processed != int64(o.batches*batch) {
		fail("processed %d of %d distinct adds", processed, o.batches*batch)
	}
}
