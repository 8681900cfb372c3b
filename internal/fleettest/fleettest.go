// Package fleettest runs fleet commands against the simulator in tests:
// a simulated organization served on loopback (API, TLS proxy, instance
// metadata), a factory whose SDK clients reach it as a management host's
// would, and temporary config and cache directories.
package fleettest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
	"github.com/rdsfleet/rdsfleet/internal/cli/factory"
	"github.com/rdsfleet/rdsfleet/internal/iostreams"
	"github.com/rdsfleet/rdsfleet/internal/simhost"
)

// Env is one test's simulated organization and command surroundings.
type Env struct {
	Host    *simhost.Host
	Factory *factory.Factory
	Dir     string
	Out     interface{ String() string }
	Err     interface{ String() string }
}

// Start serves the world (YAML, or the demo world if empty) with IMDS for
// instance (empty: the first with an instance profile).
func Start(t testing.TB, worldYAML string, opts awssim.Options, instance string) *Env {
	t.Helper()
	w := world.Demo()
	if worldYAML != "" {
		var err error
		if w, err = world.Parse("test-world.yaml", []byte(worldYAML)); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	imdsAddr := "127.0.0.1:0"
	if instance == "" && !hasInstanceProfile(w) {
		imdsAddr = "" // no management host in this world
	}
	h, err := simhost.Start(simhost.Config{
		World: w, Options: opts, Addr: "127.0.0.1:0", ProxyAddr: "127.0.0.1:0",
		CAFile: filepath.Join(dir, "ca.pem"), IMDSAddr: imdsAddr, IMDSInstance: instance,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	hc, err := h.HTTPClient()
	if err != nil {
		t.Fatal(err)
	}
	ios, _, out, errOut := iostreams.Test()
	loadOpts := []func(*config.LoadOptions) error{
		config.WithHTTPClient(hc),
		config.WithSharedCredentialsFiles([]string{filepath.Join(dir, "credentials")}),
	}
	if h.IMDSURL != "" {
		loadOpts = append(loadOpts, config.WithEC2IMDSEndpoint(h.IMDSURL))
	}
	return &Env{
		Host: h, Dir: dir, Out: out, Err: errOut,
		Factory: &factory.Factory{
			IO:            ios,
			LoadOptions:   loadOpts,
			AWSConfigPath: filepath.Join(dir, "aws-config"),
			CacheDir:      filepath.Join(dir, "cache"),
			ConfigPath:    filepath.Join(dir, "rdsfleet.yaml"),
		},
	}
}

// WriteAWSConfig writes the AWS config file the commands read.
func (e *Env) WriteAWSConfig(t testing.TB, text string) {
	t.Helper()
	if err := os.WriteFile(e.Factory.AWSConfigPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// WriteConfig writes the rdsfleet config file.
func (e *Env) WriteConfig(t testing.TB, text string) {
	t.Helper()
	if err := os.WriteFile(e.Factory.ConfigPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Reset clears the command output and the simulator's call counts.
func (e *Env) Reset() {
	ios, _, out, errOut := iostreams.Test()
	e.Factory.IO = ios
	e.Out, e.Err = out, errOut
	e.Host.Sim.Stats().Reset()
}

// Calls is how many calls of an action ("sts:AssumeRole") the simulator
// served since the last Reset.
func (e *Env) Calls(action string) int64 { return e.Host.Sim.Stats().Snapshot().ByAction[action] }

func hasInstanceProfile(w *world.World) bool {
	for _, a := range w.Accounts {
		for _, i := range a.EC2Instances {
			if i.InstanceProfile != "" {
				return true
			}
		}
	}
	return false
}
