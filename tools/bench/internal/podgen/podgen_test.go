package podgen

import (
	"encoding/json"
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
)

func TestDeterministicAndSized(t *testing.T) {
	p := Params{N: 1000, Namespaces: 10, Seed: 7}
	a, b := p.Pod(3), p.Pod(3)
	if !equality.Semantic.DeepEqual(a, b) {
		t.Fatal("same index, different pods")
	}
	total := 0
	names := map[string]bool{}
	for i := 0; i < p.N; i++ {
		pod := p.Pod(i)
		raw, err := json.Marshal(pod)
		if err != nil {
			t.Fatal(err)
		}
		total += len(raw)
		key := pod.Namespace + "/" + pod.Name
		if names[key] {
			t.Fatalf("duplicate key %s", key)
		}
		names[key] = true
	}
	avg := total / p.N
	t.Logf("average JSON size: %d bytes", avg)
	if avg < 3500 || avg > 5500 {
		t.Errorf("average JSON size %d, want about 4-5 KB", avg)
	}
}
