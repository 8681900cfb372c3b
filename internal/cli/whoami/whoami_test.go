package whoami

import (
	"context"
	"encoding/json"
	"errors"
	"os/user"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/fleettest"
	"github.com/rdsfleet/rdsfleet/internal/output"
)

const hostSession = "arn:aws:sts::999999999999:assumed-role/Host/i-0123456789abcdef0"

type doc struct {
	Rows   []Row            `json:"rows"`
	Errors []output.Failure `json:"errors"`
}

func run(t *testing.T, env *fleettest.Env, args ...string) (doc, error) {
	t.Helper()
	env.Reset()
	cmd := NewCmdWhoami(env.Factory, nil)
	cmd.SetArgs(append([]string{"-o", "json"}, args...))
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	var d doc
	if jerr := json.Unmarshal([]byte(env.Out.String()), &d); jerr != nil {
		t.Fatalf("output is not JSON (%v): %v\n%s\nstderr: %s", err, jerr, env.Out, env.Err)
	}
	return d, err
}

// wantSessionName is rdsfleet-<os user> with what AWS does not allow in a
// session name replaced.
func wantSessionName(t *testing.T) string {
	u, err := user.Current()
	if err != nil || u.Username == "" {
		t.Skip("no current user")
	}
	s := regexp.MustCompile(`[^A-Za-z0-9_+=,.@-]`).ReplaceAllString("rdsfleet-"+u.Username, "-")
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

func TestWhoamiSeedConfig(t *testing.T) {
	env := fleettest.Start(t, fleettest.FleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, fleettest.SeedConfig)
	session := wantSessionName(t)

	d, err := run(t, env)
	var partial *exitcode.PartialError
	if !errors.As(err, &partial) || exitcode.Of(err) != exitcode.ExitPartial {
		t.Fatalf("got %v (exit %d), want a partial result (exit 3)", err, exitcode.Of(err))
	}
	if lines := strings.Count(env.Err.String(), "Base identity (before): "+hostSession+"\n"); lines != 1 {
		t.Errorf("stderr should name the instance profile session once:\n%s", env.Err)
	}
	var names []string
	for _, r := range d.Rows {
		names = append(names, r.AccountName)
		role := "arn:aws:iam::" + r.Account + ":role/DB-Management-Host-Access-Role"
		if r.RoleARN != role {
			t.Errorf("%s: role_arn %s", r.AccountName, r.RoleARN)
		}
		if want := "arn:aws:sts::" + r.Account + ":assumed-role/DB-Management-Host-Access-Role/" + session; r.AssumedARN != want {
			t.Errorf("%s: assumed_arn %s, want %s", r.AccountName, r.AssumedARN, want)
		}
		if r.SourceIdentity != hostSession {
			t.Errorf("%s: source_identity %s", r.AccountName, r.SourceIdentity)
		}
		exp, perr := time.Parse(time.RFC3339, r.Expires)
		if perr != nil || time.Until(exp) < 50*time.Minute || time.Until(exp) > 61*time.Minute {
			t.Errorf("%s: expires %q, want in about an hour", r.AccountName, r.Expires)
		}
		if r.FromCache {
			t.Errorf("%s: from_cache on the first run", r.AccountName)
		}
	}
	if got := strings.Join(names, " "); got != "alpha bravo delta" {
		t.Errorf("rows: %s", got)
	}
	if len(d.Errors) != 1 || d.Errors[0].AccountName != "charlie" || d.Errors[0].Stage != "assume-role" || d.Errors[0].Code != "AccessDenied" {
		t.Errorf("errors: %+v", d.Errors)
	}
	// One target per account: whoami does not assume per region.
	if n := env.Calls("sts:AssumeRole"); n != 4 {
		t.Errorf("AssumeRole calls = %d, want 4", n)
	}

	// A second run takes the sessions from the cache.
	d, err = run(t, env)
	if !errors.As(err, &partial) {
		t.Fatalf("second run: %v", err)
	}
	if len(d.Rows) != 3 {
		t.Fatalf("second run rows: %+v", d.Rows)
	}
	for _, r := range d.Rows {
		if !r.FromCache {
			t.Errorf("%s: from_cache false on the second run", r.AccountName)
		}
		if !strings.HasSuffix(r.AssumedARN, "/"+session) {
			t.Errorf("%s: assumed_arn %s", r.AccountName, r.AssumedARN)
		}
	}
	if n := env.Calls("sts:AssumeRole"); n != 1 {
		t.Errorf("second run AssumeRole calls = %d, want only charlie's refusal", n)
	}
	// --no-cache: fresh sessions, none from the cache.
	d, _ = run(t, env, "--no-cache", "--account", "alpha")
	if len(d.Rows) != 1 || d.Rows[0].FromCache {
		t.Errorf("--no-cache: %+v", d.Rows)
	}
}

func TestWhoamiSessionNameFromConfig(t *testing.T) {
	env := fleettest.Start(t, fleettest.FleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, fleettest.SeedConfig+"role_session_name = delta-audit\n")
	d, err := run(t, env, "--account", "alpha,delta")
	if err != nil {
		t.Fatalf("%v\n%s", err, env.Err)
	}
	got := map[string]string{}
	for _, r := range d.Rows {
		got[r.AccountName] = r.AssumedARN
	}
	if got["delta"] != "arn:aws:sts::444444444444:assumed-role/DB-Management-Host-Access-Role/delta-audit" {
		t.Errorf("delta: %s", got["delta"])
	}
	if !strings.HasSuffix(got["alpha"], "/"+wantSessionName(t)) {
		t.Errorf("alpha: %s", got["alpha"])
	}
}

func TestWhoamiEveryAccountFails(t *testing.T) {
	env := fleettest.Start(t, fleettest.FleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, fleettest.SeedConfig)
	_, err := run(t, env, "--account", "charlie")
	var partial *exitcode.PartialError
	if err == nil || errors.As(err, &partial) || exitcode.Of(err) != exitcode.ExitFailure {
		t.Fatalf("got %v (exit %d), want a total failure (exit 1)", err, exitcode.Of(err))
	}
	// The base identity is still shown: it is what the trust policy must name.
	if !strings.Contains(env.Err.String(), "Base identity (before): "+hostSession) {
		t.Errorf("stderr:\n%s", env.Err)
	}
}
