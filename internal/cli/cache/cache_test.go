package cache

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/cli/accounts"
	"github.com/rdsfleet/rdsfleet/internal/cli/fleetflags"
	"github.com/rdsfleet/rdsfleet/internal/cli/ls"
	"github.com/rdsfleet/rdsfleet/internal/cli/whoami"
	"github.com/rdsfleet/rdsfleet/internal/fleettest"
	"github.com/rdsfleet/rdsfleet/internal/output"
)

const dbaSecret = fleettest.DBASecretAccessKey

const hostAssume = `          assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/DB-Management-Host-Access-Role"}]}` + "\n"

// fleetWorld is fleettest.FleetWorld with the management host also allowed
// to read Organizations, for the account list cache.
var fleetWorld = strings.Replace(fleettest.FleetWorld, hostAssume, hostAssume+
	`          org: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["organizations:Describe*", "organizations:List*"], Resource: "*"}]}`+"\n", 1)

// dbaConfig reaches alpha from the dba user's keys.
const dbaConfig = `[profile base]
region = us-east-1

[profile alpha-dba]
role_arn = arn:aws:iam::111111111111:role/DB-Management-Host-Access-Role
source_profile = base
region = us-east-1
`

func setup(t *testing.T) *fleettest.Env {
	t.Helper()
	if fleetWorld == fleettest.FleetWorld {
		t.Fatal("fleetWorld: the management host's assume policy was not found")
	}
	env := fleettest.Start(t, fleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, fleettest.SeedConfig)
	if err := os.WriteFile(filepath.Join(env.Dir, "credentials"), []byte("[base]\naws_access_key_id = AKIAEXAMPLEDBA000001\naws_secret_access_key = "+dbaSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return env
}

func clear(t *testing.T, env *fleettest.Env) string {
	t.Helper()
	env.Reset()
	cmd := NewCmdCache(env.Factory)
	cmd.SetArgs([]string{"clear"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("cache clear: %v", err)
	}
	return env.Out.String()
}

func whoamiRows(t *testing.T, env *fleettest.Env) []whoami.Row {
	t.Helper()
	env.Reset()
	whoami.Run(context.Background(), &whoami.Options{Factory: env.Factory, Flags: fleetflags.Flags{Format: output.FormatJSON}})
	var doc struct{ Rows []whoami.Row }
	if err := json.Unmarshal([]byte(env.Out.String()), &doc); err != nil {
		t.Fatalf("whoami output: %v\n%s\n%s", err, env.Out, env.Err)
	}
	return doc.Rows
}

func TestCacheClear(t *testing.T) {
	env := setup(t)
	cacheDir := env.Factory.CacheDir

	// Nothing cached yet: nothing to remove, and no error.
	if out := clear(t, env); out != "Removed 0 cached credentials and 0 account lists from "+cacheDir+"\n" {
		t.Errorf("empty cache: %q", out)
	}

	// whoami caches a session per account it reaches, and an
	// Organizations listing caches the account list.
	for _, r := range whoamiRows(t, env) {
		if r.FromCache {
			t.Errorf("%s: from the cache before anything was cached", r.AccountName)
		}
	}
	env.WriteConfig(t, "sources: [{type: organizations}]\nregions: [us-east-1]\n")
	env.Reset()
	if err := accounts.Run(context.Background(), &accounts.Options{Factory: env.Factory, Flags: fleetflags.Flags{Format: output.FormatJSON}}); err != nil {
		t.Fatalf("accounts: %v", err)
	}
	env.WriteConfig(t, "")
	for _, r := range whoamiRows(t, env) {
		if !r.FromCache {
			t.Errorf("%s: not from the cache on the second run", r.AccountName)
		}
	}

	out := clear(t, env)
	if want := "Removed 3 cached credentials and 1 account lists from " + cacheDir + "\n"; out != want {
		t.Errorf("cache clear said %q, want %q", out, want)
	}
	left, _ := filepath.Glob(filepath.Join(cacheDir, "credentials", "*"))
	orgs, _ := filepath.Glob(filepath.Join(cacheDir, "org-*.json"))
	if len(left)+len(orgs) != 0 {
		t.Errorf("left after clear: %v %v", left, orgs)
	}
	// The next run assumes every role again.
	for _, r := range whoamiRows(t, env) {
		if r.FromCache {
			t.Errorf("%s: from the cache after cache clear", r.AccountName)
		}
	}
	if n := env.Calls("sts:AssumeRole"); n != 4 {
		t.Errorf("AssumeRole calls after clear = %d, want 4 (3 sessions and charlie's refusal)", n)
	}
}

// No secret ever reaches the output: not the user's secret key, not the
// instance profile's, not a role session's, not an external ID, whatever
// the format and whether runs succeed or fail.
func TestSecretsNeverPrinted(t *testing.T) {
	env := setup(t)
	ctx := context.Background()
	var outputs []string
	collect := func() { outputs = append(outputs, env.Out.String(), env.Err.String()) }
	formats := []output.Format{output.FormatTable, output.FormatJSON, output.FormatJSONL, output.FormatCSV, output.FormatYAML}
	regions := []string{"us-east-1", "eu-west-1", "eu-south-1"}
	for _, f := range formats {
		env.Reset()
		env.Factory.IO.SetTTY(f == output.FormatTable)
		ls.Run(ctx, &ls.Options{Factory: env.Factory, Kind: "instances", Flags: fleetflags.Flags{Regions: regions, Format: f}})
		collect()
		env.Reset()
		whoami.Run(ctx, &whoami.Options{Factory: env.Factory, Flags: fleetflags.Flags{Format: f}})
		collect()
		env.Reset()
		accounts.Run(ctx, &accounts.Options{Factory: env.Factory, Flags: fleetflags.Flags{Format: f, Columns: []string{"account_name", "role_arn", "external_id"}}})
		collect()
	}
	// From the dba user's keys, then with a wrong secret key: the refusal
	// names the key ID, never a secret.
	env.WriteAWSConfig(t, dbaConfig)
	for _, f := range formats {
		env.Reset()
		whoami.Run(ctx, &whoami.Options{Factory: env.Factory, Flags: fleetflags.Flags{Format: f}})
		collect()
	}
	if !strings.Contains(env.Out.String(), "assumed-role/DB-Management-Host-Access-Role") {
		t.Errorf("whoami from dba's keys:\n%s\n%s", env.Out, env.Err)
	}
	os.WriteFile(filepath.Join(env.Dir, "credentials"), []byte("[base]\naws_access_key_id = AKIAEXAMPLEDBA000001\naws_secret_access_key = wrong"+dbaSecret+"\n"), 0o600)
	env.Reset()
	err := whoami.Run(ctx, &whoami.Options{Factory: env.Factory, Flags: fleetflags.Flags{NoCache: true}})
	collect()
	if err == nil || !strings.Contains(env.Err.String(), "alpha-dba") {
		t.Errorf("a wrong secret key was not reported: %v\n%s", err, env.Err)
	}
	outputs = append(outputs, err.Error())

	// The secrets: the user's key, the host's session, every cached role
	// session, the external ID.
	secrets := map[string]string{"dba secret key": dbaSecret, "external id": "bravo-secret-id"}
	cfg, err := config.LoadDefaultConfig(ctx, append([]func(*config.LoadOptions) error{config.WithSharedConfigFiles([]string{env.Factory.AWSConfigPath})}, env.Factory.LoadOptions...)...)
	if err != nil {
		t.Fatal(err)
	}
	hostCreds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	secrets["host secret key"], secrets["host session token"] = hostCreds.SecretAccessKey, hostCreds.SessionToken
	files, _ := filepath.Glob(filepath.Join(env.Factory.CacheDir, "credentials", "*.json"))
	if len(files) != 4 { // alpha, bravo and delta from the host, alpha from dba
		t.Fatalf("%d cached sessions, want 4", len(files))
	}
	for _, f := range files {
		var e struct{ SecretAccessKey, SessionToken string }
		data, _ := os.ReadFile(f)
		if err := json.Unmarshal(data, &e); err != nil || e.SecretAccessKey == "" || e.SessionToken == "" {
			t.Fatalf("%s: %v", f, err)
		}
		secrets[filepath.Base(f)+" secret key"], secrets[filepath.Base(f)+" session token"] = e.SecretAccessKey, e.SessionToken
	}
	all := strings.Join(outputs, "\n")
	if !strings.Contains(all, "alpha-pg") || !strings.Contains(all, "AccessDenied") {
		t.Fatalf("the runs printed too little to tell:\n%s", all)
	}
	for what, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("%s is too short to look for: %q", what, s)
		}
		if strings.Contains(all, s) || strings.Contains(all, s[:len(s)/2]) {
			t.Errorf("the %s appears in the output", what)
		}
	}
}
