// Package ls is `rdsfleet ls`: the RDS inventory of every account and
// region of the fleet, swept concurrently.
package ls

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/cli/factory"
	"github.com/rdsfleet/rdsfleet/internal/cli/fleetflags"
	"github.com/rdsfleet/rdsfleet/internal/fleet"
	"github.com/rdsfleet/rdsfleet/internal/inventory"
	"github.com/rdsfleet/rdsfleet/internal/output"
	"github.com/rdsfleet/rdsfleet/internal/sweep"
)

// Options are ls's settings.
type Options struct {
	Factory *factory.Factory
	Flags   fleetflags.Flags
	Kind    string // instances, clusters, snapshots, maintenance
}

// kind is one listing: what to call and how to show it.
type kind[T any] struct {
	noun    string
	list    func(ctx context.Context, cfg aws.Config, acct accounts.Account, region string, lim inventory.Limiter) ([]T, error)
	columns []string
	summary func(any) string
}

var (
	instances   = kind[inventory.DBInstanceRow]{"DB instances", inventory.Instances, inventory.InstanceColumns, inventory.InstanceSummary}
	clusters    = kind[inventory.DBClusterRow]{"DB clusters", inventory.Clusters, inventory.ClusterColumns, inventory.ClusterSummary}
	snapshots   = kind[inventory.SnapshotRow]{"snapshots", inventory.Snapshots, inventory.SnapshotColumns, inventory.SnapshotSummary}
	maintenance = kind[inventory.MaintenanceRow]{"pending maintenance actions", inventory.Maintenance, inventory.MaintenanceColumns, inventory.MaintenanceSummary}
)

// NewCmdLs builds `ls` and its subcommands; runF replaces the run function
// in tests.
func NewCmdLs(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Factory: f, Kind: "instances"}
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List the DB instances of every account and region",
		Long: `List RDS and Aurora DB instances in every account and region of the fleet.

Accounts come from the rdsfleet config's sources; with none, from every
profile of the AWS config (AWS_CONFIG_FILE) that has a role_arn. Each account's
role is assumed once; credentials are cached on disk until shortly before
they expire. Accounts and regions that fail are listed with the reason; the
rest are still shown, and the exit code is 3 (partial).

JSON output: {"rows": [...], "errors": [...]}; see the README for the fields.`,
		Example: `  rdsfleet ls
  rdsfleet ls --account 'prod-*' --region us-east-1,eu-west-1
  rdsfleet ls --filter engine=postgres --sort -storage_gb -o csv
  rdsfleet ls -o json | jq '.rows[] | select(.public)'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	opts.Flags.AddFleet(cmd)
	opts.Flags.AddOutput(cmd, strings.Join(inventory.InstanceColumns, ","))
	for _, sub := range []struct {
		use, short, example string
		cols                []string
	}{
		{"clusters", "List the Aurora and Multi-AZ DB clusters of every account and region", "  rdsfleet ls clusters --filter engine~aurora", inventory.ClusterColumns},
		{"snapshots", "List the DB and cluster snapshots of every account and region", "  rdsfleet ls snapshots --filter type=manual --sort created", inventory.SnapshotColumns},
		{"maintenance", "List pending maintenance actions in every account and region", "  rdsfleet ls maintenance --sort forced_apply_date", inventory.MaintenanceColumns},
	} {
		subOpts := &Options{Factory: f, Kind: sub.use}
		c := &cobra.Command{
			Use: sub.use, Short: sub.short, Example: sub.example, Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				if runF != nil {
					return runF(cmd.Context(), subOpts)
				}
				return Run(cmd.Context(), subOpts)
			},
		}
		subOpts.Flags.AddFleet(c)
		subOpts.Flags.AddOutput(c, strings.Join(sub.cols, ","))
		cmd.AddCommand(c)
	}
	return cmd
}

// Run lists opts.Kind.
func Run(ctx context.Context, opts *Options) error {
	switch opts.Kind {
	case "clusters":
		return run(ctx, opts, clusters)
	case "snapshots":
		return run(ctx, opts, snapshots)
	case "maintenance":
		return run(ctx, opts, maintenance)
	default:
		return run(ctx, opts, instances)
	}
}

func run[T any](ctx context.Context, opts *Options, k kind[T]) error {
	ios := opts.Factory.IO
	outOpts, err := opts.Flags.OutputOptions(ios.IsStdoutTTY())
	if err != nil {
		return err
	}
	// Check --columns, --sort and --filter before minutes of API calls.
	if err := output.Render(io.Discard, io.Discard, output.Table{Rows: []T{}, Default: k.columns}, outOpts); err != nil {
		return &exitcode.UsageError{Err: fmt.Errorf("--columns/--sort/--filter: %w", err)}
	}
	fl, err := opts.Flags.Load(ctx, opts.Factory)
	if err != nil {
		return err
	}
	targets := sweep.Targets(fl.Accounts, fl.Regions)
	rows, failures, err := Sweep(ctx, fl, targets, ios.ErrOut, ios.IsStderrTTY(), k.list)
	if rerr := output.Render(ios.Out, ios.ErrOut, output.Table{Rows: rows, Failures: failures, Default: k.columns, Summary: k.summary}, outOpts); rerr != nil {
		return &exitcode.UsageError{Err: rerr}
	}
	if err != nil {
		return err
	}
	return Outcome(failures, len(targets))
}

// Sweep runs list over the targets of fl and gathers rows and
// failures. Failures to assume an account's role are reported once for the
// account, not once per region. A cancelled sweep returns what finished
// and context.Canceled.
func Sweep[T any](ctx context.Context, fl *fleet.Fleet, targets []sweep.Target, progressOut io.Writer, tty bool,
	list func(ctx context.Context, cfg aws.Config, acct accounts.Account, region string, lim inventory.Limiter) ([]T, error)) ([]T, []output.Failure, error) {
	progress := output.NewProgress(progressOut, tty, len(targets), "sweeping account-regions")
	results := sweep.Run(ctx, targets, sweep.Options{Concurrency: fl.Concurrency, Progress: progress.Inc},
		func(ctx context.Context, t sweep.Target, lim *rate.Limiter) ([]T, error) {
			cfg, err := fl.Config(ctx, t.Account, t.Region)
			if err != nil {
				return nil, err
			}
			// Assume the role before listing so a refusal is reported as
			// one, not as a failed describe call.
			if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
				return nil, err
			}
			return list(ctx, cfg, t.Account, t.Region, lim)
		})
	progress.Done()
	var rows []T
	var failures []output.Failure
	assumeFailed := map[string]int{} // account → index in failures
	for _, r := range results {
		if r.Err == nil {
			rows = append(rows, r.Value...)
			continue
		}
		f := fleet.Failure(r.Target, r.Err)
		if f.Stage == "assume-role" {
			if i, ok := assumeFailed[f.Account]; ok {
				failures[i].Region += "," + f.Region
				continue
			}
			assumeFailed[f.Account] = len(failures)
		}
		failures = append(failures, f)
	}
	sort.SliceStable(failures, func(i, j int) bool { return failures[i].AccountName < failures[j].AccountName })
	if ctx.Err() != nil {
		return rows, failures, ctx.Err()
	}
	return rows, failures, nil
}

// Outcome maps failures to the exit status: none is success, some is
// partial, every target failing is a failure.
func Outcome(failures []output.Failure, targets int) error {
	if len(failures) == 0 {
		return nil
	}
	failed := 0
	for _, f := range failures {
		failed += strings.Count(f.Region, ",") + 1
	}
	if failed >= targets {
		return fmt.Errorf("every account and region failed (%d)", targets)
	}
	return &exitcode.PartialError{Failed: len(failures)}
}
