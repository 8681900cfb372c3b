// Package whoami is `rdsfleet whoami`: AWS's "get-caller-identity before and
// after" check, done for the whole fleet.
package whoami

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/cli/factory"
	"github.com/rdsfleet/rdsfleet/internal/cli/fleetflags"
	"github.com/rdsfleet/rdsfleet/internal/cli/ls"
	"github.com/rdsfleet/rdsfleet/internal/fleet"
	"github.com/rdsfleet/rdsfleet/internal/inventory"
	"github.com/rdsfleet/rdsfleet/internal/output"
	"github.com/rdsfleet/rdsfleet/internal/sweep"
)

// Options are whoami's settings.
type Options struct {
	Factory *factory.Factory
	Flags   fleetflags.Flags
}

// Row is one account's assumed identity.
type Row struct {
	AccountName    string `json:"account_name"`
	Account        string `json:"account"`
	SourceIdentity string `json:"source_identity"` // who assumed the role (before)
	RoleARN        string `json:"role_arn"`
	AssumedARN     string `json:"assumed_arn"` // who rdsfleet acts as there (after)
	Expires        string `json:"expires"`
	FromCache      bool   `json:"from_cache"`
}

var columns = []string{"account_name", "account", "assumed_arn", "expires", "from_cache"}

// NewCmdWhoami builds the command; runF replaces the run function in tests.
func NewCmdWhoami(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the base identity and the identity assumed in each account",
		Long: `Show who rdsfleet runs as (the base identity: on a DB management host, its
instance profile role) and, for every account of the fleet, the role session
it gets there: the caller identity before and after, as in AWS's
walkthrough, with when the session expires and whether it came from the
credential cache.`,
		Example: "  rdsfleet whoami\n  rdsfleet whoami --account prod -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	opts.Flags.AddFleet(cmd)
	opts.Flags.AddOutput(cmd, "account_name,account,source_identity,role_arn,assumed_arn,expires,from_cache")
	return cmd
}

// Run shows the identities.
func Run(ctx context.Context, opts *Options) error {
	ios := opts.Factory.IO
	outOpts, err := opts.Flags.OutputOptions(ios.IsStdoutTTY())
	if err != nil {
		return err
	}
	fl, err := opts.Flags.Load(ctx, opts.Factory)
	if err != nil {
		return err
	}
	// One target per account: identities don't depend on the region.
	var targets []sweep.Target
	for _, a := range fl.Accounts {
		targets = append(targets, sweep.Target{Account: a, Region: fl.IdentityRegion(a)})
	}
	rows, failures, err := ls.Sweep(ctx, fl, targets, ios.ErrOut, ios.IsStderrTTY(), func(ctx context.Context, cfg aws.Config, acct accounts.Account, region string, _ inventory.Limiter) ([]Row, error) {
		return identify(ctx, fl, cfg, acct)
	})
	bases := map[string]bool{}
	for _, r := range rows {
		if !bases[r.SourceIdentity] {
			bases[r.SourceIdentity] = true
			fmt.Fprintf(ios.ErrOut, "Base identity (before): %s\n", r.SourceIdentity)
		}
	}
	if len(rows) == 0 {
		if src, serr := fl.BaseSource(ctx); serr == nil {
			if ident, ierr := src.Identity(ctx); ierr == nil {
				fmt.Fprintf(ios.ErrOut, "Base identity (before): %s\n", ident.ARN)
			}
		}
	}
	if rerr := output.Render(ios.Out, ios.ErrOut, output.Table{Rows: rows, Failures: failures, Default: columns}, outOpts); rerr != nil {
		return &exitcode.UsageError{Err: rerr}
	}
	if err != nil {
		return err
	}
	return ls.Outcome(failures, len(fl.Accounts))
}

func identify(ctx context.Context, fl *fleet.Fleet, cfg aws.Config, acct accounts.Account) ([]Row, error) {
	src, rc, err := fl.RoleFor(ctx, acct)
	if err != nil {
		return nil, err
	}
	base, err := src.Identity(ctx)
	if err != nil {
		return nil, err
	}
	c, err := rc.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, err
	}
	return []Row{{
		AccountName: acct.Name, Account: acct.ID, SourceIdentity: base.ARN, RoleARN: acct.RoleARN,
		AssumedARN: aws.ToString(out.Arn), Expires: c.Expires.UTC().Format(time.RFC3339), FromCache: rc.FromDisk(),
	}}, nil
}
