// Package fleet resolves a fleet (its accounts, regions and credentials)
// from rdsfleet's config, the AWS config and the flags, and hands out an
// SDK config for any account and region. Commands sweep it with package
// sweep.
package fleet

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
	"github.com/rdsfleet/rdsfleet/internal/awsconfig"
	"github.com/rdsfleet/rdsfleet/internal/creds"
	"github.com/rdsfleet/rdsfleet/internal/fleetconfig"
)

// Options is everything that shapes a fleet.
type Options struct {
	Config        *fleetconfig.Config
	AWSConfigPath string // the AWS config file; "" means AWS_CONFIG_FILE or ~/.aws/config
	Selector      accounts.Selector
	Regions       []string // --region; overrides the config
	Concurrency   int      // --concurrency; overrides the config
	// CacheDir holds the credential and Organizations caches; NoCache
	// bypasses the credential cache, RefreshOrg the Organizations one.
	CacheDir   string
	NoCache    bool
	RefreshOrg bool
	// MFAToken gives the code for an MFA device (asked once per device and
	// run); nil means no MFA code can be had.
	MFAToken creds.TokenFunc
	// LoadOptions are extra SDK options (the demo's in-process transport,
	// tests); they come after rdsfleet's own.
	LoadOptions []func(*config.LoadOptions) error
}

// InputError is a problem with the user's configuration or flags (exit
// code 2), as opposed to a failure talking to AWS.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Fleet is a resolved fleet.
type Fleet struct {
	Accounts []accounts.Account
	Regions  []string
	// SkippedAccounts counts Organizations accounts left out because they
	// are suspended or closing.
	SkippedAccounts int
	// OrgFromCache says the Organizations account list came from the cache.
	OrgFromCache bool
	Concurrency  int

	opts     Options
	profiles *accounts.ProfileConfig
	broker   *creds.Broker

	mu      sync.Mutex
	sources map[string]*lazySource
}

type lazySource struct {
	once sync.Once
	src  *creds.Source
	err  error
}

// Load resolves the fleet's accounts and regions. It calls AWS only for
// Organizations discovery and for regions: all.
func Load(ctx context.Context, opts Options) (*Fleet, error) {
	if opts.Config == nil {
		opts.Config = &fleetconfig.Config{}
	}
	if opts.AWSConfigPath == "" {
		opts.AWSConfigPath = accounts.DefaultConfigPath()
	}
	if err := opts.Selector.Validate(); err != nil {
		return nil, &InputError{err}
	}
	f := &Fleet{opts: opts, broker: &creds.Broker{}, sources: map[string]*lazySource{}}
	if !opts.NoCache && opts.CacheDir != "" {
		f.broker.Cache = &creds.DiskCache{Dir: opts.CacheDir}
	}
	pc, err := accounts.LoadProfileConfig(opts.AWSConfigPath)
	if err != nil {
		return nil, &InputError{err}
	}
	f.profiles = pc

	srcs := opts.Config.Sources
	if len(srcs) == 0 {
		srcs = []fleetconfig.Source{{Type: "profiles"}}
	}
	byID := map[string]accounts.Account{}
	var order []string
	add := func(list []accounts.Account) {
		for _, a := range list {
			if _, dup := byID[a.ID]; dup {
				continue // the first source that names an account wins
			}
			byID[a.ID] = a
			order = append(order, a.ID)
		}
	}
	tmpl := opts.Config.RoleTemplate
	if tmpl == "" {
		tmpl = accounts.DefaultRoleTemplate
	}
	for _, s := range srcs {
		switch s.Type {
		case "profiles":
			list, err := pc.Accounts()
			if err != nil {
				return nil, &InputError{err}
			}
			if len(s.Match) > 0 {
				var kept []accounts.Account
				for _, a := range list {
					for _, m := range s.Match {
						if ok, _ := path.Match(m, a.Profile); ok {
							kept = append(kept, a)
							break
						}
					}
				}
				list = kept
			}
			add(list)
		case "inventory":
			file := opts.Config.InventoryPath(s.File)
			list, err := accounts.LoadInventory(file, tmpl)
			if err != nil {
				return nil, &InputError{err}
			}
			for _, a := range list {
				if err := CheckRegions(a.Regions); err != nil {
					return nil, &InputError{fmt.Errorf("inventory %s: account %s: %v", file, a.ID, err)}
				}
			}
			for i := range list {
				if list[i].ExternalID == "" {
					list[i].ExternalID = opts.Config.ExternalID
				}
			}
			add(list)
		case "organizations":
			res, err := f.discoverOrganization(ctx, s, tmpl)
			if err != nil {
				return nil, err
			}
			f.SkippedAccounts += res.Skipped
			f.OrgFromCache = f.OrgFromCache || res.FromCache
			add(res.Accounts)
		}
	}
	for _, id := range order {
		a := byID[id]
		if a.SessionName == "" {
			a.SessionName = opts.Config.SessionName
		}
		if opts.Selector.Match(a) {
			f.Accounts = append(f.Accounts, a)
		}
	}
	accounts.Sort(f.Accounts)

	f.Concurrency = opts.Concurrency
	if f.Concurrency == 0 {
		f.Concurrency = opts.Config.Concurrency
	}
	if len(f.Accounts) == 0 {
		return f, nil // the caller says why; regions don't matter then
	}
	if err := f.resolveRegions(ctx); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *Fleet) discoverOrganization(ctx context.Context, s fleetconfig.Source, tmpl accounts.RoleTemplate) (*accounts.OrgResult, error) {
	profile := s.Profile
	if profile == "" {
		profile = f.opts.Config.BaseProfile
	}
	src, err := creds.LoadDefaultSource(ctx, profile, f.baseLoadOptions()...)
	if err != nil {
		return nil, err
	}
	ttl := fleetconfig.DefaultOrgCacheTTL
	if s.CacheTTL > 0 {
		ttl = timeDuration(s.CacheTTL)
	}
	cacheKey := "profile:" + profile
	cfg := src.Config.Copy()
	ident, identErr := src.Identity(ctx)
	if identErr == nil {
		cacheKey = ident.ARN
	}
	if cfg.Region == "" {
		// Organizations is a global service: a management host without a
		// configured region still lists its organization.
		cfg.Region = orgRegion(ident.Partition())
	}
	cacheDir := f.opts.CacheDir
	if f.opts.CacheDir == "" {
		ttl = 0
	}
	res, err := accounts.FromOrganizations(ctx, organizations.NewFromConfig(cfg), cacheKey, accounts.OrgOptions{
		RoleTemplate: tmpl, ExternalID: f.opts.Config.ExternalID, CacheDir: cacheDir, CacheTTL: ttl, Refresh: f.opts.RefreshOrg,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	return res, nil
}

// resolveRegions: --region, else the config's regions (or every enabled
// region), else the profiles' own regions, else the SDK's default region.
func (f *Fleet) resolveRegions(ctx context.Context) error {
	regions := f.opts.Regions
	if len(regions) == 0 {
		regions = f.opts.Config.Regions
	}
	if len(regions) == 1 && regions[0] == "all" {
		all, err := f.enabledRegions(ctx)
		if err != nil {
			return err
		}
		regions = all
	}
	if len(regions) == 0 {
		for _, a := range f.Accounts {
			regions = append(regions, a.HomeRegion)
		}
		regions = dedupe(regions)
		sort.Strings(regions)
	}
	if len(regions) == 0 {
		if src, err := f.BaseSource(ctx); err == nil && src.Config.Region != "" {
			regions = []string{src.Config.Region}
		}
	}
	if len(regions) == 0 {
		return &InputError{errors.New("no region: name one with --region, in the rdsfleet config (regions:), or as region = in the AWS config profiles")}
	}
	regions = dedupe(regions)
	if err := CheckRegions(regions); err != nil {
		return &InputError{err}
	}
	f.Regions = regions
	return nil
}

// enabledRegions asks EC2 which regions the base identity's account has.
func (f *Fleet) enabledRegions(ctx context.Context) ([]string, error) {
	src, err := f.BaseSource(ctx)
	if err != nil {
		return nil, err
	}
	cfg := src.Config.Copy()
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, fmt.Errorf("regions: all: describe regions with %s: %w", src.Name, err)
	}
	var names []string
	for _, r := range out.Regions {
		names = append(names, aws.ToString(r.RegionName))
	}
	sort.Strings(names)
	return names, nil
}

// BaseSource is the identity rdsfleet runs as: the base profile's
// credentials or the SDK's default chain (on a management host, its
// instance profile).
func (f *Fleet) BaseSource(ctx context.Context) (*creds.Source, error) {
	return f.source(ctx, "base", func() (*creds.Source, error) {
		return creds.LoadDefaultSource(ctx, f.opts.Config.BaseProfile, f.baseLoadOptions()...)
	})
}

// baseLoadOptions load the base identity and the Organizations profile
// from the fleet's AWS config file, the one its profiles come from.
func (f *Fleet) baseLoadOptions() []func(*config.LoadOptions) error {
	return awsconfig.LoadOptions(append([]func(*config.LoadOptions) error{config.WithSharedConfigFiles([]string{f.opts.AWSConfigPath})}, f.opts.LoadOptions...)...)
}

// orgRegion is where the Organizations endpoint of a partition lives.
func orgRegion(partition string) string {
	switch partition {
	case "aws-cn":
		return "cn-northwest-1"
	case "aws-us-gov":
		return "us-gov-west-1"
	}
	return "us-east-1"
}

func (f *Fleet) source(ctx context.Context, key string, load func() (*creds.Source, error)) (*creds.Source, error) {
	f.mu.Lock()
	ls := f.sources[key]
	if ls == nil {
		ls = &lazySource{}
		f.sources[key] = ls
	}
	f.mu.Unlock()
	ls.once.Do(func() { ls.src, ls.err = load() })
	return ls.src, ls.err
}

// SourceFor is the identity that assumes a's role: for a profile, its
// source_profile or credential_source as the SDK resolves it (loaded once
// per distinct source); otherwise the base identity.
func (f *Fleet) SourceFor(ctx context.Context, a accounts.Account) (*creds.Source, error) {
	if a.Profile == "" {
		return f.BaseSource(ctx)
	}
	p := f.profiles.Profiles[a.Profile]
	key := p.SourceKey() + "\x00" + p.MFASerial
	return f.source(ctx, key, func() (*creds.Source, error) {
		name := "credential_source " + p.CredentialSource
		if p.SourceProfile != "" {
			name = "source_profile " + p.SourceProfile
		}
		src, err := creds.LoadProfileSource(ctx, a.Profile, a.RoleARN, name,
			awsconfig.LoadOptions(append([]func(*config.LoadOptions) error{config.WithSharedConfigFiles([]string{f.opts.AWSConfigPath})}, f.opts.LoadOptions...)...)...)
		if err != nil || p.MFASerial == "" {
			return src, err
		}
		if f.opts.MFAToken == nil {
			return nil, fmt.Errorf("profile %s needs an MFA code for %s: run on a terminal or pass --mfa-code", a.Profile, p.MFASerial)
		}
		return creds.WithMFASession(ctx, src, p.MFASerial, f.opts.MFAToken)
	})
}

// IdentityRegion is a region where a's role session surely works: its
// profile's region, else the fleet's first region that needs no opt-in.
func (f *Fleet) IdentityRegion(a accounts.Account) string {
	if a.HomeRegion != "" {
		return a.HomeRegion
	}
	regions := f.Regions
	if len(a.Regions) > 0 {
		regions = a.Regions
	}
	for _, r := range regions {
		if !optInRegions[r] {
			return r
		}
	}
	return regions[0]
}

// RoleFor is the role credentials of account a.
func (f *Fleet) RoleFor(ctx context.Context, a accounts.Account) (*creds.Source, *creds.RoleCredentials, error) {
	src, err := f.SourceFor(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	region := a.HomeRegion
	if region == "" {
		region = stsRegion(a.ID, f.Regions, src.Config.Region)
	}
	return src, f.broker.Role(src, creds.Role{
		ARN: a.RoleARN, ExternalID: a.ExternalID, SessionName: a.SessionName, Duration: a.Duration, Region: region,
	}), nil
}

// Config is an SDK config acting as account a in region.
func (f *Fleet) Config(ctx context.Context, a accounts.Account, region string) (aws.Config, error) {
	src, rc, err := f.RoleFor(ctx, a)
	if err != nil {
		return aws.Config{}, err
	}
	cfg := src.Config.Copy()
	cfg.Region = region
	cfg.Credentials = rc
	cfg.Retryer = awsconfig.NewRetryer
	return cfg, nil
}

// Broker is the fleet's credential broker (stats, tests).
func (f *Fleet) Broker() *creds.Broker { return f.broker }
