// Package wire produces the bytes a kube-apiserver writes for pods, in JSON and in protobuf,
// through the same apimachinery serializers the apiserver uses:
//
//   - a LIST response is a PodList. The apiserver streams it item by item (JSON: `{"kind":
//     "PodList",...,"items":[` item `,` item ... `]}` + newline; protobuf: the `k8s\0` prefix,
//     then a runtime.Unknown whose raw field is the PodList message, items as repeated field 2).
//     Items are encoded once here and spliced into pages at serve time; wire_test.go checks that
//     every spliced page is byte-identical to the serializer's encoding of the same PodList.
//   - a WATCH event is what the apiserver's watch handler writes: the object encoded by the
//     negotiated serializer (JSON with kind/apiVersion, or `k8s\0` + Unknown), wrapped in a
//     metav1.WatchEvent encoded by the stream serializer (JSON: one value and a newline;
//     protobuf: the raw WatchEvent message behind a 4-byte big-endian length).
package wire

import (
	"bytes"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
)

// Format is a wire format.
type Format int

const (
	JSON Format = iota
	Protobuf
)

// Formats lists every format, in a fixed order.
var Formats = []Format{JSON, Protobuf}

func (f Format) String() string {
	if f == Protobuf {
		return "protobuf"
	}
	return "json"
}

// MediaType is the Content-Type of a non-streaming response.
func (f Format) MediaType() string {
	if f == Protobuf {
		return runtime.ContentTypeProtobuf
	}
	return runtime.ContentTypeJSON
}

// WatchMediaType is the Content-Type of a watch response, as the apiserver sends it.
func (f Format) WatchMediaType() string {
	if f == Protobuf {
		return runtime.ContentTypeProtobuf + ";stream=watch"
	}
	return runtime.ContentTypeJSON
}

// ParseFormat accepts "json" and "protobuf".
func ParseFormat(s string) (Format, error) {
	switch s {
	case "json":
		return JSON, nil
	case "protobuf", "proto":
		return Protobuf, nil
	}
	return JSON, fmt.Errorf("unknown wire format %q (json or protobuf)", s)
}

var v1 = schema.GroupVersion{Version: "v1"}

// Scheme knows core/v1 and the meta types (WatchEvent, Status, ...) of the v1 group version.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := corev1.AddToScheme(s); err != nil {
		panic(err)
	}
	return s
}

// Codec encodes pods, events and statuses exactly as the apiserver does.
type Codec struct {
	codecs serializer.CodecFactory
	object [2]runtime.Encoder // negotiated serializer, per Format
	stream [2]runtime.Encoder // the stream serializer, for metav1.WatchEvent
	framer [2]runtime.Framer
}

// NewCodec builds the encoders.
func NewCodec() *Codec {
	c := &Codec{codecs: serializer.NewCodecFactory(Scheme())}
	for _, f := range Formats {
		info, ok := runtime.SerializerInfoForMediaType(c.codecs.SupportedMediaTypes(), f.MediaType())
		if !ok || info.StreamSerializer == nil {
			panic("no serializer for " + f.MediaType())
		}
		c.object[f] = c.codecs.EncoderForVersion(info.Serializer, v1)
		c.stream[f] = c.codecs.EncoderForVersion(info.StreamSerializer.Serializer, v1)
		c.framer[f] = info.StreamSerializer.Framer
	}
	return c
}

// Object encodes a whole object as a GET response or a watch event's embedded object.
func (c *Codec) Object(f Format, obj runtime.Object) []byte {
	var b bytes.Buffer
	if err := c.object[f].Encode(obj, &b); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Decoder decodes what Object produced (for tests and validation).
func (c *Codec) Decoder() runtime.Decoder { return c.codecs.UniversalDeserializer() }

// WatchFrame encodes one watch event, framed, exactly as the watch handler writes it.
func (c *Codec) WatchFrame(f Format, eventType string, obj runtime.Object) []byte {
	event := &metav1.WatchEvent{Type: eventType, Object: runtime.RawExtension{Raw: c.Object(f, obj)}}
	var encoded bytes.Buffer
	if err := c.stream[f].Encode(event, &encoded); err != nil {
		panic(err)
	}
	var framed bytes.Buffer
	if _, err := c.framer[f].NewFrameWriter(&framed).Write(encoded.Bytes()); err != nil {
		panic(err)
	}
	return framed.Bytes()
}

// List encodes a PodList with the serializer (the reference for the spliced pages).
func (c *Codec) List(f Format, list *corev1.PodList) []byte {
	return c.Object(f, list)
}

// Item encodes a pod as one element of a LIST response, with the separator that follows it
// (JSON: the item and a comma; protobuf: field tag 2, the length, the message).
func Item(f Format, pod *corev1.Pod) []byte {
	if f == JSON {
		// Items of a list carry no kind/apiVersion; encoding/json is what the apiserver's
		// streaming list encoder uses for each item.
		raw, err := json.Marshal(pod)
		if err != nil {
			panic(err)
		}
		return append(raw, ',')
	}
	raw, err := pod.Marshal()
	if err != nil {
		panic(err)
	}
	out := append([]byte{0x12}, varint(uint64(len(raw)))...)
	return append(out, raw...)
}

// ListPage returns the parts of one LIST response: head, then the items (a contiguous run of
// Item() outputs, as stored), then tail. Writing the three in order yields the response body.
func ListPage(f Format, meta metav1.ListMeta, items []byte) (head, body, tail []byte) {
	if f == JSON {
		lm, err := json.Marshal(meta)
		if err != nil {
			panic(err)
		}
		head = append([]byte(`{"kind":"PodList","apiVersion":"v1","metadata":`), lm...)
		head = append(head, `,"items":[`...)
		if len(items) > 0 {
			items = items[:len(items)-1] // the last item's comma
		}
		return head, items, []byte("]}\n")
	}
	lm, err := meta.Marshal()
	if err != nil {
		panic(err)
	}
	tm, err := (&runtime.TypeMeta{APIVersion: "v1", Kind: "PodList"}).Marshal()
	if err != nil {
		panic(err)
	}
	// PodList message: field 1 ListMeta, then the items (already carrying their field-2 headers).
	listMeta := append([]byte{0x0a}, varint(uint64(len(lm)))...)
	listMeta = append(listMeta, lm...)
	rawLen := uint64(len(listMeta) + len(items))
	// "k8s\0", then runtime.Unknown: 1 typeMeta, 2 raw, 3 contentEncoding "", 4 contentType "".
	head = []byte{'k', '8', 's', 0, 0x0a}
	head = append(head, varint(uint64(len(tm)))...)
	head = append(head, tm...)
	head = append(head, 0x12)
	head = append(head, varint(rawLen)...)
	head = append(head, listMeta...)
	return head, items, []byte{0x1a, 0x00, 0x22, 0x00}
}

func varint(v uint64) []byte {
	var b []byte
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}
