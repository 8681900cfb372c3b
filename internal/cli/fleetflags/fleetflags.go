// Package fleetflags defines the flags every fleet command shares (account
// and region selection, caching, output) and turns them into a fleet.
package fleetflags

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/spf13/cobra"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
	"github.com/rdsfleet/rdsfleet/internal/awsconfig"
	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/cli/factory"
	"github.com/rdsfleet/rdsfleet/internal/creds"
	"github.com/rdsfleet/rdsfleet/internal/fleet"
	"github.com/rdsfleet/rdsfleet/internal/fleetconfig"
	"github.com/rdsfleet/rdsfleet/internal/output"
)

// Flags are the shared flags' values.
type Flags struct {
	ConfigFile  string
	Accounts    []string
	Tags        []string
	OUs         []string
	Exclude     []string
	Regions     []string
	Concurrency int
	NoCache     bool
	RefreshOrg  bool
	MFACode     string
	Debug       bool

	Format  output.Format
	Columns []string
	Sort    []string
	Filters []string
}

// AddFleet registers the selection, region and cache flags.
func (f *Flags) AddFleet(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.ConfigFile, "config", "", "rdsfleet config file (default $RDSFLEET_CONFIG or ~/.config/rdsfleet/config.yaml)")
	fs.StringSliceVarP(&f.Accounts, "account", "a", nil, "accounts to include: IDs, names or globs (repeatable)")
	fs.StringSliceVar(&f.Tags, "tag", nil, "only accounts with this tag, KEY=VALUE (repeatable)")
	fs.StringSliceVar(&f.OUs, "ou", nil, "only accounts in this OU path or below (repeatable)")
	fs.StringSliceVar(&f.Exclude, "exclude", nil, "accounts to leave out: IDs, names or globs (repeatable)")
	fs.StringSliceVarP(&f.Regions, "region", "r", nil, "regions to sweep (repeatable; \"all\" for every enabled region)")
	fs.IntVar(&f.Concurrency, "concurrency", 0, fmt.Sprintf("account-regions swept at once (default %d)", 64))
	fs.BoolVar(&f.NoCache, "no-cache", false, "don't use or write the credential cache")
	fs.BoolVar(&f.RefreshOrg, "refresh", false, "list the organization's accounts again instead of using the cached list")
	fs.BoolVar(&f.Debug, "debug", false, "log every AWS call (service, operation, region, status, time; never headers or bodies) to stderr")
	fs.StringVar(&f.MFACode, "mfa-code", "", "MFA code for profiles with mfa_serial (default: asked once on the terminal)")
}

// AddOutput registers -o, --columns, --sort and --filter.
func (f *Flags) AddOutput(cmd *cobra.Command, columnsHelp string) {
	fs := cmd.Flags()
	f.Format = ""
	fs.VarP(&f.Format, "output", "o", "output format: table, json, jsonl, csv, yaml (default table)")
	fs.StringSliceVar(&f.Columns, "columns", nil, "columns to show, by JSON name ("+columnsHelp+"; tag:KEY for a tag)")
	fs.StringSliceVar(&f.Sort, "sort", nil, "sort by these columns; -name for descending")
	fs.StringSliceVar(&f.Filters, "filter", nil, "keep rows where COLUMN=VALUE, COLUMN!=VALUE or COLUMN~SUBSTRING (repeatable)")
}

// OutputOptions turns the output flags into render options.
func (f *Flags) OutputOptions(ttyOut bool) (output.Options, error) {
	o := output.Options{Format: f.Format, Columns: f.Columns, Sort: f.Sort, TTY: ttyOut, Color: ttyOut}
	if o.Format == "" {
		o.Format = output.FormatTable
	}
	for _, s := range f.Filters {
		flt, err := output.ParseFilter(s)
		if err != nil {
			return o, &exitcode.UsageError{Err: fmt.Errorf("--filter: %w", err)}
		}
		o.Filters = append(o.Filters, flt)
	}
	return o, nil
}

// Load resolves the fleet the flags describe.
func (f *Flags) Load(ctx context.Context, fac *factory.Factory) (*fleet.Fleet, error) {
	path, explicit := fleetconfig.Resolve(f.ConfigFile)
	if f.ConfigFile == "" && fac.ConfigPath != "" {
		path, explicit = fac.ConfigPath, false
	}
	cfg, err := fleetconfig.Load(path, explicit)
	if err != nil {
		return nil, &exitcode.UsageError{Err: err}
	}
	tags, err := accounts.ParseTags(f.Tags)
	if err != nil {
		return nil, &exitcode.UsageError{Err: err}
	}
	if f.Concurrency < 0 || f.Concurrency > 1024 {
		return nil, &exitcode.UsageError{Err: errors.New("--concurrency must be between 1 and 1024")}
	}
	cacheDir := fac.CacheDir
	if cacheDir == "" {
		if d, err := creds.DefaultCacheDir(); err == nil {
			cacheDir = d
		}
	}
	fl, err := fleet.Load(ctx, fleet.Options{
		Config: cfg, AWSConfigPath: fac.AWSConfigPath,
		Selector:    accounts.Selector{Accounts: f.Accounts, Tags: tags, OUs: f.OUs, Exclude: f.Exclude},
		Regions:     splitAll(f.Regions),
		Concurrency: f.Concurrency,
		CacheDir:    cacheDir, NoCache: f.NoCache, RefreshOrg: f.RefreshOrg,
		LoadOptions: f.loadOptions(fac),
		MFAToken:    creds.OnceToken(f.mfaToken(fac)),
	})
	var inputErr *fleet.InputError
	if errors.As(err, &inputErr) {
		return nil, &exitcode.UsageError{Err: err}
	}
	if err != nil {
		return nil, err
	}
	if len(fl.Accounts) == 0 {
		return nil, &exitcode.UsageError{Err: errors.New(noAccountsMessage(f, cfg))}
	}
	return fl, nil
}

func (f *Flags) loadOptions(fac *factory.Factory) []func(*config.LoadOptions) error {
	if !f.Debug {
		return fac.LoadOptions
	}
	return append(append([]func(*config.LoadOptions) error(nil), fac.LoadOptions...), awsconfig.DebugLog(fac.IO.ErrOut))
}

// mfaToken is --mfa-code, else a prompt on the terminal; without either
// there is no code to be had.
func (f *Flags) mfaToken(fac *factory.Factory) creds.TokenFunc {
	return func(serial string) (string, error) {
		if f.MFACode != "" {
			return f.MFACode, nil
		}
		if !fac.IO.IsStdinTTY() {
			return "", errors.New("an MFA code is needed: pass --mfa-code or run on a terminal")
		}
		fmt.Fprintf(fac.IO.ErrOut, "MFA code for %s: ", serial)
		line, err := bufio.NewReader(fac.IO.In).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("reading the MFA code: %w", err)
		}
		return strings.TrimSpace(line), nil
	}
}

func noAccountsMessage(f *Flags, cfg *fleetconfig.Config) string {
	if len(f.Accounts)+len(f.Tags)+len(f.OUs)+len(f.Exclude) > 0 {
		return "no account matches the selection; see them all with: rdsfleet accounts"
	}
	if len(cfg.Sources) == 0 {
		return "no accounts: the AWS config has no profile with role_arn (set AWS_CONFIG_FILE to your centralized config, or add sources to the rdsfleet config)"
	}
	return "no accounts found in the configured sources"
}

// splitAll accepts both --region a --region b and --region a,b; whitespace
// is trimmed.
func splitAll(list []string) []string {
	var out []string
	for _, s := range list {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
