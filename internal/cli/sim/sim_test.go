package sim

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/iostreams"
)

func TestSimWritesEnvFileAndReadyLine(t *testing.T) {
	dir := t.TempDir()
	ios, _, _, _ := iostreams.Test()
	out := &syncBuffer{}
	ios.Out = out
	opts := &Options{IO: ios, Addr: "127.0.0.1:0", ProxyAddr: "127.0.0.1:0", CAFile: filepath.Join(dir, "ca.pem"),
		IMDSAddr: "127.0.0.1:0", EnvFile: filepath.Join(dir, "sim.env"), Quiet: true}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Run(ctx, opts) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "\n") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "ready endpoint=http://127.0.0.1:") {
		t.Fatalf("ready line: %q", out.String())
	}
	env, err := os.ReadFile(opts.EnvFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"AWS_ENDPOINT_URL=http://127.0.0.1:", "AWS_ENDPOINT_URL_STS=", "HTTPS_PROXY=http://127.0.0.1:", "AWS_CA_BUNDLE=" + opts.CAFile, "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:"} {
		if !strings.Contains(string(env), "\n"+key) && !strings.HasPrefix(string(env), key) {
			t.Errorf("env file lacks %s:\n%s", key, env)
		}
	}
	for _, line := range strings.Split(string(env), "\n") {
		if strings.HasPrefix(line, "AWS_EC2_METADATA_SERVICE_ENDPOINT=") && !strings.HasSuffix(line, "/") {
			t.Errorf("IMDS endpoint needs its trailing slash: %s", line)
		}
	}
}

// syncBuffer is written by the command's goroutine and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestSimBadInputIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("accounts:\n  - id: 12\n    name: x\n"), 0o644)
	for name, opts := range map[string]*Options{
		"missing world":    {WorldFile: filepath.Join(dir, "nope.yaml")},
		"bad world":        {WorldFile: bad},
		"bad generate":     {Generate: "accounts=x"},
		"both":             {WorldFile: bad, Generate: "accounts=1"},
		"rate":             {ThrottleRate: 2},
		"non-loopback":     {Addr: "0.0.0.0:0"},
		"proxy without ca": {Addr: "127.0.0.1:0", ProxyAddr: "127.0.0.1:0"},
	} {
		ios, _, _, _ := iostreams.Test()
		opts.IO = ios
		opts.Quiet = true
		err := Run(context.Background(), opts)
		var usage *exitcode.UsageError
		if !errors.As(err, &usage) {
			t.Errorf("%s: got %v, want a usage error", name, err)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", name, err)
		}
	}
}
