// Command testenvctl starts and stops kubecpp's test control plane: a real etcd and a real
// kube-apiserver on loopback, with generated certificates and a token file, and writes the
// kubeconfigs and an env file the tests read. The tools/testenv/testenv script builds the two
// binaries (build.sh) and calls this program; users run that script, not this one.
package main

import (
	"flag"
	"fmt"
	"os"
)

func usage() {
	fmt.Fprintf(os.Stderr, `usage:
  testenvctl up   --dir DIR --etcd PATH --kube-apiserver PATH [--kube-version V] [--timeout 120s]
  testenvctl serve --dir DIR --etcd PATH --kube-apiserver PATH [--kube-version V] [--timeout 120s]
      (a private control plane owned by the caller; commands on stdin, see serve.go)
  testenvctl down --dir DIR
  testenvctl status --dir DIR
  testenvctl get --dir DIR PATH
`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dir := fs.String("dir", "", "directory holding the control plane's state, logs and kubeconfigs")
	etcd := fs.String("etcd", "", "path of the etcd binary")
	apiserver := fs.String("kube-apiserver", "", "path of the kube-apiserver binary")
	kubeVersion := fs.String("kube-version", "", "the kube-apiserver's version, recorded in DIR/env")
	timeout := fs.Duration("timeout", defaultReadyTimeout, "how long to wait for /readyz")
	if err := fs.Parse(os.Args[2:]); err != nil || *dir == "" {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "up":
		if *etcd == "" || *apiserver == "" {
			usage()
		}
		var kubeconfig string
		kubeconfig, err = up(*dir, *etcd, *apiserver, *kubeVersion, *timeout)
		if err == nil {
			fmt.Println(kubeconfig)
		}
	case "serve":
		if *etcd == "" || *apiserver == "" {
			usage()
		}
		err = serve(*dir, *etcd, *apiserver, *kubeVersion, *timeout)
	case "down":
		err = down(*dir)
	case "status":
		err = status(*dir)
	case "get":
		if fs.NArg() != 1 {
			usage()
		}
		err = get(*dir, fs.Arg(0))
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "testenv %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
