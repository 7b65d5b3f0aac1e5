package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"reflect"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"kubecpp.invalid/bench/internal/podgen"
	"kubecpp.invalid/bench/internal/wire"
)

// serverSetMetadata are the metadata fields the apiserver assigns itself on create; they are
// cleared before the create and excluded from the comparison.
var serverSetMetadata = []string{"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"}

// runValidation checks the generated data against a real kube-apiserver: in a fresh namespace
// it creates `count` generated pods (spec, labels, annotations, owner reference), writes their
// generated status through the status subresource, reads each back and requires it to equal the
// generated pod field for field, except the metadata the server assigns (serverSetMetadata).
// It also requires the bytes the replay server would send for the read-back pod (both wire
// formats) to decode to the same object. The namespace is deleted afterwards.
func runValidation(kubeconfig string, params podgen.Params, count int) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	cfg.UserAgent = "kubecpp-bench-replay-validate"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	version, err := cs.Discovery().ServerVersion()
	if err != nil {
		return fmt.Errorf("server version: %w", err)
	}
	nsName := fmt.Sprintf("kubecpp-bench-validate-%d", time.Now().UnixNano())
	if _, err := cs.CoreV1().Namespaces().Create(ctx,
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: nsName}}, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create namespace: %w", err)
	}
	defer func() {
		if err := cs.CoreV1().Namespaces().Delete(context.Background(), nsName, metav1.DeleteOptions{}); err != nil {
			log.Printf("delete namespace %s: %v", nsName, err)
		}
	}()
	log.Printf("validate: apiserver %s, namespace %s, %d pods", version.GitVersion, nsName, count)

	codec := wire.NewCodec()
	var failures []string
	for k := 0; k < count; k++ {
		i := k * max(1, params.N/max(count, 1))
		want := params.Pod(i)
		want.Namespace = nsName

		toCreate := want.DeepCopy()
		toCreate.UID, toCreate.ResourceVersion, toCreate.Generation = "", "", 0
		toCreate.CreationTimestamp = metav1.Time{}
		toCreate.ManagedFields = nil
		toCreate.Status = corev1.PodStatus{}
		created, err := cs.CoreV1().Pods(nsName).Create(ctx, toCreate, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("pod %d (%s): create: %w", i, want.Name, err)
		}
		created.Status = want.Status
		if _, err := cs.CoreV1().Pods(nsName).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("pod %d (%s): update status: %w", i, want.Name, err)
		}
		got, err := cs.CoreV1().Pods(nsName).Get(ctx, want.Name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("pod %d (%s): get: %w", i, want.Name, err)
		}
		diffs := comparePods(want, got)
		// The replay's encodings of what the apiserver returned decode to the same pod.
		for _, f := range wire.Formats {
			obj, _, err := codec.Decoder().Decode(codec.Object(f, got), nil, nil)
			if err != nil {
				diffs = append(diffs, fmt.Sprintf("%v: decode: %v", f, err))
				continue
			}
			back := obj.(*corev1.Pod)
			back.TypeMeta = got.TypeMeta
			if d := jsonDiff("", toJSON(got), toJSON(back)); len(d) > 0 {
				diffs = append(diffs, fmt.Sprintf("%v round trip: %s", f, strings.Join(d, "; ")))
			}
		}
		if len(diffs) > 0 {
			failures = append(failures, fmt.Sprintf("pod %d (%s): %s", i, want.Name, strings.Join(diffs, "; ")))
			continue
		}
		log.Printf("validate: pod %d %s: spec, labels, annotations, owner references and status read back equal", i, want.Name)
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d of %d pods differ:\n  %s", len(failures), count, strings.Join(failures, "\n  "))
	}
	log.Printf("validate: OK: %d generated pods accepted by %s and read back equal (server-set metadata excluded: %s)",
		count, version.GitVersion, strings.Join(serverSetMetadata, ", "))
	return nil
}

// comparePods compares everything but the server-set metadata, field by field.
func comparePods(want, got *corev1.Pod) []string {
	w, g := toJSON(want), toJSON(got)
	for _, m := range []map[string]any{w, g} {
		delete(m, "kind")
		delete(m, "apiVersion")
		if meta, ok := m["metadata"].(map[string]any); ok {
			for _, f := range serverSetMetadata {
				delete(meta, f)
			}
		}
	}
	return jsonDiff("", w, g)
}

func toJSON(v any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		panic(err)
	}
	return m
}

// jsonDiff lists the paths where two decoded JSON values differ.
func jsonDiff(path string, want, got any) []string {
	wm, wok := want.(map[string]any)
	gm, gok := got.(map[string]any)
	if wok && gok {
		keys := map[string]bool{}
		for k := range wm {
			keys[k] = true
		}
		for k := range gm {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		var out []string
		for _, k := range sorted {
			out = append(out, jsonDiff(path+"."+k, wm[k], gm[k])...)
		}
		return out
	}
	wl, wok := want.([]any)
	gl, gok := got.([]any)
	if wok && gok && len(wl) == len(gl) {
		var out []string
		for k := range wl {
			out = append(out, jsonDiff(fmt.Sprintf("%s[%d]", path, k), wl[k], gl[k])...)
		}
		return out
	}
	if reflect.DeepEqual(want, got) {
		return nil
	}
	return []string{fmt.Sprintf("%s: generated %s, apiserver %s", path, short(want), short(got))}
}

func short(v any) string {
	raw, _ := json.Marshal(v)
	if len(raw) > 160 {
		return string(raw[:160]) + "..."
	}
	return string(raw)
}
