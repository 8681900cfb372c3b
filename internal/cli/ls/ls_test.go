package ls

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/cli/fleetflags"
	"github.com/rdsfleet/rdsfleet/internal/fleettest"
	"github.com/rdsfleet/rdsfleet/internal/output"
)

// fleetWorld: a management host (instance profile) and user, and four
// application accounts: a trusting one, one requiring an ExternalId, one
// that trusts nobody here, one with a region not enabled.
const fleetWorld = `
organization: {management_account: "999999999999"}
regions: [us-east-1, eu-west-1, eu-south-1]
accounts:
  - id: "999999999999"
    name: management
    users:
      - name: dba
        access_key_id: AKIAEXAMPLEDBA000001
        secret_access_key: examplesecretexamplesecretexamplesecret1
        inline_policies:
          assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
    roles:
      - name: Host
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
        inline_policies:
          assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/DB-Management-Host-Access-Role"}]}
    instance_profiles: [{name: HostProfile, roles: [Host]}]
    ec2_instances: [{id: i-0123456789abcdef0, region: us-east-1, instance_profile: HostProfile}]
  - id: "111111111111"
    name: alpha
    roles:
      - name: DB-Management-Host-Access-Role
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: ["arn:aws:iam::999999999999:role/Host", "arn:aws:iam::999999999999:user/dba"]}, Action: "sts:AssumeRole"}]}
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
    db_instances:
      - {id: alpha-pg, region: us-east-1, engine: postgres, tags: {env: prod}}
      - {id: alpha-my, region: eu-west-1, engine: mysql}
  - id: "222222222222"
    name: bravo
    roles:
      - name: DB-Management-Host-Access-Role
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: "arn:aws:iam::999999999999:role/Host"}
              Action: sts:AssumeRole
              Condition: {StringEquals: {"sts:ExternalId": "bravo-secret-id"}}
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
    db_instances:
      - {id: bravo-maria, region: us-east-1, engine: mariadb}
  - id: "333333333333"
    name: charlie
    roles:
      - name: DB-Management-Host-Access-Role
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::333333333333:root"}, Action: "sts:AssumeRole"}]}
    db_instances:
      - {id: charlie-db, region: us-east-1, engine: postgres}
  - id: "444444444444"
    name: delta
    disabled_regions: [eu-south-1]
    roles:
      - name: DB-Management-Host-Access-Role
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::999999999999:role/Host"}, Action: "sts:AssumeRole"}]}
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
    db_instances:
      - {id: delta-db, region: us-east-1, engine: postgres}
`

// seedConfig is AWS's walkthrough's centralized config for these accounts.
const seedConfig = `[default]
region = us-east-1

[profile alpha]
role_arn = arn:aws:iam::111111111111:role/DB-Management-Host-Access-Role
credential_source = Ec2InstanceMetadata
region = us-east-1

[profile bravo]
role_arn = arn:aws:iam::222222222222:role/DB-Management-Host-Access-Role
credential_source = Ec2InstanceMetadata
external_id = bravo-secret-id
region = us-east-1

[profile charlie]
role_arn = arn:aws:iam::333333333333:role/DB-Management-Host-Access-Role
credential_source = Ec2InstanceMetadata
region = us-east-1

[profile delta]
role_arn = arn:aws:iam::444444444444:role/DB-Management-Host-Access-Role
credential_source = Ec2InstanceMetadata
region = us-east-1
`

type jsonDoc struct {
	Rows   []map[string]any `json:"rows"`
	Errors []output.Failure `json:"errors"`
}

func runJSON(t *testing.T, env *fleettest.Env, flags fleetflags.Flags, kind string) (jsonDoc, error) {
	t.Helper()
	flags.Format = output.FormatJSON
	err := Run(context.Background(), &Options{Factory: env.Factory, Flags: flags, Kind: kind})
	var doc jsonDoc
	if jerr := json.Unmarshal([]byte(env.Out.String()), &doc); jerr != nil {
		t.Fatalf("output is not JSON: %v\n%s\nstderr: %s", jerr, env.Out, env.Err)
	}
	return doc, err
}

func ids(doc jsonDoc) string {
	var out []string
	for _, r := range doc.Rows {
		out = append(out, r["account_name"].(string)+"/"+r["region"].(string)+"/"+r["id"].(string))
	}
	return strings.Join(out, " ")
}

func TestLsSeedConfigPartialFailure(t *testing.T) {
	env := fleettest.Start(t, fleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, seedConfig)
	doc, err := runJSON(t, env, fleetflags.Flags{Regions: []string{"us-east-1", "eu-west-1", "eu-south-1"}}, "instances")
	var partial *exitcode.PartialError
	if !errors.As(err, &partial) {
		t.Fatalf("want a partial result, got %v", err)
	}
	if got, want := ids(doc), "alpha/eu-west-1/alpha-my alpha/us-east-1/alpha-pg bravo/us-east-1/bravo-maria delta/us-east-1/delta-db"; got != want {
		t.Errorf("rows:\n got %s\nwant %s", got, want)
	}
	var codes []string
	for _, f := range doc.Errors {
		codes = append(codes, f.AccountName+" "+f.Region+" "+f.Stage+" "+f.Code)
		if f.Hint == "" {
			t.Errorf("failure without a hint: %+v", f)
		}
	}
	if got, want := strings.Join(codes, "; "), "charlie eu-south-1,eu-west-1,us-east-1 assume-role AccessDenied; delta eu-south-1 api InvalidClientTokenId"; got != want {
		t.Errorf("errors:\n got %s\nwant %s", got, want)
	}
	// One AssumeRole per reachable account, not per region.
	if n := env.Calls("sts:AssumeRole"); n != 4 {
		t.Errorf("AssumeRole calls = %d, want 4 (alpha, bravo, delta, and charlie's refusal)", n)
	}

	// A second run within the sessions' lifetime assumes nothing.
	env.Reset()
	if _, err := runJSON(t, env, fleetflags.Flags{Regions: []string{"us-east-1"}}, "instances"); !errors.As(err, &partial) {
		t.Fatalf("second run: %v", err)
	}
	if n := env.Calls("sts:AssumeRole"); n != 1 {
		t.Errorf("second run AssumeRole calls = %d, want 1 (only charlie's refusal is not cached)", n)
	}
	// --no-cache assumes every role again.
	env.Reset()
	runJSON(t, env, fleetflags.Flags{Regions: []string{"us-east-1"}, NoCache: true}, "instances")
	if n := env.Calls("sts:AssumeRole"); n != 4 {
		t.Errorf("--no-cache AssumeRole calls = %d, want 4", n)
	}
}

func TestLsExternalIDIsPassed(t *testing.T) {
	env := fleettest.Start(t, fleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, strings.Replace(seedConfig, "external_id = bravo-secret-id\n", "", 1))
	doc, _ := runJSON(t, env, fleetflags.Flags{Accounts: []string{"bravo"}, Regions: []string{"us-east-1"}}, "instances")
	if len(doc.Errors) != 1 || doc.Errors[0].Code != "AccessDenied" {
		t.Fatalf("without external_id: %+v", doc.Errors)
	}
}

func TestLsSourceProfileChain(t *testing.T) {
	env := fleettest.Start(t, fleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, `[profile base]
region = us-east-1

[profile alpha]
role_arn = arn:aws:iam::111111111111:role/DB-Management-Host-Access-Role
source_profile = base
`)
	if err := writeFile(env.Dir+"/credentials", "[base]\naws_access_key_id = AKIAEXAMPLEDBA000001\naws_secret_access_key = examplesecretexamplesecretexamplesecret1\n"); err != nil {
		t.Fatal(err)
	}
	doc, err := runJSON(t, env, fleetflags.Flags{Regions: []string{"us-east-1"}}, "instances")
	if err != nil {
		t.Fatalf("%v\n%+v", err, doc.Errors)
	}
	if got := ids(doc); got != "alpha/us-east-1/alpha-pg" {
		t.Errorf("rows: %s", got)
	}
}

func TestLsSurvivesThrottling(t *testing.T) {
	// Every second call is throttled, STS's included: retries carry the
	// sweep through.
	env := fleettest.Start(t, fleetWorld, awssim.Options{ThrottleRate: 0.5}, "")
	env.WriteAWSConfig(t, seedConfig)
	doc, _ := runJSON(t, env, fleetflags.Flags{Accounts: []string{"alpha", "bravo", "delta"}, Regions: []string{"us-east-1", "eu-west-1"}}, "instances")
	if len(doc.Errors) != 0 {
		t.Fatalf("errors under throttling: %+v", doc.Errors)
	}
	if got := len(doc.Rows); got != 4 {
		t.Errorf("rows = %d, want 4", got)
	}
	if env.Host.Sim.Stats().Snapshot().Throttled == 0 {
		t.Error("the simulator throttled nothing")
	}
}

func TestLsOutputFormats(t *testing.T) {
	env := fleettest.Start(t, fleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, seedConfig)
	flags := fleetflags.Flags{Accounts: []string{"alpha"}, Regions: []string{"us-east-1", "eu-west-1"}, Format: output.FormatCSV, Columns: []string{"id", "engine", "tag:env"}}
	if err := Run(context.Background(), &Options{Factory: env.Factory, Flags: flags, Kind: "instances"}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(env.Out.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(recs); got != 3 || strings.Join(recs[0], ",") != "id,engine,tag:env" {
		t.Fatalf("csv: %q", recs)
	}
	env.Reset()
	flags.Format = output.FormatJSONL
	flags.Columns = nil
	if err := Run(context.Background(), &Options{Factory: env.Factory, Flags: flags, Kind: "clusters"}); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(env.Out.String()) != "" {
		t.Errorf("no clusters, yet jsonl printed %q", env.Out)
	}
}

func TestLsBadInput(t *testing.T) {
	env := fleettest.Start(t, fleetWorld, awssim.Options{}, "")
	for name, c := range map[string]struct {
		awsConfig string
		flags     fleetflags.Flags
		want      string
	}{
		"both sources":   {"[profile x]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = y\ncredential_source = Environment\n", fleetflags.Flags{}, "has both source_profile and credential_source"},
		"cycle":          {"[profile x]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = y\n[profile y]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = x\n", fleetflags.Flags{}, "loops back"},
		"unknown source": {"[profile x]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = nope\n", fleetflags.Flags{}, `source_profile "nope" does not exist`},
		"bad region":     {seedConfig, fleetflags.Flags{Regions: []string{"us-esat-1"}}, "region us-esat-1 does not exist"},
		"bad column":     {seedConfig, fleetflags.Flags{Regions: []string{"us-east-1"}, Columns: []string{"nope"}}, "nope"},
		"no match":       {seedConfig, fleetflags.Flags{Accounts: []string{"zulu"}}, "no account matches"},
	} {
		env.WriteAWSConfig(t, c.awsConfig)
		env.Reset()
		err := Run(context.Background(), &Options{Factory: env.Factory, Flags: c.flags, Kind: "instances"})
		var usage *exitcode.UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a usage error containing %q", name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", name, err)
		}
	}
}
