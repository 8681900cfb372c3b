// Package sim is the `rdsfleet sim` command: the multi-account AWS simulator
// served on loopback.
package sim

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/spf13/cobra"

	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/iostreams"
	"github.com/rdsfleet/rdsfleet/internal/simhost"
)

// Options are the sim command's settings.
type Options struct {
	IO *iostreams.IOStreams

	WorldFile string
	Generate  string

	Addr, ProxyAddr, CAFile   string
	IMDSAddr, IMDSInstance    string
	EnvFile                   string
	Latency, Jitter           time.Duration
	Quotas                    bool
	ThrottleRate, FailureRate float64
	SessionLifetime           time.Duration
	Quiet                     bool
}

// NewCmdSim builds the command; runF replaces the run function in tests.
func NewCmdSim(ios *iostreams.IOStreams, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve a simulated multi-account AWS organization on loopback",
		Long: `Serve a simulated AWS organization: STS, IAM, EC2, RDS, Secrets Manager, KMS and
Organizations over their real wire protocols, with SigV4 verified and IAM
policies enforced as AWS does, across as many accounts as the world holds.

Without --world or --generate it serves the built-in demo world. Once every
listener is up it writes --env-file and prints one line starting with "ready".

Point clients at it with the env file:
  set -a; . ./sim.env; set +a
  /usr/bin/aws sts get-caller-identity        # through HTTPS_PROXY + AWS_CA_BUNDLE
The Go SDK also takes AWS_ENDPOINT_URL; boto3 and the AWS CLI take the proxy.
See docs/simulator.md for the world file and the walkthrough.`,
		Example: `  rdsfleet sim --env-file sim.env --proxy-addr 127.0.0.1:4567 --ca-file sim-ca.pem --imds-addr 127.0.0.1:4568
  rdsfleet sim --world my-org.yaml
  rdsfleet sim --generate accounts=1000,regions=2,instances=5 --latency 50ms --quotas`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.WorldFile, "world", "", "world file (YAML) to serve; default: the built-in demo world")
	f.StringVar(&opts.Generate, "generate", "", "generate a world: accounts=N,regions=R,instances=K")
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:4566", "address of the AWS API endpoint")
	f.StringVar(&opts.ProxyAddr, "proxy-addr", "", "also serve an HTTPS proxy that terminates TLS for *.amazonaws.com")
	f.StringVar(&opts.CAFile, "ca-file", "", "write the proxy's CA certificate here (for AWS_CA_BUNDLE)")
	f.StringVar(&opts.IMDSAddr, "imds-addr", "", "also serve the EC2 instance metadata service here")
	f.StringVar(&opts.IMDSInstance, "imds-instance", "", "EC2 instance whose metadata to serve (default: the first with an instance profile)")
	f.StringVar(&opts.EnvFile, "env-file", "", "write the KEY=VALUE lines clients need here")
	f.DurationVar(&opts.Latency, "latency", 0, "latency added to every API call")
	f.DurationVar(&opts.Jitter, "jitter", 0, "random extra latency, up to this much")
	f.BoolVar(&opts.Quotas, "quotas", false, "enforce AWS API rate limits per account and region")
	f.Float64Var(&opts.ThrottleRate, "throttle-rate", 0, "fraction of calls answered with a throttling error (0-1)")
	f.Float64Var(&opts.FailureRate, "failure-rate", 0, "fraction of calls answered with an internal error (0-1)")
	f.DurationVar(&opts.SessionLifetime, "session-lifetime", 0, "cap every STS and IMDS session at this lifetime (exercise credential refresh)")
	f.BoolVar(&opts.Quiet, "quiet", false, "don't log refused and unknown operations to stderr")
	return cmd
}

// LoadWorld resolves --world and --generate to a world.
func LoadWorld(file, generate string) (*world.World, error) {
	switch {
	case file != "" && generate != "":
		return nil, fmt.Errorf("--world and --generate can't be used together")
	case file != "":
		return world.Load(file)
	case generate != "":
		spec, err := world.ParseGenerateSpec(generate)
		if err != nil {
			return nil, fmt.Errorf("--generate: %w", err)
		}
		return world.Generate(spec)
	}
	return world.Demo(), nil
}

// Run serves until the context is cancelled.
func Run(ctx context.Context, opts *Options) error {
	for _, r := range []struct {
		name string
		v    float64
	}{{"--throttle-rate", opts.ThrottleRate}, {"--failure-rate", opts.FailureRate}} {
		if r.v < 0 || r.v > 1 {
			return usageError(fmt.Errorf("%s %v: want a fraction between 0 and 1", r.name, r.v))
		}
	}
	w, err := LoadWorld(opts.WorldFile, opts.Generate)
	if err != nil {
		return usageError(err)
	}
	simOpts := awssim.Options{
		Latency: opts.Latency, Jitter: opts.Jitter, Quotas: opts.Quotas,
		ThrottleRate: opts.ThrottleRate, FailureRate: opts.FailureRate, SessionLifetime: opts.SessionLifetime,
	}
	if !opts.Quiet {
		logger := log.New(opts.IO.ErrOut, "", log.LstdFlags)
		simOpts.Logf = logger.Printf
	}
	start := time.Now()
	h, err := simhost.Start(simhost.Config{
		World: w, Options: simOpts,
		Addr: opts.Addr, ProxyAddr: opts.ProxyAddr, CAFile: opts.CAFile,
		IMDSAddr: opts.IMDSAddr, IMDSInstance: opts.IMDSInstance, EnvFile: opts.EnvFile,
	})
	if err != nil {
		return usageError(err)
	}
	defer h.Close()
	line := fmt.Sprintf("ready endpoint=%s accounts=%d", h.Endpoint, len(w.Accounts))
	if h.ProxyURL != "" {
		line += " proxy=" + h.ProxyURL + " ca-file=" + h.CAFile
	}
	if h.IMDSURL != "" {
		line += " imds=" + h.IMDSURL + " instance=" + h.Instance
	}
	if opts.EnvFile != "" {
		line += " env-file=" + opts.EnvFile
	}
	line += fmt.Sprintf(" startup=%s", time.Since(start).Round(time.Millisecond))
	fmt.Fprintln(opts.IO.Out, line)
	<-ctx.Done()
	return nil
}

func usageError(err error) error { return &exitcode.UsageError{Err: err} }
