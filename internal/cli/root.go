// Package cli builds rdsfleet's command tree and maps command errors to exit
// codes. Each command lives in its own package under internal/cli.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rdsfleet/rdsfleet/internal/cli/accounts"
	"github.com/rdsfleet/rdsfleet/internal/cli/cache"
	"github.com/rdsfleet/rdsfleet/internal/cli/demo"
	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/cli/factory"
	"github.com/rdsfleet/rdsfleet/internal/cli/ls"
	"github.com/rdsfleet/rdsfleet/internal/cli/sim"
	"github.com/rdsfleet/rdsfleet/internal/cli/whoami"
	"github.com/rdsfleet/rdsfleet/internal/iostreams"
)

// Version is set at build time with -ldflags.
var Version = "dev"

// NewRootCmd builds the command tree on the given streams.
func NewRootCmd(ios *iostreams.IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "rdsfleet <command>",
		Short: "See, check and act on every RDS and Aurora database in every AWS account",
		Long: `rdsfleet works across every AWS account of an organization from one management
host, through cross-account IAM roles and short-lived STS credentials.

Start with 'rdsfleet demo': it runs the whole job against the built-in AWS
simulator, with nothing to set up.`,
		Example:       "  rdsfleet demo\n  rdsfleet sim --env-file /tmp/sim.env",
		Version:       Version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitcode.UsageError{Err: fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	f := &factory.Factory{IO: ios}
	root.AddCommand(ls.NewCmdLs(f, nil))
	root.AddCommand(accounts.NewCmdAccounts(f, nil))
	root.AddCommand(whoami.NewCmdWhoami(f, nil))
	root.AddCommand(cache.NewCmdCache(f))
	root.AddCommand(sim.NewCmdSim(ios, nil))
	root.AddCommand(demo.NewCmdDemo(ios, nil))
	return root
}

// Main runs rdsfleet with the process's arguments and returns its exit code.
func Main() int {
	ios := iostreams.System()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := NewRootCmd(ios)
	err := classify(root.ExecuteContext(ctx))
	if err != nil {
		printError(ios, err)
	}
	return exitcode.Of(err)
}

// classify marks cobra's own argument errors as usage errors.
func classify(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires ", "invalid argument"} {
		if strings.HasPrefix(msg, p) {
			return &exitcode.UsageError{Err: err}
		}
	}
	return err
}

func printError(ios *iostreams.IOStreams, err error) {
	var partial *exitcode.PartialError
	if errors.As(err, &partial) {
		// The command already listed each failure.
		return
	}
	fmt.Fprintln(ios.ErrOut, "rdsfleet: "+err.Error())
}
