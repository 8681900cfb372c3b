package main

// End-to-end tests: testdata/script/*.txtar run the real rdsfleet binary
// (this test binary, re-executed as "rdsfleet" through testscript.Main,
// running cli.Main exactly as main.go does)
// against the simulator, which runs as the real binary too (`rdsfleet sim`
// started by simstart). The commands under test reach the simulator only
// through their environment, as a user's would: the lines of the
// simulator's --env-file (AWS_ENDPOINT_URL, HTTPS_PROXY, AWS_CA_BUNDLE,
// AWS_EC2_METADATA_SERVICE_ENDPOINT, NO_PROXY) plus the AWS_CONFIG_FILE the
// script sets.
//
// Script commands added here:
//
//	simstart [-no-imds] [sim flags]
//	                       run `rdsfleet sim` in the background on free
//	                       loopback ports with its proxy and IMDS (not with
//	                       -no-imds), wait for its ready line and load its
//	                       env file into the script's environment; stopped
//	                       (interrupted) when the script ends
//	simstats ACTION N      the simulator served exactly N calls of ACTION
//	                       (e.g. sts:AssumeRole) since the last simreset
//	simreset               zero the simulator's call counts
//	exitcode N CMD [ARGS]  run CMD (a program on PATH, e.g. rdsfleet) and
//	                       succeed only if it exits with status N; its
//	                       stdout and stderr are the command's
//	jsonpath [-lines] PATH =|~ VALUE
//	                       check the last stdout as JSON (or JSON lines)
//	                       without jq; see cmdJSONPath
//
// The scripts' HOME, XDG_CACHE_HOME and XDG_CONFIG_HOME are $WORK, so no
// real user file (credential cache, ~/.aws, rdsfleet config) is read or
// written, and nothing of the machine's environment (such as a global
// AWS_CA_BUNDLE) leaks in: testscript starts from an empty environment.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rdsfleet/rdsfleet/internal/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"rdsfleet": func() { os.Exit(cli.Main()) },
		"exitcode": func() { os.Exit(exitcodeMain(os.Args[1:])) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// Keep every user file out of reach: the credential cache, the
			// rdsfleet config and ~/.aws all live under $WORK.
			work := env.WorkDir
			env.Setenv("HOME", work)
			env.Setenv("XDG_CACHE_HOME", filepath.Join(work, ".cache"))
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(work, ".config"))
			env.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(work, "no-credentials"))
			env.Setenv("AWS_CONFIG_FILE", filepath.Join(work, "no-aws-config"))
			env.Setenv("NO_COLOR", "1")
			// Under -race every process sleeps a second before exiting to
			// let late races show (GORACE atexit_sleep_ms); scripts run
			// dozens of processes, so keep that short unless told otherwise.
			if gorace := os.Getenv("GORACE"); !strings.Contains(gorace, "atexit_sleep_ms") {
				env.Setenv("GORACE", strings.TrimSpace(gorace+" atexit_sleep_ms=10"))
			}
			env.Values[simKey{}] = &simState{}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"simstart": cmdSimstart,
			"simstats": cmdSimstats,
			"simreset": cmdSimreset,
			"jsonpath": cmdJSONPath,
		},
		RequireUniqueNames: true,
	})
}

type simKey struct{}

// simState is the script's running simulator.
type simState struct {
	endpoint string
}

func state(ts *testscript.TestScript) *simState { return ts.Value(simKey{}).(*simState) }

// safeBuffer collects a background process's output.
type safeBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// childEnv is the environment for a process a custom command starts: what
// testscript would pass, for the variables that matter to rdsfleet sim.
func childEnv(ts *testscript.TestScript) []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "GORACE", "GOCOVERDIR", "GOTRACEBACK"} {
		if v := ts.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func cmdSimstart(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! simstart")
	}
	st := state(ts)
	if st.endpoint != "" {
		ts.Fatalf("simstart: the simulator is already running")
	}
	work := ts.Getenv("WORK")
	envFile := filepath.Join(work, "sim.env")
	bin, err := exec.LookPath("rdsfleet") // testscript put it first on PATH
	ts.Check(err)
	full := []string{"sim", "--addr", "127.0.0.1:0", "--proxy-addr", "127.0.0.1:0", "--ca-file", filepath.Join(work, "ca.pem"),
		"--env-file", envFile, "--quiet"}
	if len(args) > 0 && args[0] == "-no-imds" {
		args = args[1:]
	} else {
		full = append(full, "--imds-addr", "127.0.0.1:0")
	}
	full = append(full, args...)
	cmd := exec.Command(bin, full...)
	cmd.Dir = work
	cmd.Env = childEnv(ts)
	stdout, err := cmd.StdoutPipe()
	ts.Check(err)
	var stderr safeBuffer
	cmd.Stderr = &stderr
	ts.Check(cmd.Start())

	exited := make(chan error, 1)
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "ready ") {
				select {
				case ready <- line:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			if err != nil {
				ts.Logf("rdsfleet sim exited: %v\n%s", err, stderr.String())
			}
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
			ts.Logf("rdsfleet sim did not stop on interrupt; killed\n%s", stderr.String())
		}
	}
	ts.Defer(stop)

	var line string
	select {
	case line = <-ready:
	case err := <-exited:
		stopped = true
		ts.Fatalf("rdsfleet sim exited before it was ready: %v\n%s", err, stderr.String())
	case <-time.After(20 * time.Second):
		ts.Fatalf("rdsfleet sim not ready after 20s\n%s", stderr.String())
	}
	ts.Logf("%s", line)

	data, err := os.ReadFile(envFile)
	ts.Check(err)
	for _, l := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(l), "=")
		if !ok || k == "" || strings.HasPrefix(k, "#") {
			continue
		}
		ts.Setenv(k, v)
		if k == "AWS_ENDPOINT_URL" {
			st.endpoint = v
		}
	}
	if st.endpoint == "" {
		ts.Fatalf("simstart: %s has no AWS_ENDPOINT_URL:\n%s", envFile, data)
	}
}

func simRequest(ts *testscript.TestScript, method, path string) []byte {
	st := state(ts)
	if st.endpoint == "" {
		ts.Fatalf("the simulator is not running (simstart first)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, st.endpoint+path, nil)
	ts.Check(err)
	// Straight to loopback, whatever this process's proxy settings.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	ts.Check(err)
	if resp.StatusCode/100 != 2 {
		ts.Fatalf("%s %s: %s\n%s", method, path, resp.Status, body)
	}
	return body
}

func cmdSimstats(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: simstats ACTION N")
	}
	want, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	var stats struct {
		ByAction map[string]int64 `json:"by_action"`
	}
	body := simRequest(ts, http.MethodGet, "/_sim/stats")
	if err := json.Unmarshal(body, &stats); err != nil {
		ts.Fatalf("/_sim/stats is not JSON: %v\n%s", err, body)
	}
	got := stats.ByAction[args[0]]
	if (got == want) == neg {
		ts.Fatalf("%s calls: got %d, want %s%d (by_action: %v)", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want, stats.ByAction)
	}
}

func cmdSimreset(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: simreset")
	}
	simRequest(ts, http.MethodPost, "/_sim/stats/reset")
}

// cmdJSONPath checks the last command's stdout as JSON (or, with -lines, as
// one JSON document per line, all gathered in a list):
//
//	jsonpath [-lines] PATH OP VALUE
//
// PATH is dot-separated keys and list indexes ("errors.0.code", "rows.#"
// for a list's length, "rows.*.id" for every element's id, joined by
// spaces); OP is = or ~ (regexp-free substring). VALUE is compared with
// the value's JSON text for numbers and booleans, the plain text for
// strings.
func cmdJSONPath(ts *testscript.TestScript, neg bool, args []string) {
	lines := false
	if len(args) > 0 && args[0] == "-lines" {
		lines, args = true, args[1:]
	}
	if len(args) != 3 || (args[1] != "=" && args[1] != "~") {
		ts.Fatalf("usage: jsonpath [-lines] PATH =|~ VALUE")
	}
	text := ts.ReadFile("stdout")
	var doc any
	if lines {
		var list []any
		for i, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			if strings.TrimSpace(l) == "" {
				continue
			}
			var v any
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				ts.Fatalf("stdout line %d is not JSON: %v\n%s", i+1, err, l)
			}
			list = append(list, v)
		}
		doc = list
	} else if err := json.Unmarshal([]byte(text), &doc); err != nil {
		ts.Fatalf("stdout is not JSON: %v\n%s", err, text)
	}
	got, err := lookup(doc, strings.Split(args[0], "."))
	if err != nil {
		ts.Fatalf("jsonpath %s: %v", args[0], err)
	}
	ok := got == args[2]
	if args[1] == "~" {
		ok = strings.Contains(got, args[2])
	}
	if ok == neg {
		ts.Fatalf("jsonpath %s: got %q, want %s%s %q", args[0], got, map[bool]string{true: "not ", false: ""}[neg], args[1], args[2])
	}
}

func lookup(v any, path []string) (string, error) {
	if len(path) == 0 || (len(path) == 1 && path[0] == "") {
		switch x := v.(type) {
		case string:
			return x, nil
		case nil:
			return "null", nil
		default:
			b, err := json.Marshal(x)
			return string(b), err
		}
	}
	key, rest := path[0], path[1:]
	switch x := v.(type) {
	case map[string]any:
		if key == "#" {
			return strconv.Itoa(len(x)), nil
		}
		e, ok := x[key]
		if !ok {
			return "", fmt.Errorf("no key %q", key)
		}
		return lookup(e, rest)
	case []any:
		switch key {
		case "#":
			return strconv.Itoa(len(x)), nil
		case "*":
			var out []string
			for _, e := range x {
				s, err := lookup(e, rest)
				if err != nil {
					return "", err
				}
				out = append(out, s)
			}
			return strings.Join(out, " "), nil
		}
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(x) {
			return "", fmt.Errorf("no element %q in a list of %d", key, len(x))
		}
		return lookup(x[i], rest)
	}
	return "", fmt.Errorf("%q: not a mapping or list", key)
}

// exitcodeMain is the exitcode program: exitcode N CMD [ARGS...] runs CMD
// with this process's environment and streams, and exits 0 if CMD exited
// with N, 1 otherwise.
func exitcodeMain(args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: exitcode N CMD [ARGS...]")
		return 1
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "exitcode: %q is not a number\n", args[0])
		return 1
	}
	cmd := exec.Command(args[1], args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	got := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		got = exitErr.ExitCode()
	case err != nil:
		fmt.Fprintf(os.Stderr, "exitcode: %v\n", err)
		return 1
	}
	if got != want {
		fmt.Fprintf(os.Stderr, "exitcode: %s exited with %d, want %d\n", args[1], got, want)
		return 1
	}
	return 0
}
