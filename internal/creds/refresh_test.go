package creds_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"golang.org/x/time/rate"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/creds"
	"github.com/rdsfleet/rdsfleet/internal/fleet"
	"github.com/rdsfleet/rdsfleet/internal/fleetconfig"
	"github.com/rdsfleet/rdsfleet/internal/fleettest"
	"github.com/rdsfleet/rdsfleet/internal/sweep"
)

// refreshWorld: the management host and three application accounts that
// trust it, each with a database in two regions.
var refreshWorld = `
organization: {management_account: "999999999999"}
regions: [us-east-1, eu-west-1]
accounts:
  - id: "999999999999"
    name: management
    roles:
      - name: Host
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
        inline_policies:
          assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/DB-Management-Host-Access-Role"}]}
    instance_profiles: [{name: HostProfile, roles: [Host]}]
    ec2_instances: [{id: i-0123456789abcdef0, region: us-east-1, instance_profile: HostProfile}]
` + appAccount("111111111111", "alpha") + appAccount("222222222222", "bravo") + appAccount("444444444444", "delta")

func appAccount(id, name string) string {
	return `  - id: "` + id + `"
    name: ` + name + `
    roles:
      - name: DB-Management-Host-Access-Role
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::999999999999:role/Host"}, Action: "sts:AssumeRole"}]}
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
    db_instances:
      - {id: ` + name + `-1, region: us-east-1, engine: postgres}
      - {id: ` + name + `-2, region: eu-west-1, engine: mysql}
`
}

// refreshConfig is fleettest.SeedConfig for this world: no charlie, and
// bravo without an external ID.
var refreshConfig = strings.NewReplacer(
	"[profile charlie]\nrole_arn = arn:aws:iam::333333333333:role/DB-Management-Host-Access-Role\ncredential_source = Ec2InstanceMetadata\nregion = us-east-1\n\n", "",
	"external_id = bravo-secret-id\n", "",
).Replace(fleettest.SeedConfig)

// TestLongSweepRefreshesSessions: sessions (the roles' and the instance
// profile's) last 2 s and every call takes 200 ms, so a sweep of a few
// seconds outlives every session several times. It must renew them as it
// goes, without a single ExpiredToken.
func TestLongSweepRefreshesSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds")
	}
	env := fleettest.Start(t, refreshWorld, awssim.Options{SessionLifetime: 2 * time.Second, Latency: 200 * time.Millisecond}, "")
	env.WriteAWSConfig(t, refreshConfig)
	ctx := context.Background()
	fl, err := fleet.Load(ctx, fleet.Options{
		Config: &fleetconfig.Config{}, AWSConfigPath: env.Factory.AWSConfigPath,
		Regions: []string{"us-east-1", "eu-west-1"}, Concurrency: 1,
		CacheDir: env.Factory.CacheDir, LoadOptions: env.Factory.LoadOptions,
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	assumed := map[string]int{}
	fl.Broker().OnAssume = func(role string) {
		mu.Lock()
		assumed[role]++
		mu.Unlock()
	}
	// Several passes over 3 accounts × 2 regions, one target at a time, as
	// `rdsfleet ls --concurrency 1` does; about 5 s in all.
	var targets []sweep.Target
	for range 3 {
		targets = append(targets, sweep.Targets(fl.Accounts, fl.Regions)...)
	}
	start := time.Now()
	results := sweep.Run(ctx, targets, sweep.Options{Concurrency: 1, PerTargetRate: 1000},
		func(ctx context.Context, tg sweep.Target, _ *rate.Limiter) (int, error) {
			return describe(ctx, fl, tg.Account, tg.Region)
		})
	elapsed := time.Since(start)
	if elapsed < 3*time.Second {
		t.Fatalf("the sweep took only %s: it does not outlive the sessions", elapsed)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s %s: %v", r.Account.Name, r.Region, r.Err)
		} else if r.Value != 1 {
			t.Errorf("%s %s: %d instances, want 1", r.Account.Name, r.Region, r.Value)
		}
	}
	snap := env.Host.Sim.Stats().Snapshot()
	if snap.Errors != 0 {
		for _, row := range snap.Rows {
			if row.Errors > 0 {
				t.Errorf("simulator refused %d %s:%s calls of %s in %s", row.Errors, row.Service, row.Action, row.Account, row.Region)
			}
		}
	}
	for _, a := range fl.Accounts {
		if n := assumed[a.RoleARN]; n < 2 {
			t.Errorf("%s: role assumed %d times in a %s sweep of 2 s sessions, want it renewed", a.Name, n, elapsed.Round(time.Millisecond))
		}
	}
	if got, want := snap.ByAction["sts:AssumeRole"], fl.Broker().AssumeRoleCalls(); got < want || got < 2*int64(len(fl.Accounts)) {
		t.Errorf("simulator served %d AssumeRole calls, broker made %d; want at least 2 per account", got, want)
	}
	t.Logf("%s, %d AssumeRole calls for %d accounts", elapsed.Round(time.Millisecond), snap.ByAction["sts:AssumeRole"], len(fl.Accounts))
}

func describe(ctx context.Context, fl *fleet.Fleet, a accounts.Account, region string) (int, error) {
	cfg, err := fl.Config(ctx, a, region)
	if err != nil {
		return 0, err
	}
	out, err := rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
	if err != nil {
		return 0, err
	}
	return len(out.DBInstances), nil
}

var _ aws.CredentialsProvider = (*creds.RoleCredentials)(nil)
