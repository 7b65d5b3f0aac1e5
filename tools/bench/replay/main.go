// Command replay is the benchmark's stand-in for a kube-apiserver: it serves a paged LIST and a
// WATCH of N generated pods over loopback, in JSON and in protobuf, from bytes encoded before
// it starts listening, so that what is measured is the client reading them.
//
//	replay -n 10000 -events 20000 -dir /tmp/replay      # prints the URL; writes a kubeconfig
//	replay -validate -kubeconfig .testenv/kubeconfig    # checks generated pods on a real apiserver
//
// Endpoints (bearer token from the kubeconfig it writes):
//
//	GET  /api/v1/pods, /api/v1/namespaces/{ns}/pods   LIST (limit/continue) and WATCH (watch=1)
//	POST /bench/release                               opens the event gate (-gate)
//	GET  /bench/info                                  the population's parameters, as JSON
//
// See docs/benchmarks.md, "Side by side with client-go".
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"kubecpp.invalid/bench/internal/podgen"
	"kubecpp.invalid/bench/internal/wire"
)

func main() {
	var (
		n             = flag.Int("n", 10000, "number of pods")
		namespaces    = flag.Int("namespaces", 100, "number of namespaces the pods are spread over")
		seed          = flag.Uint64("seed", 1, "generation seed")
		events        = flag.Int("events", 10000, "number of MODIFIED watch events after the LIST")
		addr          = flag.String("addr", "127.0.0.1:0", "listen address (port 0: any free port)")
		dir           = flag.String("dir", "", "directory for ca.crt, kubeconfig and url (default: a new temp dir)")
		plain         = flag.Bool("plain-http", false, "serve plain HTTP instead of HTTPS")
		http1         = flag.Bool("http1", false, "refuse HTTP/2 (by default HTTPS offers h2, as the apiserver does)")
		wireFlag      = flag.String("wire", "json,protobuf", "wire formats to pre-encode")
		initialEvents = flag.Bool("initial-events", false, "pre-encode the ADDED events of watches that start with initial events (sendInitialEvents / WatchList)")
		end           = flag.String("watch-end", "hold", "after the events: hold (stay open), close (end the response) or expire (ERROR 410)")
		bookmarks     = flag.Bool("bookmarks", true, "send a BOOKMARK after the events when the client allows bookmarks")
		gated         = flag.Bool("gate", false, "hold each watch's events until POST /bench/release (the harness opens it after sync)")
		validate      = flag.Bool("validate", false, "instead of serving: create generated pods on the apiserver of -kubeconfig, read them back, compare")
		kubeconfig    = flag.String("kubeconfig", "", "the real apiserver for -validate")
		validateCount = flag.Int("validate-pods", 5, "how many generated pods -validate creates")
	)
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	params := podgen.Params{N: *n, Namespaces: max(1, min(*namespaces, *n)), Seed: *seed}

	if *validate {
		if *kubeconfig == "" {
			log.Fatal("-validate needs -kubeconfig")
		}
		if err := runValidation(*kubeconfig, params, *validateCount); err != nil {
			log.Fatalf("validation FAILED: %v", err)
		}
		return
	}

	var formats []wire.Format
	for _, s := range strings.Split(*wireFlag, ",") {
		f, err := wire.ParseFormat(strings.TrimSpace(s))
		if err != nil {
			log.Fatal(err)
		}
		formats = append(formats, f)
	}
	switch watchEnd(*end) {
	case endHold, endClose, endExpire:
	default:
		log.Fatalf("-watch-end: %q is not hold, close or expire", *end)
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "replay-")
		if err != nil {
			log.Fatal(err)
		}
		*dir = d
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}

	data := buildDataset(params, *events, formats, *initialEvents)
	token := randomHex(24)
	srv := &http.Server{Handler: newServer(data, token, watchEnd(*end), *bookmarks, *gated),
		ReadHeaderTimeout: 30 * time.Second}
	if *http1 {
		srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	scheme := "https"
	if *plain {
		scheme = "http"
	}
	url := fmt.Sprintf("%s://%s", scheme, ln.Addr().String())
	caFile := ""
	if !*plain {
		cert, caPEM, err := selfSignedServer()
		if err != nil {
			log.Fatal(err)
		}
		caFile = filepath.Join(*dir, "ca.crt")
		if err := os.WriteFile(caFile, caPEM, 0o644); err != nil {
			log.Fatal(err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	kc := filepath.Join(*dir, "kubeconfig")
	if err := writeKubeconfig(kc, url, caFile, token); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*dir, "url"), []byte(url+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	// The last line a caller waits for: everything is encoded and the socket accepts.
	fmt.Printf("replay: serving %s kubeconfig=%s\n", url, kc)
	if *plain {
		err = srv.Serve(ln)
	} else {
		err = srv.ServeTLS(ln, "", "")
	}
	log.Fatal(err)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// selfSignedServer makes a CA and a loopback serving certificate signed by it.
func selfSignedServer() (tls.Certificate, []byte, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubecpp-bench-replay-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(7 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kubecpp-bench-replay"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(7 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		DNSNames:    []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, caPEM, nil
}

func writeKubeconfig(path, url, caFile, token string) error {
	ca := ""
	if caFile != "" {
		ca = "    certificate-authority: " + caFile + "\n"
	}
	content := "apiVersion: v1\nkind: Config\nclusters:\n- name: replay\n  cluster:\n    server: " + url + "\n" + ca +
		"users:\n- name: bench\n  user:\n    token: " + token + "\n" +
		"contexts:\n- name: bench@replay\n  context:\n    cluster: replay\n    user: bench\n" +
		"current-context: bench@replay\n"
	return os.WriteFile(path, []byte(content), 0o600)
}
