// Package demo is the `rdsfleet demo` command: the main job of rdsfleet run
// end to end against the built-in simulated organization.
package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/spf13/cobra"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/cli/factory"
	"github.com/rdsfleet/rdsfleet/internal/cli/fleetflags"
	"github.com/rdsfleet/rdsfleet/internal/cli/ls"
	"github.com/rdsfleet/rdsfleet/internal/cli/whoami"
	"github.com/rdsfleet/rdsfleet/internal/iostreams"
	"github.com/rdsfleet/rdsfleet/internal/simhost"
)

// RoleName is the role each application account's profile assumes, as in
// AWS's walkthrough.
const RoleName = "DB-Management-Host-Access-Role"

// Options are the demo command's settings.
type Options struct {
	IO *iostreams.IOStreams
	// KeepDir keeps the generated AWS config in this directory instead of a
	// temporary one.
	KeepDir string
}

// NewCmdDemo builds the command; runF replaces the run function in tests.
func NewCmdDemo(ios *iostreams.IOStreams, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run rdsfleet's main job against a simulated AWS organization",
		Long: `Start the AWS simulator in-process on the built-in demo world (a management
account with a DB management host, and application accounts across two
regions), write a centralized AWS config like the one in AWS's multi-account
walkthrough (one profile per account: role_arn + credential_source =
Ec2InstanceMetadata), and list every RDS database in every account and
region through cross-account roles. Accounts that cannot be reached are
reported with the reason; the others are still listed.

Nothing is installed or contacted outside this machine.`,
		Example: "  rdsfleet demo\n  rdsfleet demo --keep-config ./demo-aws",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.KeepDir, "keep-config", "", "write the generated AWS config into this directory and keep it")
	return cmd
}

type profile struct {
	name, account, roleARN string
}

// Run runs the demo.
func Run(ctx context.Context, opts *Options) error {
	w := world.Demo()
	dir := opts.KeepDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "rdsfleet-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return &exitcode.UsageError{Err: fmt.Errorf("--keep-config: %w", err)}
	}
	h, err := simhost.Start(simhost.Config{
		World: w, Addr: "127.0.0.1:0", ProxyAddr: "127.0.0.1:0", CAFile: filepath.Join(dir, "sim-ca.pem"), IMDSAddr: "127.0.0.1:0",
	})
	if err != nil {
		return err
	}
	defer h.Close()

	profiles, regions := demoProfiles(w)
	configPath := filepath.Join(dir, "config")
	if err := os.WriteFile(configPath, []byte(centralConfig(profiles, homeRegion(regions))), 0o644); err != nil {
		return err
	}
	httpClient, err := h.HTTPClient()
	if err != nil {
		return err
	}
	// One stream, so the failures read in order with the tables.
	ios := *opts.IO
	ios.ErrOut = ios.Out
	f := &factory.Factory{
		IO: &ios,
		// The management host's view: AWS endpoints through the simulator's
		// TLS proxy, instance metadata from the simulated host.
		LoadOptions: []func(*config.LoadOptions) error{
			config.WithHTTPClient(httpClient),
			config.WithEC2IMDSEndpoint(h.IMDSURL),
			config.WithSharedCredentialsFiles([]string{filepath.Join(dir, "credentials")}),
		},
		AWSConfigPath: configPath,
		CacheDir:      filepath.Join(dir, "cache"),
		ConfigPath:    filepath.Join(dir, "rdsfleet.yaml"),
	}
	out := ios.Out
	fmt.Fprintf(out, "rdsfleet demo: a simulated organization of %d accounts; the DB management host is %s.\n", len(w.Accounts), h.Instance)
	fmt.Fprintf(out, "AWS config as in AWS's walkthrough: %s\n(%d profiles with role_arn + credential_source = Ec2InstanceMetadata; regions %s)\n\n",
		configPath, len(profiles), strings.Join(regions, ", "))

	regionFlag := " --region " + strings.Join(regions, ",")
	fmt.Fprintln(out, "$ export AWS_CONFIG_FILE="+configPath+"\n$ rdsfleet whoami"+regionFlag)
	whoErr := whoami.Run(ctx, &whoami.Options{Factory: f, Flags: fleetflags.Flags{Regions: regions}})
	if err := expectPartial(whoErr); err != nil {
		return err
	}
	fmt.Fprintln(out, "\n$ rdsfleet ls"+regionFlag)
	start := time.Now()
	lsErr := ls.Run(ctx, &ls.Options{Factory: f, Kind: "instances", Flags: fleetflags.Flags{Regions: regions}})
	if err := expectPartial(lsErr); err != nil {
		return err
	}
	elapsed := time.Since(start)
	stats := h.Sim.Stats().Snapshot()
	fmt.Fprintf(out, "\nThe sweep took %s. The simulator served %d API calls in all, %d of them AssumeRole: ls reused the roles whoami had assumed, from the credential cache.\n",
		elapsed.Round(time.Millisecond), stats.Total, stats.ByAction["sts:AssumeRole"])
	fmt.Fprintln(out, `
Try next, on your own centralized config (no other set-up):
  AWS_CONFIG_FILE=/path/to/config rdsfleet ls
  rdsfleet ls clusters | snapshots | maintenance
  rdsfleet ls -o json | jq '.errors'
Or serve this organization to the AWS CLI, boto3 and the Go SDK (docs/simulator.md):
  rdsfleet sim --env-file sim.env --proxy-addr 127.0.0.1:4567 --ca-file sim-ca.pem --imds-addr 127.0.0.1:4568`)
	return nil
}

// expectPartial accepts the partial result the demo world is built to give
// (one account does not trust the management host).
func expectPartial(err error) error {
	var partial *exitcode.PartialError
	if err == nil || errors.As(err, &partial) {
		return nil
	}
	return err
}

// demoProfiles are the seed's profiles: one per application account.
func demoProfiles(w *world.World) ([]profile, []string) {
	mgmt := ""
	if w.Organization != nil {
		mgmt = w.Organization.ManagementAccount
	}
	var ps []profile
	for _, a := range w.Accounts {
		if a.ID == mgmt {
			continue
		}
		ps = append(ps, profile{name: a.Name, account: a.ID, roleARN: "arn:aws:iam::" + a.ID + ":role/" + RoleName})
	}
	used := map[string]bool{}
	for _, a := range w.Accounts {
		for _, d := range a.DBInstances {
			used[d.Region] = true
		}
		for _, r := range a.DisabledRegions {
			used[r] = true
		}
	}
	var regions []string
	for r := range used {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	if len(regions) == 0 {
		regions = []string{"us-east-1"}
	}
	return ps, regions
}

// homeRegion is the profiles' region: us-east-1 if the world has it.
func homeRegion(regions []string) string {
	for _, r := range regions {
		if r == "us-east-1" {
			return r
		}
	}
	return regions[0]
}

// centralConfig is the shared AWS_CONFIG_FILE of AWS's walkthrough.
func centralConfig(ps []profile, region string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Centralized AWS CLI config for the DB management host (written by rdsfleet demo)\n[default]\nregion = %s\n", region)
	for _, p := range ps {
		fmt.Fprintf(&b, "\n[profile %s]\nrole_arn = %s\ncredential_source = Ec2InstanceMetadata\nregion = %s\n", p.name, p.roleARN, region)
	}
	return b.String()
}
