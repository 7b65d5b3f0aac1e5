package wire

import (
	"bytes"
	"io"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/runtime/serializer/streaming"
	"k8s.io/apimachinery/pkg/watch"
	restwatch "k8s.io/client-go/rest/watch"

	"kubecpp.invalid/bench/internal/podgen"
)

func pods(n int) []*corev1.Pod {
	p := podgen.Params{N: n, Namespaces: 3, Seed: 42}
	out := make([]*corev1.Pod, n)
	for i := range out {
		out[i] = p.Pod(i)
	}
	return out
}

// TestSplicedPagesEqualSerializer: every page the replay server assembles from pre-encoded
// items is byte for byte what the serializer writes for the same PodList.
func TestSplicedPagesEqualSerializer(t *testing.T) {
	c := NewCodec()
	all := pods(7)
	metas := []metav1.ListMeta{
		{ResourceVersion: "10007"},
		{ResourceVersion: "10007", Continue: "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", RemainingItemCount: ptr(int64(4))},
	}
	for _, f := range Formats {
		for _, meta := range metas {
			for _, n := range []int{0, 1, 3, 7} {
				list := &corev1.PodList{ListMeta: meta, Items: []corev1.Pod{}}
				var items []byte
				for _, pod := range all[:n] {
					list.Items = append(list.Items, *pod)
					items = append(items, Item(f, pod)...)
				}
				head, body, tail := ListPage(f, meta, items)
				got := append(append(append([]byte{}, head...), body...), tail...)
				want := c.List(f, list)
				if !bytes.Equal(got, want) {
					t.Fatalf("%v, %d items, meta %+v: spliced page differs from the serializer\n got: %q\nwant: %q",
						f, n, meta, trunc(got), trunc(want))
				}
			}
		}
	}
}

// TestWatchFramesDecodeWithClientGo: client-go's own watch decoder reads the frames back into
// equal pods.
func TestWatchFramesDecodeWithClientGo(t *testing.T) {
	c := NewCodec()
	codecs := serializer.NewCodecFactory(Scheme())
	all := pods(5)
	for _, f := range Formats {
		var stream bytes.Buffer
		for _, pod := range all {
			stream.Write(c.WatchFrame(f, string(watch.Modified), pod))
		}
		info, _ := runtime.SerializerInfoForMediaType(codecs.SupportedMediaTypes(), f.MediaType())
		frames := info.StreamSerializer.Framer.NewFrameReader(io.NopCloser(&stream))
		dec := restwatch.NewDecoder(streaming.NewDecoder(frames, info.StreamSerializer.Serializer),
			codecs.UniversalDeserializer())
		for i, want := range all {
			typ, obj, err := dec.Decode()
			if err != nil {
				t.Fatalf("%v event %d: %v", f, i, err)
			}
			got, ok := obj.(*corev1.Pod)
			if typ != watch.Modified || !ok {
				t.Fatalf("%v event %d: %v %T", f, i, typ, obj)
			}
			got.TypeMeta = metav1.TypeMeta{}
			if !equality.Semantic.DeepEqual(got, want) {
				t.Fatalf("%v event %d: decoded pod differs", f, i)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

func trunc(b []byte) []byte {
	if len(b) > 300 {
		return b[:300]
	}
	return b
}
