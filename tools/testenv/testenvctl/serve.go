package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// serve runs a private control plane owned by the calling process (a test that must restart
// kube-apiserver or etcd without disturbing the shared testenv):
//
//   - etcd and kube-apiserver are children of this process with PDEATHSIG=SIGKILL, and the
//     caller is expected to start this process the same way, so whatever way the test ends
//     (even SIGKILL on a timeout) no process outlives it;
//   - once ready it prints "ready KUBECONFIG" on stdout and then answers one line per command
//     read from stdin: "ok[ DETAIL]" or "error: MESSAGE";
//   - end of stdin (or SIGTERM/SIGINT) stops both processes and removes the etcd data.
//
// Commands: "stop NAME" (SIGTERM, SIGKILL after the grace period), "kill NAME" (SIGKILL),
// "start NAME" (same arguments, ports and data dir; for kube-apiserver, waits for /readyz),
// where NAME is etcd or kube-apiserver; "compact" (compacts etcd at its current revision and
// answers "ok REVISION"); "etcd-delete KEY" (deletes one etcd key behind the apiserver's back,
// e.g. /registry/pods/NS/NAME; answers "ok DELETED_COUNT"); "ready" (waits for /readyz).
func serve(dir, etcdBinary, apiserverBinary, kubeVersion string, timeout time.Duration) error {
	// PDEATHSIG fires when the *thread* that started the child exits; the main goroutine keeps
	// the main thread, which lives as long as the process.
	runtime.LockOSThread()
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	p, err := newPlan(dir, etcdBinary, apiserverBinary, kubeVersion)
	if err != nil {
		return err
	}
	s := &server{plan: p, procs: map[string]*child{}, timeout: timeout}
	defer s.shutdown()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		s.killAll()
		os.RemoveAll(filepath.Join(dir, "etcd-data"))
		os.Exit(1)
	}()

	for _, c := range p.components() {
		if err := s.startChild(c.c.name); err != nil {
			return err
		}
	}
	if err := checkReady(p.env, timeout, s.alive); err != nil {
		return fmt.Errorf("%w (logs in %s)", err, dir)
	}
	if err := p.writeClientFiles(); err != nil {
		return err
	}
	fmt.Printf("ready %s\n", filepath.Join(dir, "kubeconfig"))

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		reply, err := s.command(strings.Fields(in.Text()))
		if err != nil {
			fmt.Printf("error: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		} else {
			fmt.Println(strings.TrimSpace("ok " + reply))
		}
	}
	return nil
}

type child struct {
	cmd  *exec.Cmd
	done chan struct{}
}

type server struct {
	plan    *plan
	procs   map[string]*child // only touched by the main goroutine, except killAll
	timeout time.Duration
}

func (s *server) args(name string) (component, []string, error) {
	for _, c := range s.plan.components() {
		if c.c.name == name {
			return c.c, c.args, nil
		}
	}
	return component{}, nil, fmt.Errorf("unknown component %q (etcd or kube-apiserver)", name)
}

func (s *server) startChild(name string) error {
	c, args, err := s.args(name)
	if err != nil {
		return err
	}
	if ch := s.procs[name]; ch != nil {
		select {
		case <-ch.done:
		default:
			return fmt.Errorf("%s is already running", name)
		}
	}
	logFile, err := os.OpenFile(filepath.Join(s.plan.dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(c.binary, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", name, err)
	}
	ch := &child{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(ch.done)
	}()
	s.procs[name] = ch
	return os.WriteFile(pidFile(s.plan.dir, name), []byte(fmt.Sprintf("%d\n%s\n", cmd.Process.Pid, c.binary)), 0o644)
}

func (s *server) stopChild(name string, grace time.Duration) error {
	if _, _, err := s.args(name); err != nil {
		return err
	}
	ch := s.procs[name]
	if ch == nil {
		return nil
	}
	ch.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-ch.done:
	case <-time.After(grace):
		ch.cmd.Process.Kill()
		<-ch.done
	}
	os.Remove(pidFile(s.plan.dir, name))
	return nil
}

func (s *server) alive() error {
	for _, name := range []string{"etcd", "kube-apiserver"} {
		ch := s.procs[name]
		if ch == nil {
			return fmt.Errorf("%s is not running", name)
		}
		select {
		case <-ch.done:
			return fmt.Errorf("%s exited", name)
		default:
		}
	}
	return nil
}

func (s *server) killAll() {
	for _, ch := range s.procs {
		ch.cmd.Process.Kill()
	}
}

func (s *server) shutdown() {
	s.stopChild("kube-apiserver", stopGracePeriod)
	s.stopChild("etcd", stopGracePeriod)
	os.RemoveAll(filepath.Join(s.plan.dir, "etcd-data"))
}

func (s *server) command(words []string) (string, error) {
	if len(words) == 0 {
		return "", fmt.Errorf("empty command")
	}
	switch {
	case words[0] == "stop" && len(words) == 2:
		return "", s.stopChild(words[1], stopGracePeriod)
	case words[0] == "kill" && len(words) == 2:
		return "", s.stopChild(words[1], 0)
	case words[0] == "start" && len(words) == 2:
		if err := s.startChild(words[1]); err != nil {
			return "", err
		}
		if words[1] == "kube-apiserver" {
			return "", checkReady(s.plan.env, s.timeout, s.alive)
		}
		return "", nil
	case words[0] == "etcd-delete" && len(words) == 2:
		n, err := etcdDelete(s.plan.env.EtcdURL, words[1])
		return fmt.Sprint(n), err
	case words[0] == "ready" && len(words) == 1:
		return "", checkReady(s.plan.env, s.timeout, s.alive)
	case words[0] == "compact" && len(words) == 1:
		rev, err := compactEtcd(s.plan.env.EtcdURL)
		return fmt.Sprint(rev), err
	}
	return "", fmt.Errorf("unknown command %q", strings.Join(words, " "))
}

// etcdCall posts one request to etcd's JSON gateway (gRPC over HTTP/JSON, on by default).
func etcdCall(etcdURL, path string, request any, response any) error {
	body, err := json.Marshal(request)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(etcdURL+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("etcd %s: HTTP %d: %s", path, resp.StatusCode, strings.TrimSpace(string(data)))
	}
	return json.Unmarshal(data, response)
}

// etcdDelete deletes one key directly in etcd and returns how many keys were deleted.
func etcdDelete(etcdURL, key string) (int64, error) {
	var out struct {
		Deleted json.Number `json:"deleted"`
	}
	if err := etcdCall(etcdURL, "/v3/kv/deleterange", map[string]any{"key": []byte(key)}, &out); err != nil {
		return 0, err
	}
	if out.Deleted == "" {
		return 0, nil
	}
	return out.Deleted.Int64()
}

// compactEtcd compacts etcd's history at its current revision: every watch or list from an
// older resourceVersion that reaches etcd then fails with "required revision has been
// compacted" (a 410 from the apiserver).
func compactEtcd(etcdURL string) (int64, error) {
	var rng struct {
		Header struct {
			Revision json.Number `json:"revision"`
		} `json:"header"`
	}
	// Any range answers with the store's current revision in its header ("AA==" is key "\0").
	if err := etcdCall(etcdURL, "/v3/kv/range", map[string]any{"key": "AA==", "limit": 1}, &rng); err != nil {
		return 0, err
	}
	rev, err := rng.Header.Revision.Int64()
	if err != nil {
		return 0, fmt.Errorf("etcd range: no revision in the answer: %w", err)
	}
	var out map[string]any
	err = etcdCall(etcdURL, "/v3/kv/compaction", map[string]any{"revision": rev, "physical": true}, &out)
	if err != nil && !strings.Contains(err.Error(), "compacted") {
		return 0, err
	}
	return rev, nil
}
