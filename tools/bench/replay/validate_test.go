package main

import (
	"strings"
	"testing"

	"kubecpp.invalid/bench/internal/podgen"
)

func TestComparePodsSeesDifferences(t *testing.T) {
	p := podgen.Params{N: 10, Namespaces: 2, Seed: 1}
	want := p.Pod(3)
	same := want.DeepCopy()
	same.UID, same.ResourceVersion, same.ManagedFields = "other", "1", nil
	if d := comparePods(want, same); len(d) != 0 {
		t.Fatalf("server-set metadata should be ignored, got %v", d)
	}
	changed := want.DeepCopy()
	changed.Spec.Containers[1].Image = "other"
	changed.Labels["extra"] = "x"
	d := comparePods(want, changed)
	if len(d) != 2 || !strings.Contains(d[0], "labels.extra") || !strings.Contains(d[1], "spec.containers[1].image") {
		t.Fatalf("diffs: %v", d)
	}
}
