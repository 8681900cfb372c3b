// Package demo is the `rdsfleet demo` command: the main job of rdsfleet run
// end to end against the built-in simulated organization.
package demo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
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

type result struct {
	profile  profile
	region   string
	identity string
	rows     []row
	err      error
}

type row struct {
	account, name, region, id, engine, version, status, class string
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
	if err := os.WriteFile(configPath, []byte(centralConfig(profiles, regions[0])), 0o644); err != nil {
		return err
	}
	httpClient, err := proxyClient(h)
	if err != nil {
		return err
	}
	load := func(ctx context.Context, profileName, region string) (aws.Config, error) {
		opts := []func(*config.LoadOptions) error{
			config.WithSharedConfigFiles([]string{configPath}),
			config.WithSharedCredentialsFiles([]string{filepath.Join(dir, "credentials")}),
			config.WithEC2IMDSEndpoint(h.IMDSURL),
			config.WithHTTPClient(httpClient),
			config.WithRetryMaxAttempts(3),
		}
		if profileName != "" {
			opts = append(opts, config.WithSharedConfigProfile(profileName))
		}
		if region != "" {
			opts = append(opts, config.WithRegion(region))
		}
		return config.LoadDefaultConfig(ctx, opts...)
	}

	out := opts.IO.Out
	fmt.Fprintf(out, "rdsfleet demo: a simulated organization of %d accounts; the DB management host is %s.\n", len(w.Accounts), h.Instance)
	fmt.Fprintf(out, "AWS config written as in AWS's walkthrough: %s (%d profiles, credential_source = Ec2InstanceMetadata)\n\n", configPath, len(profiles))

	// "Before": the management host's own identity, from its instance profile.
	base, err := load(ctx, "", regions[0])
	if err != nil {
		return err
	}
	id, err := sts.NewFromConfig(base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("management host identity: %w", err)
	}
	fmt.Fprintf(out, "Base identity (before): %s\n\n", aws.ToString(id.Arn))

	start := time.Now()
	results := sweep(ctx, load, profiles, regions)
	elapsed := time.Since(start)

	identities := map[string]string{}
	var rows []row
	var failures []result
	for _, r := range results {
		if r.err != nil {
			failures = append(failures, r)
			continue
		}
		identities[r.profile.name] = r.identity
		rows = append(rows, r.rows...)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tACCOUNT\tASSUMED IDENTITY (after)")
	for _, p := range profiles {
		ident := identities[p.name]
		if ident == "" {
			ident = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.name, p.account, ident)
	}
	tw.Flush()
	fmt.Fprintln(out)

	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.name != b.name {
			return a.name < b.name
		}
		if a.region != b.region {
			return a.region < b.region
		}
		return a.id < b.id
	})
	tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tREGION\tDB INSTANCE\tENGINE\tVERSION\tSTATUS\tCLASS")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s (%s)\t%s\t%s\t%s\t%s\t%s\t%s\n", r.name, r.account, r.region, r.id, r.engine, r.version, r.status, r.class)
	}
	tw.Flush()
	fmt.Fprintf(out, "\n%d DB instances in %d accounts x %d regions, %d failed, in %s\n", len(rows), len(profiles), len(regions), len(failures), elapsed.Round(time.Millisecond))
	if len(failures) > 0 {
		fmt.Fprintln(out, "\nCould not reach:")
		for _, f := range failures {
			fmt.Fprintf(out, "  %s (%s) %s: %s\n", f.profile.name, f.profile.account, f.region, describe(f.err))
		}
	}
	stats := h.Sim.Stats().Snapshot()
	fmt.Fprintf(out, "\nThe simulator served %d API calls (%d AssumeRole).\n", stats.Total, stats.ByAction["sts:AssumeRole"])
	fmt.Fprintln(out, "\nNext: 'rdsfleet sim --env-file sim.env --proxy-addr 127.0.0.1:4567 --ca-file sim-ca.pem --imds-addr 127.0.0.1:4568'")
	fmt.Fprintln(out, "serves this organization to the AWS CLI, boto3 and the Go SDK (docs/simulator.md).")
	return nil
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

// centralConfig is the shared AWS_CONFIG_FILE of AWS's walkthrough.
func centralConfig(ps []profile, region string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Centralized AWS CLI config for the DB management host (written by rdsfleet demo)\n[default]\nregion = %s\n", region)
	for _, p := range ps {
		fmt.Fprintf(&b, "\n[profile %s]\nrole_arn = %s\ncredential_source = Ec2InstanceMetadata\nregion = %s\n", p.name, p.roleARN, region)
	}
	return b.String()
}

// proxyClient sends AWS traffic through the simulator's TLS proxy, as
// HTTPS_PROXY and AWS_CA_BUNDLE would, and loopback traffic (IMDS) directly.
// It is the SDK's buildable client so an AWS_CA_BUNDLE in the environment
// is added to the pool rather than refused.
func proxyClient(h *simhost.Host) (*awshttp.BuildableClient, error) {
	pem, err := os.ReadFile(h.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("simulator CA file holds no certificate")
	}
	proxyURL, err := url.Parse(h.ProxyURL)
	if err != nil {
		return nil, err
	}
	return awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.Proxy = func(r *http.Request) (*url.URL, error) {
			if ip := net.ParseIP(r.URL.Hostname()); ip != nil && ip.IsLoopback() {
				return nil, nil
			}
			return proxyURL, nil
		}
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{}
		}
		tr.TLSClientConfig.RootCAs = pool
		tr.MaxIdleConnsPerHost = 64
	}), nil
}

type loader func(ctx context.Context, profile, region string) (aws.Config, error)

// sweep lists DB instances for every profile and region concurrently; one
// failure never hides the others.
func sweep(ctx context.Context, load loader, ps []profile, regions []string) []result {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var results []result
	for _, p := range ps {
		for _, region := range regions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := listOne(ctx, load, p, region)
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	sort.Slice(results, func(i, j int) bool {
		if results[i].profile.name != results[j].profile.name {
			return results[i].profile.name < results[j].profile.name
		}
		return results[i].region < results[j].region
	})
	return results
}

func listOne(ctx context.Context, load loader, p profile, region string) result {
	res := result{profile: p, region: region}
	cfg, err := load(ctx, p.name, region)
	if err != nil {
		res.err = err
		return res
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		res.err = err
		return res
	}
	res.identity = aws.ToString(id.Arn)
	pages := rds.NewDescribeDBInstancesPaginator(rds.NewFromConfig(cfg), &rds.DescribeDBInstancesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			res.err = err
			return res
		}
		for _, d := range page.DBInstances {
			res.rows = append(res.rows, row{
				account: p.account, name: p.name, region: region,
				id: aws.ToString(d.DBInstanceIdentifier), engine: aws.ToString(d.Engine), version: aws.ToString(d.EngineVersion),
				status: aws.ToString(d.DBInstanceStatus), class: aws.ToString(d.DBInstanceClass),
			})
		}
	}
	return res
}

// describe shortens an SDK error to its AWS code and message.
func describe(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}
