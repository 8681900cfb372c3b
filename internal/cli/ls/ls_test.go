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
	env := fleettest.Start(t, fleettest.FleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, fleettest.SeedConfig)
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
	env := fleettest.Start(t, fleettest.FleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, strings.Replace(fleettest.SeedConfig, "external_id = bravo-secret-id\n", "", 1))
	doc, _ := runJSON(t, env, fleetflags.Flags{Accounts: []string{"bravo"}, Regions: []string{"us-east-1"}}, "instances")
	if len(doc.Errors) != 1 || doc.Errors[0].Code != "AccessDenied" {
		t.Fatalf("without external_id: %+v", doc.Errors)
	}
}

func TestLsSourceProfileChain(t *testing.T) {
	env := fleettest.Start(t, fleettest.FleetWorld, awssim.Options{}, "")
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
	env := fleettest.Start(t, fleettest.FleetWorld, awssim.Options{ThrottleRate: 0.5}, "")
	env.WriteAWSConfig(t, fleettest.SeedConfig)
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
	env := fleettest.Start(t, fleettest.FleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, fleettest.SeedConfig)
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
	env := fleettest.Start(t, fleettest.FleetWorld, awssim.Options{}, "")
	for name, c := range map[string]struct {
		awsConfig string
		flags     fleetflags.Flags
		want      string
	}{
		"both sources":   {"[profile x]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = y\ncredential_source = Environment\n", fleetflags.Flags{}, "has both source_profile and credential_source"},
		"cycle":          {"[profile x]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = y\n[profile y]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = x\n", fleetflags.Flags{}, "loops back"},
		"unknown source": {"[profile x]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = nope\n", fleetflags.Flags{}, `source_profile "nope" does not exist`},
		"bad region":     {fleettest.SeedConfig, fleetflags.Flags{Regions: []string{"us-esat-1"}}, "region us-esat-1 does not exist"},
		"bad column":     {fleettest.SeedConfig, fleetflags.Flags{Regions: []string{"us-east-1"}, Columns: []string{"nope"}}, "nope"},
		"no match":       {fleettest.SeedConfig, fleetflags.Flags{Accounts: []string{"zulu"}}, "no account matches"},
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
