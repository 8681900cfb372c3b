// Package accounts is `rdsfleet accounts`: the resolved fleet and how each
// account is reached.
package accounts

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	fleetaccounts "github.com/rdsfleet/rdsfleet/internal/accounts"
	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/cli/factory"
	"github.com/rdsfleet/rdsfleet/internal/cli/fleetflags"
	"github.com/rdsfleet/rdsfleet/internal/output"
)

// Options are the command's settings.
type Options struct {
	Factory *factory.Factory
	Flags   fleetflags.Flags
}

// Row is one account of the fleet.
type Row struct {
	AccountName string            `json:"account_name"`
	Account     string            `json:"account"`
	Source      string            `json:"source"`
	Profile     string            `json:"profile,omitempty"`
	RoleARN     string            `json:"role_arn"`
	ExternalID  bool              `json:"external_id"` // whether one is set; the value is not shown
	Regions     string            `json:"regions"`
	OU          string            `json:"ou,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

var columns = []string{"account_name", "account", "source", "role_arn", "regions", "ou"}

// NewCmdAccounts builds the command; runF replaces the run function in tests.
func NewCmdAccounts(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "accounts",
		Short: "List the fleet's accounts and how each is reached",
		Long: `List the accounts rdsfleet works on after the selection flags, where each
comes from (an AWS config profile, AWS Organizations or an inventory file),
the role assumed there and the regions swept. Only Organizations discovery
calls AWS; no role is assumed.`,
		Example: "  rdsfleet accounts\n  rdsfleet accounts --tag env=prod -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	opts.Flags.AddFleet(cmd)
	opts.Flags.AddOutput(cmd, strings.Join(columns, ",")+",profile,external_id")
	return cmd
}

// Run lists the accounts.
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
	rows := make([]Row, 0, len(fl.Accounts))
	for _, a := range fl.Accounts {
		rows = append(rows, row(a, fl.Regions))
	}
	summary := func(any) string {
		s := fmt.Sprintf("%d accounts, %d regions", len(rows), len(fl.Regions))
		if fl.SkippedAccounts > 0 {
			s += fmt.Sprintf("; %d suspended or closing accounts skipped", fl.SkippedAccounts)
		}
		return s
	}
	if err := output.Render(ios.Out, ios.ErrOut, output.Table{Rows: rows, Default: columns, Summary: summary}, outOpts); err != nil {
		return &exitcode.UsageError{Err: err}
	}
	return nil
}

func row(a fleetaccounts.Account, regions []string) Row {
	if len(a.Regions) > 0 {
		regions = a.Regions
	}
	return Row{
		AccountName: a.Name, Account: a.ID, Source: a.Source, Profile: a.Profile, RoleARN: a.RoleARN,
		ExternalID: a.HasExternalID(), Regions: strings.Join(regions, ","), OU: a.OU, Tags: a.Tags,
	}
}
