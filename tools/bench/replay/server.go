package main

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"kubecpp.invalid/bench/internal/wire"
)

// watchEnd is what a watch does once it has sent every event.
type watchEnd string

const (
	endHold   watchEnd = "hold"   // keep the stream open until the client leaves or timeoutSeconds
	endClose  watchEnd = "close"  // end the response (the client re-watches from its last RV)
	endExpire watchEnd = "expire" // send ERROR 410 Expired and end (the client relists)
)

type server struct {
	data      *dataset
	token     string
	end       watchEnd
	bookmarks bool // honour allowWatchBookmarks with a BOOKMARK after the events
	gated     bool // hold watch events until POST /bench/release

	// Requests served, by kind (visible in /bench/info; tells which path a client took).
	lists, watches, initialWatches atomic.Int64

	mu       sync.Mutex
	released chan struct{} // closed by /bench/release; replaced by the next sync's first request
	isOpen   bool
}

func newServer(d *dataset, token string, end watchEnd, bookmarks, gated bool) *server {
	return &server{data: d, token: token, end: end, bookmarks: bookmarks, gated: gated,
		released: make(chan struct{})}
}

// resetGate closes the gate again at the start of a new sync (the first LIST page, or a
// watch that starts with initial events).
func (s *server) resetGate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isOpen {
		s.released = make(chan struct{})
		s.isOpen = false
	}
}

func (s *server) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.isOpen {
		close(s.released)
		s.isOpen = true
	}
}

func (s *server) gate() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.released
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		writeStatus(w, http.StatusUnauthorized, metav1.StatusReasonUnauthorized, "Unauthorized")
		return
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/bench/release" && r.Method == http.MethodPost:
		s.release()
		w.WriteHeader(http.StatusNoContent)
		return
	case path == "/bench/info":
		s.info(w)
		return
	case path == "/version":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"major":"1","minor":"37","gitVersion":"v1.37.2-replay","platform":"linux/amd64"}`)
		return
	}
	ns, ok := podsPath(path)
	if !ok {
		writeStatus(w, http.StatusNotFound, metav1.StatusReasonNotFound, "the server could not find the requested resource")
		return
	}
	if r.Method != http.MethodGet {
		writeStatus(w, http.StatusMethodNotAllowed, metav1.StatusReasonMethodNotAllowed,
			"the replay server only serves get, list and watch")
		return
	}
	format, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		writeStatus(w, http.StatusNotAcceptable, metav1.StatusReasonNotAcceptable,
			"only application/json and application/vnd.kubernetes.protobuf are served")
		return
	}
	if s.data.enc[format].items.off == nil {
		writeStatus(w, http.StatusNotAcceptable, metav1.StatusReasonNotAcceptable,
			format.String()+" was not pre-encoded (see -wire)")
		return
	}
	q := r.URL.Query()
	if q.Get("labelSelector") != "" || q.Get("fieldSelector") != "" {
		writeStatus(w, http.StatusBadRequest, metav1.StatusReasonBadRequest, "the replay server serves no selectors")
		return
	}
	first, last := 0, len(s.data.keys)
	if ns != "" {
		span := s.data.nsSpan[ns]
		first, last = span[0], span[1]
	}
	if v := q.Get("watch"); v == "1" || v == "true" {
		s.watch(w, r, format, ns, first, last)
		return
	}
	s.list(w, r, format, first, last)
}

func (s *server) authorized(r *http.Request) bool {
	got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) == 1
}

func (s *server) info(w http.ResponseWriter) {
	d := s.data
	formats := []string{}
	for _, f := range wire.Formats {
		if d.enc[f].items.off != nil {
			formats = append(formats, f.String())
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"pods": d.params.N, "namespaces": d.params.Namespaces, "seed": d.params.Seed, "events": d.events,
		"listResourceVersion": d.listRV, "formats": formats, "gated": s.gated, "watchEnd": s.end,
		"initialEvents": d.enc[wire.JSON].initial.off != nil || d.enc[wire.Protobuf].initial.off != nil,
		"served": map[string]int64{"listPages": s.lists.Load(), "watches": s.watches.Load(),
			"watchesWithInitialEvents": s.initialWatches.Load()},
	})
}

// podsPath accepts /api/v1/pods (ns "") and /api/v1/namespaces/{ns}/pods.
func podsPath(path string) (ns string, ok bool) {
	if path == "/api/v1/pods" {
		return "", true
	}
	rest, found := strings.CutPrefix(path, "/api/v1/namespaces/")
	if !found {
		return "", false
	}
	ns, tail, found := strings.Cut(rest, "/")
	return ns, found && tail == "pods" && ns != ""
}

// negotiate picks the wire format from Accept, in the client's order of preference.
func negotiate(accept string) (wire.Format, bool) {
	if strings.TrimSpace(accept) == "" {
		return wire.JSON, true
	}
	for _, part := range strings.Split(accept, ",") {
		media, _, _ := strings.Cut(part, ";")
		switch strings.TrimSpace(media) {
		case "application/vnd.kubernetes.protobuf":
			return wire.Protobuf, true
		case "application/json", "application/*", "*/*":
			return wire.JSON, true
		}
	}
	return wire.JSON, false
}

// continueToken is shaped like the apiserver's (base64 JSON with the key to start after).
type continueToken struct {
	APIVersion      string `json:"v"`
	ResourceVersion int64  `json:"rv"`
	StartKey        string `json:"start"`
}

func (s *server) list(w http.ResponseWriter, r *http.Request, f wire.Format, first, last int) {
	s.lists.Add(1)
	q := r.URL.Query()
	d := s.data
	start := first
	if c := q.Get("continue"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		var tok continueToken
		if err == nil {
			err = json.Unmarshal(raw, &tok)
		}
		if err != nil || tok.APIVersion != "meta.k8s.io/v1" {
			writeStatus(w, http.StatusBadRequest, metav1.StatusReasonBadRequest, "continue key is not valid")
			return
		}
		after := strings.TrimSuffix(tok.StartKey, "\x00")
		start = first + sort.SearchStrings(d.keys[first:last], after)
		if start < last && d.keys[start] == after {
			start++
		}
	} else {
		s.resetGate()
	}
	end := last
	if limit, err := strconv.Atoi(q.Get("limit")); err == nil && limit > 0 && start+limit < last {
		end = start + limit
	}
	meta := metav1.ListMeta{ResourceVersion: strconv.FormatInt(d.listRV, 10)}
	if end < last {
		tok, _ := json.Marshal(continueToken{APIVersion: "meta.k8s.io/v1", ResourceVersion: d.listRV,
			StartKey: d.keys[end-1] + "\x00"})
		meta.Continue = base64.RawURLEncoding.EncodeToString(tok)
		remaining := int64(last - end)
		meta.RemainingItemCount = &remaining
	}
	items := d.enc[f].items.span(start, end)
	head, body, tail := wire.ListPage(f, meta, items)
	w.Header().Set("Content-Type", f.MediaType())
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(body)+len(tail)))
	w.WriteHeader(http.StatusOK)
	for _, part := range [][]byte{head, body, tail} {
		if _, err := w.Write(part); err != nil {
			return
		}
	}
}

// chunk bounds one Write of a watch stream so a departing client is noticed promptly.
const chunk = 1 << 20

// watch streams, in order: the initial events when asked for (sendInitialEvents=true, or an
// unset/"0" resourceVersion without sendInitialEvents=false: ADDED for every pod, then for
// sendInitialEvents=true a BOOKMARK annotated k8s.io/initial-events-end), then (after the gate
// opens, when gated) every MODIFIED event newer than the requested resourceVersion, then an
// optional BOOKMARK, then the configured end.
func (s *server) watch(w http.ResponseWriter, r *http.Request, f wire.Format, ns string, first, last int) {
	d := s.data
	q := r.URL.Query()
	rvParam := q.Get("resourceVersion")
	sendInitial := q.Get("sendInitialEvents")
	initial := sendInitial == "true" || (sendInitial == "" && (rvParam == "" || rvParam == "0"))
	from := d.listRV // events strictly newer than this are sent
	if rvParam != "" && rvParam != "0" {
		rv, err := strconv.ParseInt(rvParam, 10, 64)
		if err != nil {
			writeStatus(w, http.StatusBadRequest, metav1.StatusReasonBadRequest, "invalid resourceVersion")
			return
		}
		from = rv
	}
	s.watches.Add(1)
	if initial {
		s.initialWatches.Add(1)
		s.resetGate()
	}
	deadline := time.Duration(0)
	if t, err := strconv.Atoi(q.Get("timeoutSeconds")); err == nil && t > 0 {
		deadline = time.Duration(t) * time.Second
	}
	var timeout <-chan time.Time
	if deadline > 0 {
		timer := time.NewTimer(deadline)
		defer timer.Stop()
		timeout = timer.C
	}
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", f.WatchMediaType())
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(http.StatusOK)
	if flusher != nil {
		flusher.Flush()
	}
	send := func(b []byte) bool {
		for len(b) > 0 {
			n := min(len(b), chunk)
			if _, err := w.Write(b[:n]); err != nil {
				return false
			}
			b = b[n:]
		}
		return true
	}
	flush := func() {
		if flusher != nil {
			flusher.Flush()
		}
	}
	ctx := r.Context()

	if initial {
		enc := &d.enc[f]
		if enc.initial.off == nil {
			log.Printf("replay: a watch asked for initial events, which were not pre-encoded (-initial-events); encoding now")
			for pos := first; pos < last; pos++ {
				pod := d.params.Pod(d.order[pos])
				if !send(d.codec.WatchFrame(f, string(watch.Added), pod)) {
					return
				}
			}
		} else if !send(enc.initial.span(first, last)) {
			return
		}
		if sendInitial == "true" && !send(d.bookmark(f, d.listRV, true)) {
			return
		}
		flush()
	} else if from < d.listRV {
		// Older than anything the replay keeps: what the watch cache answers for a compacted RV.
		send(d.errorFrame(f, &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusGone,
			Reason:  metav1.StatusReasonExpired,
			Message: fmt.Sprintf("too old resource version: %d (%d)", from, d.listRV)}))
		return
	}

	if s.gated {
		select {
		case <-s.gate():
		case <-ctx.Done():
			return
		case <-timeout:
			return
		}
	}

	// Events newer than `from`: event e has resourceVersion listRV+1+e.
	e0 := int(max(0, from-d.listRV))
	events := &d.enc[f].events
	if e0 < d.events {
		if ns == "" {
			if !send(events.span(e0, d.events)) {
				return
			}
		} else {
			for e := e0; e < d.events; e++ {
				if d.eventNS[e] == ns && !send(events.span(e, e+1)) {
					return
				}
			}
		}
	}
	if s.bookmarks && q.Get("allowWatchBookmarks") == "true" {
		send(d.bookmark(f, d.listRV+int64(d.events), false))
	}
	flush()

	switch s.end {
	case endClose:
		return
	case endExpire:
		send(d.errorFrame(f, &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusGone,
			Reason: metav1.StatusReasonExpired, Message: "the replay has ended"}))
		return
	}
	select {
	case <-ctx.Done():
	case <-timeout:
	}
}

// writeStatus answers with a metav1.Status in JSON, as the apiserver does for errors.
func writeStatus(w http.ResponseWriter, code int, reason metav1.StatusReason, message string) {
	status := metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status: metav1.StatusFailure, Code: int32(code), Reason: reason, Message: message}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(status)
}
