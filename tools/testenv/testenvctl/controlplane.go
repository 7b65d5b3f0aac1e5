package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	defaultReadyTimeout = 120 * time.Second
	stopGracePeriod     = 15 * time.Second
	adminUser           = "kubecpp-admin"
	limitedUser         = "kubecpp-limited"
)

// component is one process of the control plane, tracked by a pid file holding the pid and the
// binary path, so that `down` never signals a process that merely reused the pid.
type component struct {
	name   string
	binary string
}

func pidFile(dir, name string) string { return filepath.Join(dir, name+".pid") }

// freePort asks the kernel for an unused loopback port. The port is released before the server
// binds it; a collision in that window makes startup fail loudly rather than silently.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func start(dir string, c component, args []string) error {
	logFile, err := os.OpenFile(filepath.Join(dir, c.name+".log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(c.binary, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	// Own session: the control plane outlives this command and ignores the terminal's signals.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", c.name, err)
	}
	record := fmt.Sprintf("%d\n%s\n", cmd.Process.Pid, c.binary)
	if err := os.WriteFile(pidFile(dir, c.name), []byte(record), 0o644); err != nil {
		return err
	}
	return cmd.Process.Release()
}

// runningPid returns the pid recorded for a component if that process is alive and still runs
// the recorded binary, and 0 otherwise.
func runningPid(dir, name string) int {
	data, err := os.ReadFile(pidFile(dir, name))
	if err != nil {
		return 0
	}
	lines := strings.SplitN(strings.TrimSpace(string(data)), "\n", 2)
	pid, err := strconv.Atoi(lines[0])
	if err != nil || pid <= 0 || len(lines) < 2 {
		return 0
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil || strings.TrimSuffix(exe, " (deleted)") != lines[1] {
		return 0
	}
	// A zombie still has /proc/<pid>/exe only briefly; treat state Z as gone.
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		if fields := strings.Fields(string(stat)); len(fields) > 2 && fields[2] == "Z" {
			return 0
		}
	}
	return pid
}

func stop(dir, name string) error {
	defer os.Remove(pidFile(dir, name))
	pid := runningPid(dir, name)
	if pid == 0 {
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	deadline := time.Now().Add(stopGracePeriod)
	for time.Now().Before(deadline) {
		if runningPid(dir, name) == 0 {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	for i := 0; i < 50 && runningPid(dir, name) != 0; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if runningPid(dir, name) != 0 {
		return fmt.Errorf("%s (pid %d) did not exit after SIGKILL", name, pid)
	}
	return nil
}

func down(dir string) error {
	// The apiserver first, so it does not spend its grace period retrying a vanished etcd.
	var errs []error
	for _, name := range []string{"kube-apiserver", "etcd"} {
		if err := stop(dir, name); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, os.RemoveAll(filepath.Join(dir, "etcd-data")))
	return errors.Join(errs...)
}

func status(dir string) error {
	for _, name := range []string{"etcd", "kube-apiserver"} {
		pid := runningPid(dir, name)
		if pid == 0 {
			return fmt.Errorf("%s is not running (start the control plane with tools/testenv/testenv up)", name)
		}
		fmt.Printf("%s running, pid %d\n", name, pid)
	}
	env, err := readEnv(dir)
	if err != nil {
		return err
	}
	return checkReady(env, 5*time.Second, nil)
}

type testEnv struct {
	Dir, KubeVersion, Server, CAFile, AdminToken, LimitedToken, AdminCert, AdminKey string
	// Where etcd answers, and the binaries that run this control plane: a test that needs a
	// private control plane (to restart it) starts one with `Ctl serve` and these binaries.
	EtcdURL, Ctl, EtcdBinary, ApiserverBinary string
}

func (e testEnv) lines() string {
	return strings.Join([]string{
		"KUBECPP_TESTENV_DIR=" + e.Dir,
		"KUBECPP_TESTENV_KUBE_VERSION=" + e.KubeVersion,
		"KUBECPP_TESTENV_SERVER=" + e.Server,
		"KUBECPP_TESTENV_CA_FILE=" + e.CAFile,
		"KUBECPP_TESTENV_ADMIN_TOKEN=" + e.AdminToken,
		"KUBECPP_TESTENV_LIMITED_TOKEN=" + e.LimitedToken,
		"KUBECPP_TESTENV_ADMIN_CERT=" + e.AdminCert,
		"KUBECPP_TESTENV_ADMIN_KEY=" + e.AdminKey,
		"KUBECPP_TESTENV_ETCD_URL=" + e.EtcdURL,
		"KUBECPP_TESTENV_CTL=" + e.Ctl,
		"KUBECPP_TESTENV_ETCD_BINARY=" + e.EtcdBinary,
		"KUBECPP_TESTENV_APISERVER_BINARY=" + e.ApiserverBinary,
		"KUBECONFIG=" + filepath.Join(e.Dir, "kubeconfig"),
	}, "\n") + "\n"
}

func readEnv(dir string) (testEnv, error) {
	f, err := os.Open(filepath.Join(dir, "env"))
	if err != nil {
		return testEnv{}, err
	}
	defer f.Close()
	values := map[string]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if k, v, ok := strings.Cut(scanner.Text(), "="); ok {
			values[k] = v
		}
	}
	return testEnv{
		Dir: values["KUBECPP_TESTENV_DIR"], KubeVersion: values["KUBECPP_TESTENV_KUBE_VERSION"],
		Server: values["KUBECPP_TESTENV_SERVER"],
		CAFile: values["KUBECPP_TESTENV_CA_FILE"], AdminToken: values["KUBECPP_TESTENV_ADMIN_TOKEN"],
		LimitedToken: values["KUBECPP_TESTENV_LIMITED_TOKEN"],
		AdminCert:    values["KUBECPP_TESTENV_ADMIN_CERT"], AdminKey: values["KUBECPP_TESTENV_ADMIN_KEY"],
		EtcdURL: values["KUBECPP_TESTENV_ETCD_URL"], Ctl: values["KUBECPP_TESTENV_CTL"],
		EtcdBinary: values["KUBECPP_TESTENV_ETCD_BINARY"], ApiserverBinary: values["KUBECPP_TESTENV_APISERVER_BINARY"],
	}, scanner.Err()
}

func kubeconfig(server, caFile, user, token string) []byte {
	return []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: testenv
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: %s
  user:
    token: %s
contexts:
- name: %s@testenv
  context:
    cluster: testenv
    user: %s
    namespace: default
current-context: %s@testenv
`, server, caFile, user, token, user, user, user))
}

// tlsClient is an HTTP client that trusts only the testenv CA.
func tlsClient(env testEnv) (*http.Client, error) {
	caPEM, err := os.ReadFile(env.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("no certificate in %s", env.CAFile)
	}
	return &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}, nil
}

// get prints the body of one GET as the admin user (used by ./dev run to show the server answers).
func get(dir, path string) error {
	env, err := readEnv(dir)
	if err != nil {
		return err
	}
	client, err := tlsClient(env)
	if err != nil {
		return err
	}
	req, err := http.NewRequest("GET", env.Server+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+env.AdminToken)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(os.Stdout, io.LimitReader(resp.Body, 1<<20)); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
	}
	return nil
}

// checkReady polls /readyz with the admin token, verifying the serving certificate against the
// testenv CA exactly as a client would.
// alive, when not nil, is asked between polls and ends the wait early when a process died.
func checkReady(env testEnv, timeout time.Duration, alive func() error) error {
	client, err := tlsClient(env)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	var last string
	for {
		req, _ := http.NewRequest("GET", env.Server+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+env.AdminToken)
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
		} else {
			last = err.Error()
		}
		if alive != nil {
			if err := alive(); err != nil {
				return err
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kube-apiserver not ready after %v: %s", timeout, last)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// plan is everything needed to start (and restart) one control plane: its files are written,
// its ports chosen; the processes are not started yet.
type plan struct {
	dir                     string
	env                     testEnv
	etcd, apiserver         component
	etcdArgs, apiserverArgs []string
}

// components lists the processes in start order (etcd first).
func (p *plan) components() []struct {
	c    component
	args []string
} {
	return []struct {
		c    component
		args []string
	}{{p.etcd, p.etcdArgs}, {p.apiserver, p.apiserverArgs}}
}

// newPlan writes certificates, keys and tokens into dir (wiping old etcd data) and picks ports.
func newPlan(dir, etcdBinary, apiserverBinary, kubeVersion string) (*plan, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.RemoveAll(filepath.Join(dir, "etcd-data")); err != nil {
		return nil, err
	}

	ca, caPEM, err := newCA()
	if err != nil {
		return nil, err
	}
	servingCert, servingKey, err := ca.issue("kube-apiserver", nil, true)
	if err != nil {
		return nil, err
	}
	adminCert, adminKey, err := ca.issue(adminUser, []string{"system:masters"}, false)
	if err != nil {
		return nil, err
	}
	saPub, saKey, err := newServiceAccountKey()
	if err != nil {
		return nil, err
	}
	adminToken, limitedToken := randomToken(), randomToken()
	// token,user,uid,"group1,group2": the admin is in system:masters; the limited user only in
	// system:authenticated (added by the apiserver), so RBAC denies it almost everything.
	tokens := fmt.Sprintf("%s,%s,uid-admin,\"system:masters\"\n%s,%s,uid-limited\n",
		adminToken, adminUser, limitedToken, limitedUser)
	if err := writeFiles(dir, map[string][]byte{
		"ca.crt": caPEM, "apiserver.crt": servingCert, "apiserver.key": servingKey,
		"admin.crt": adminCert, "admin.key": adminKey,
		"sa.pub": saPub, "sa.key": saKey, "tokens.csv": []byte(tokens),
	}); err != nil {
		return nil, err
	}

	etcdPort, err := freePort()
	if err != nil {
		return nil, err
	}
	peerPort, err := freePort()
	if err != nil {
		return nil, err
	}
	apiPort, err := freePort()
	if err != nil {
		return nil, err
	}
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPort)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	path := func(name string) string { return filepath.Join(dir, name) }
	self, _ := os.Executable()
	return &plan{
		dir:       dir,
		etcd:      component{"etcd", etcdBinary},
		apiserver: component{"kube-apiserver", apiserverBinary},
		env: testEnv{
			Dir: dir, KubeVersion: kubeVersion, Server: fmt.Sprintf("https://127.0.0.1:%d", apiPort), CAFile: path("ca.crt"),
			AdminToken: adminToken, LimitedToken: limitedToken,
			AdminCert: path("admin.crt"), AdminKey: path("admin.key"),
			EtcdURL: etcdURL, Ctl: self, EtcdBinary: etcdBinary, ApiserverBinary: apiserverBinary,
		},
		etcdArgs: []string{
			"--name=testenv",
			"--data-dir=" + filepath.Join(dir, "etcd-data"),
			"--listen-client-urls=" + etcdURL, "--advertise-client-urls=" + etcdURL,
			"--listen-peer-urls=" + peerURL, "--initial-advertise-peer-urls=" + peerURL,
			"--initial-cluster=testenv=" + peerURL,
			// Test data is thrown away: skip fsync, which dominates etcd latency on shared disks.
			"--unsafe-no-fsync",
			"--log-level=warn",
		},
		apiserverArgs: []string{
			"--etcd-servers=" + etcdURL,
			"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
			fmt.Sprintf("--secure-port=%d", apiPort),
			"--tls-cert-file=" + path("apiserver.crt"), "--tls-private-key-file=" + path("apiserver.key"),
			"--client-ca-file=" + path("ca.crt"),
			"--token-auth-file=" + path("tokens.csv"),
			"--authorization-mode=RBAC",
			"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
			"--service-account-key-file=" + path("sa.pub"),
			"--service-account-signing-key-file=" + path("sa.key"),
			"--service-cluster-ip-range=10.0.0.0/24",
			"--allow-privileged=true",
			// No controller-manager runs, so no namespace gets its default service account.
			"--disable-admission-plugins=ServiceAccount",
			"--cert-dir=" + path("certs"),
			// The kubernetes service's endpoints would point at a loopback address, which the
			// endpoint reconciler refuses; nothing in a test cluster routes to it anyway.
			"--endpoint-reconciler-type=none",
		},
	}, nil
}

// writeClientFiles writes the kubeconfigs and the env file once the apiserver answers.
func (p *plan) writeClientFiles() error {
	return writeFiles(p.dir, map[string][]byte{
		"kubeconfig":         kubeconfig(p.env.Server, p.env.CAFile, adminUser, p.env.AdminToken),
		"kubeconfig-limited": kubeconfig(p.env.Server, p.env.CAFile, limitedUser, p.env.LimitedToken),
		"env":                []byte(p.env.lines()),
	})
}

func up(dir, etcdBinary, apiserverBinary, kubeVersion string, timeout time.Duration) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	kubeconfigPath := filepath.Join(dir, "kubeconfig")
	if runningPid(dir, "etcd") != 0 || runningPid(dir, "kube-apiserver") != 0 {
		env, err := readEnv(dir)
		if err == nil && checkReady(env, 5*time.Second, nil) == nil {
			fmt.Fprintf(os.Stderr, "testenv: already running in %s\n", dir)
			return kubeconfigPath, nil
		}
		fmt.Fprintf(os.Stderr, "testenv: stopping a half-started control plane in %s\n", dir)
		if err := down(dir); err != nil {
			return "", err
		}
	}
	p, err := newPlan(dir, etcdBinary, apiserverBinary, kubeVersion)
	if err != nil {
		return "", err
	}
	fail := func(err error) (string, error) {
		if downErr := down(dir); downErr != nil {
			err = errors.Join(err, downErr)
		}
		return "", err
	}
	for _, c := range p.components() {
		if err := start(dir, c.c, c.args); err != nil {
			return fail(err)
		}
	}
	alive := func() error {
		for _, name := range []string{"etcd", "kube-apiserver"} {
			if runningPid(dir, name) == 0 {
				return fmt.Errorf("%s exited during startup", name)
			}
		}
		return nil
	}
	if err := checkReady(p.env, timeout, alive); err != nil {
		return fail(fmt.Errorf("%w (logs: %s, %s)", err, filepath.Join(dir, "kube-apiserver.log"), filepath.Join(dir, "etcd.log")))
	}
	if err := p.writeClientFiles(); err != nil {
		return fail(err)
	}
	return kubeconfigPath, nil
}
