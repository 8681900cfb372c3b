package ls

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
	"github.com/rdsfleet/rdsfleet/internal/cli/factory"
	"github.com/rdsfleet/rdsfleet/internal/cli/fleetflags"
	"github.com/rdsfleet/rdsfleet/internal/iostreams"
	"github.com/rdsfleet/rdsfleet/internal/output"
	"github.com/rdsfleet/rdsfleet/internal/simhost"
	"github.com/rdsfleet/rdsfleet/internal/sweep"
)

// The fleet-sweep benchmarks run `rdsfleet ls -o json` in-process, with
// default settings, against a generated world served by the simulator on
// loopback (API, TLS proxy, instance metadata), as a DB management host
// would: an AWS config with one profile per application account
// (role_arn + credential_source = Ec2InstanceMetadata, AWS's walkthrough).
// Every run gets its own HTTP client (new connections, as a new process
// would). Results and the formula of the bound: docs/benchmarks.md.

// benchFleet is a generated world served by the simulator, with its AWS
// config written.
type benchFleet struct {
	spec      world.GenerateSpec
	latency   time.Duration
	host      *simhost.Host
	dir       string
	awsConfig string
	regions   []string
}

func startBenchFleet(b *testing.B, spec world.GenerateSpec, latency time.Duration) *benchFleet {
	b.Helper()
	w, err := world.Generate(spec)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	h, err := simhost.Start(simhost.Config{
		World: w, Options: awssim.Options{Latency: latency}, Addr: "127.0.0.1:0", ProxyAddr: "127.0.0.1:0",
		CAFile: filepath.Join(dir, "ca.pem"), IMDSAddr: "127.0.0.1:0",
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { h.Close() })
	fl := &benchFleet{spec: spec, latency: latency, host: h, dir: dir,
		awsConfig: filepath.Join(dir, "aws-config"), regions: world.DefaultRegions[:spec.Regions]}
	if err := os.WriteFile(fl.awsConfig, []byte(walkthroughConfig(spec.Accounts)), 0o644); err != nil {
		b.Fatal(err)
	}
	return fl
}

// walkthroughConfig is the centralized AWS config of AWS's walkthrough for
// the generated application accounts.
func walkthroughConfig(accounts int) string {
	var sb strings.Builder
	sb.WriteString("[default]\nregion = us-east-1\n")
	for i := 1; i <= accounts; i++ {
		fmt.Fprintf(&sb, "\n[profile app-%05d]\nrole_arn = arn:aws:iam::%d:role/%s\ncredential_source = Ec2InstanceMetadata\nregion = us-east-1\n",
			i, 100_000_000_000+int64(i), world.AccessRoleName)
	}
	return sb.String()
}

// factory is a command factory for one run: a fresh HTTP client (no
// connections carried over from an earlier run), the given cache
// directory, stdout into out.
func (fl *benchFleet) factory(b *testing.B, cacheDir string, out *bytes.Buffer) *factory.Factory {
	b.Helper()
	hc, err := fl.host.HTTPClient()
	if err != nil {
		b.Fatal(err)
	}
	return &factory.Factory{
		IO: &iostreams.IOStreams{In: &bytes.Buffer{}, Out: out, ErrOut: &bytes.Buffer{}},
		LoadOptions: []func(*config.LoadOptions) error{
			config.WithHTTPClient(hc),
			config.WithEC2IMDSEndpoint(fl.host.IMDSURL),
			config.WithSharedCredentialsFiles([]string{filepath.Join(fl.dir, "credentials")}),
		},
		AWSConfigPath: fl.awsConfig,
		CacheDir:      cacheDir,
		ConfigPath:    filepath.Join(fl.dir, "rdsfleet.yaml"), // absent: defaults
	}
}

// run runs `ls -o json` once. Its goroutines carry the profiler label
// bench=ls (pprof -tagfocus bench=ls leaves out setup and checks; the
// simulator's goroutines are not labelled).
func (fl *benchFleet) run(b *testing.B, f *factory.Factory) {
	b.Helper()
	flags := fleetflags.Flags{Regions: fl.regions, Format: output.FormatJSON}
	var err error
	pprof.Do(context.Background(), pprof.Labels("bench", "ls"), func(ctx context.Context) {
		err = Run(ctx, &Options{Factory: f, Flags: flags, Kind: "instances"})
	})
	if err != nil {
		b.Fatalf("ls: %v\n%s", err, f.IO.ErrOut)
	}
}

// check checks a run's output: every DB instance, no failure.
func (fl *benchFleet) check(b *testing.B, out *bytes.Buffer) {
	b.Helper()
	var doc struct {
		Rows   []json.RawMessage `json:"rows"`
		Errors []output.Failure  `json:"errors"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		b.Fatalf("output is not JSON: %v", err)
	}
	if want := fl.spec.Accounts * fl.spec.Regions * fl.spec.Instances; len(doc.Rows) != want || len(doc.Errors) != 0 {
		b.Fatalf("rows = %d (want %d), errors = %d: %+v", len(doc.Rows), want, len(doc.Errors), doc.Errors)
	}
}

// lowerBound is the fastest any client could finish the sweep's calls at
// concurrency c and latency l: every target's chain of sequential calls
// (AssumeRole, when it is needed, then its describe pages) takes at least
// chain × l, and n calls through c in-flight slots take at least
// ceil(n / c) × l. The bound is the larger of the two.
func lowerBound(n, chain, c int, l time.Duration) time.Duration {
	return max(time.Duration(chain)*l, time.Duration((n+c-1)/c)*l)
}

// describePages is how many DescribeDBInstances pages a region of k
// instances takes at the 100 records a page rdsfleet asks for (an empty
// region still takes one call).
func describePages(k int) int { return max(1, (k+99)/100) }

// BenchmarkLsSweep is `rdsfleet ls -o json` over a generated fleet with
// 50 ms of API latency, default settings (concurrency 64), with a cold
// credential cache (one AssumeRole per account) and a warm one (none).
//
//	go test ./internal/cli/ls/ -run '^$' -bench '^BenchmarkLsSweep$' -benchtime 3x
func BenchmarkLsSweep(b *testing.B) {
	const latency = 50 * time.Millisecond
	for _, accounts := range []int{100, 1000} {
		b.Run(fmt.Sprintf("accounts=%d", accounts), func(b *testing.B) {
			fl := startBenchFleet(b, world.GenerateSpec{Accounts: accounts, Regions: 2, Instances: 5, Seed: 1}, latency)
			targets := accounts * fl.spec.Regions
			describes := targets * describePages(fl.spec.Instances)
			stats := fl.host.Sim.Stats()

			b.Run("cache=cold", func(b *testing.B) {
				bound := lowerBound(accounts+describes, 1+describePages(fl.spec.Instances), sweep.DefaultConcurrency, latency)
				var out bytes.Buffer
				var calls map[string]int64
				var cpu time.Duration
				b.StopTimer()
				for i := 0; i < b.N; i++ {
					cache, err := os.MkdirTemp(fl.dir, "cache-cold-")
					if err != nil {
						b.Fatal(err)
					}
					out.Reset()
					f := fl.factory(b, cache, &out)
					stats.Reset()
					start, cpu0 := time.Now(), cpuTime()
					b.StartTimer()
					fl.run(b, f)
					b.StopTimer()
					cpu += cpuTime() - cpu0
					b.Logf("run %d: wall %v, CPU %v", i+1, time.Since(start).Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond))
					calls = addCalls(calls, stats.Snapshot())
					fl.check(b, &out)
				}
				reportSweep(b, calls, bound, cpu)
			})

			b.Run("cache=warm", func(b *testing.B) {
				bound := lowerBound(describes, describePages(fl.spec.Instances), sweep.DefaultConcurrency, latency)
				cache := filepath.Join(fl.dir, "cache-warm")
				var out bytes.Buffer
				b.StopTimer()
				fl.run(b, fl.factory(b, cache, &out)) // fills the cache
				fl.check(b, &out)
				var calls map[string]int64
				var cpu time.Duration
				for i := 0; i < b.N; i++ {
					out.Reset()
					f := fl.factory(b, cache, &out)
					stats.Reset()
					start, cpu0 := time.Now(), cpuTime()
					b.StartTimer()
					fl.run(b, f)
					b.StopTimer()
					cpu += cpuTime() - cpu0
					b.Logf("run %d: wall %v, CPU %v", i+1, time.Since(start).Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond))
					calls = addCalls(calls, stats.Snapshot())
					fl.check(b, &out)
				}
				reportSweep(b, calls, bound, cpu)
			})
		})
	}
}

func addCalls(sum map[string]int64, snap awssim.StatsSnapshot) map[string]int64 {
	if sum == nil {
		sum = map[string]int64{}
	}
	for action, n := range snap.ByAction {
		sum[action] += n
	}
	return sum
}

// cpuTime is the CPU time (user + system) the process used so far:
// rdsfleet's and the simulator's, which share it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportSweep reports calls by action per run, the bound and wall/bound.
func reportSweep(b *testing.B, calls map[string]int64, bound, cpu time.Duration) {
	b.Helper()
	n := float64(b.N)
	assume, describe := calls["sts:AssumeRole"], calls["rds:DescribeDBInstances"]
	var other int64
	var names []string
	for action, c := range calls {
		if action != "sts:AssumeRole" && action != "rds:DescribeDBInstances" {
			other += c
			names = append(names, fmt.Sprintf("%s=%d", action, c))
		}
	}
	b.ReportMetric(float64(assume)/n, "assume_calls/op")
	b.ReportMetric(float64(describe)/n, "describe_calls/op")
	b.ReportMetric(float64(other)/n, "other_calls/op")
	b.ReportMetric(float64(bound.Milliseconds()), "bound_ms")
	b.ReportMetric(float64(cpu.Milliseconds())/n, "cpu_ms/op")
	wall := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(wall)/float64(bound), "wall/bound")
	if len(names) > 0 {
		b.Logf("other calls over %d runs: %s", b.N, strings.Join(names, " "))
	}
}

// BenchmarkLsPeakMemory is the heap of `ls -o json` over 10,000 accounts
// × 5 DB instances (one region, no latency, cold cache), in-process: the
// peak of HeapInuse during the run above what the simulator and the test
// already held (sampled every 5 ms), and TotalAlloc over the run. The
// output buffer (the JSON of 50,000 rows) is counted.
//
//	go test ./internal/cli/ls/ -run '^$' -bench LsPeakMemory -benchtime 1x
func BenchmarkLsPeakMemory(b *testing.B) {
	fl := startBenchFleet(b, world.GenerateSpec{Accounts: 10_000, Regions: 1, Instances: 5, Seed: 1}, 0)
	var peak, total uint64
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		cache, err := os.MkdirTemp(fl.dir, "cache-mem-")
		if err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		f := fl.factory(b, cache, &out)
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)

		stop := make(chan struct{})
		var wg sync.WaitGroup
		var maxInuse uint64
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			var ms runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					runtime.ReadMemStats(&ms)
					maxInuse = max(maxInuse, ms.HeapInuse)
				}
			}
		}()
		b.StartTimer()
		fl.run(b, f)
		b.StopTimer()
		close(stop)
		wg.Wait()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		maxInuse = max(maxInuse, after.HeapInuse)
		peak = max(peak, maxInuse-before.HeapInuse)
		total += after.TotalAlloc - before.TotalAlloc
		fl.check(b, &out)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak_heap_inuse_MB")
	b.ReportMetric(float64(total)/float64(b.N)/(1<<20), "alloc_MB/op")
}
