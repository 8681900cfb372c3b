package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/fleettest"
)

const mgmtID = "999999999999"

// orgMembers is how many member accounts orgWorld has besides the
// management account; member 7 is suspended.
const orgMembers = 44

// orgWorld is an organization of 45 accounts (three ListAccounts pages of
// 20): the management account, with a DB management host allowed to read
// Organizations and an administrator with static keys, and 44 members in
// nested OUs (Workloads/Prod, Workloads/Dev, Sandbox), tagged, one of them
// suspended.
func orgWorld() string {
	var b strings.Builder
	b.WriteString(`organization:
  management_account: "999999999999"
  organizational_units:
    - name: Workloads
      children:
        - {name: Prod}
        - {name: Dev}
    - name: Sandbox
regions: [us-east-1, eu-west-1]
accounts:
  - id: "999999999999"
    name: management
    tags: {team: dbops}
    users:
      - name: orgadmin
        access_key_id: AKIAEXAMPLEORGADMIN1
        secret_access_key: orgadminsecretorgadminsecretorgadminsec1
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
    roles:
      - name: Host
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
        inline_policies:
          org: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["organizations:Describe*", "organizations:List*"], Resource: "*"}]}
          assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/DB-Management-Host-Access-Role"}]}
    instance_profiles: [{name: HostProfile, roles: [Host]}]
    ec2_instances: [{id: i-0123456789abcdef0, region: us-east-1, instance_profile: HostProfile}]
`)
	for i := 1; i <= orgMembers; i++ {
		ou, env := orgPlace(i)
		fmt.Fprintf(&b, "  - id: %q\n    name: app-%02d\n    ou: %s\n    tags: {env: %s, team: team-%d}\n", memberID(i), i, ou, env, i%4)
		if i == 7 {
			b.WriteString("    status: SUSPENDED\n")
		}
	}
	return b.String()
}

func memberID(i int) string { return fmt.Sprintf("1000000000%02d", i) }

func orgPlace(i int) (ou, env string) {
	switch i % 3 {
	case 0:
		return "Workloads/Prod", "prod"
	case 1:
		return "Workloads/Dev", "dev"
	}
	return "Sandbox", "sandbox"
}

type accountsDoc struct {
	Rows   []Row `json:"rows"`
	Errors []any `json:"errors"`
}

// run runs `rdsfleet accounts ARGS` as a user would.
func run(t *testing.T, env *fleettest.Env, args ...string) error {
	t.Helper()
	cmd := NewCmdAccounts(env.Factory, nil)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetOut(env.Factory.IO.Out)
	cmd.SetErr(env.Factory.IO.ErrOut)
	return cmd.ExecuteContext(context.Background())
}

func runJSON(t *testing.T, env *fleettest.Env, args ...string) accountsDoc {
	t.Helper()
	env.Reset()
	if err := run(t, env, append([]string{"-o", "json"}, args...)...); err != nil {
		t.Fatalf("accounts %s: %v\nstderr: %s", strings.Join(args, " "), err, env.Err)
	}
	var doc accountsDoc
	if err := json.Unmarshal([]byte(env.Out.String()), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, env.Out)
	}
	return doc
}

func accountIDs(rows []Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Account)
	}
	sort.Strings(out)
	return out
}

func TestAccountsFromOrganizations(t *testing.T) {
	env := fleettest.Start(t, orgWorld(), awssim.Options{}, "")
	env.WriteConfig(t, "sources: [{type: organizations, cache_ttl: 10m}]\nregions: [us-east-1]\n")

	doc := runJSON(t, env)
	if n := env.Calls("organizations:ListAccounts"); n != 3 {
		t.Errorf("ListAccounts calls = %d, want 3 pages of at most 20 for 45 accounts", n)
	}
	if got, want := len(doc.Rows), orgMembers; got != want { // 45 accounts, one suspended
		t.Fatalf("listed %d accounts, want %d", got, want)
	}
	byID := map[string]Row{}
	for _, r := range doc.Rows {
		byID[r.Account] = r
		if r.Source != "organizations" {
			t.Errorf("%s: source %q", r.Account, r.Source)
		}
		if want := "arn:aws:iam::" + r.Account + ":role/DB-Management-Host-Access-Role"; r.RoleARN != want {
			t.Errorf("%s: role_arn %q, want %q", r.Account, r.RoleARN, want)
		}
		if r.Regions != "us-east-1" {
			t.Errorf("%s: regions %q", r.Account, r.Regions)
		}
	}
	if _, ok := byID[memberID(7)]; ok {
		t.Errorf("the suspended account %s is listed", memberID(7))
	}
	if m, ok := byID[mgmtID]; !ok || m.OU != "" || m.Tags["team"] != "dbops" || m.AccountName != "management" {
		t.Errorf("management account row: %+v", m)
	}
	for i := 1; i <= orgMembers; i++ {
		if i == 7 {
			continue
		}
		r, ok := byID[memberID(i)]
		ou, envTag := orgPlace(i)
		if !ok {
			t.Errorf("member %s missing", memberID(i))
			continue
		}
		if r.AccountName != fmt.Sprintf("app-%02d", i) || r.OU != ou || r.Tags["env"] != envTag || r.Tags["team"] != fmt.Sprintf("team-%d", i%4) {
			t.Errorf("member %s: name %q, ou %q, tags %v; want ou %q, env %q", r.Account, r.AccountName, r.OU, r.Tags, ou, envTag)
		}
	}

	// The table on a terminal says one account was skipped.
	env.Reset()
	env.Factory.IO.SetTTY(true)
	if err := run(t, env); err != nil {
		t.Fatal(err)
	}
	if out := env.Out.String(); !strings.Contains(out, "44 accounts, 1 regions") || !strings.Contains(out, "1 suspended or closing accounts skipped") {
		t.Errorf("table summary does not report the suspended account:\n%s", out)
	}
	env.Factory.IO.SetTTY(false)

	// Selection by nested OU path and by tag.
	var prod []string
	for i := 3; i <= orgMembers; i += 3 {
		prod = append(prod, memberID(i))
	}
	for _, args := range [][]string{{"--ou", "Workloads/Prod"}, {"--tag", "env=prod"}, {"--ou", "Workloads", "--tag", "env=prod"}} {
		doc := runJSON(t, env, args...)
		if got := accountIDs(doc.Rows); strings.Join(got, " ") != strings.Join(prod, " ") {
			t.Errorf("%v selects %v, want %v", args, got, prod)
		}
	}
	doc = runJSON(t, env, "--ou", "Workloads")
	for _, r := range doc.Rows {
		if !strings.HasPrefix(r.OU, "Workloads/") {
			t.Errorf("--ou Workloads kept %s in %q", r.Account, r.OU)
		}
	}
	if n := len(doc.Rows); n != 28 { // members 1..44 with i%3 != 2, less suspended 7
		t.Errorf("--ou Workloads kept %d accounts, want 28", n)
	}

	// Those runs all came from the cached list: no Organizations call.
	if n := env.Calls("organizations:ListAccounts") + env.Calls("organizations:ListParents") + env.Calls("organizations:ListTagsForResource"); n != 0 {
		t.Errorf("a run within cache_ttl made %d Organizations calls", n)
	}
	// --refresh lists the organization again, and still skips the
	// suspended account.
	doc = runJSON(t, env, "--refresh")
	if n := env.Calls("organizations:ListAccounts"); n != 3 {
		t.Errorf("--refresh: ListAccounts calls = %d, want 3", n)
	}
	if len(doc.Rows) != orgMembers {
		t.Errorf("--refresh listed %d accounts", len(doc.Rows))
	}
	// The cached list survives in the cache directory, private to the user.
	orgs, _ := filepath.Glob(filepath.Join(env.Factory.CacheDir, "org-*.json"))
	if len(orgs) != 1 {
		t.Fatalf("org cache files: %v", orgs)
	}
	if fi, err := os.Stat(orgs[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("org cache file mode: %v %v", fi.Mode(), err)
	}
}

// A static-key administrator named as base_profile lists the organization
// as well as the host's instance profile does; its cached list is not the
// host's.
func TestAccountsOrganizationsBaseProfile(t *testing.T) {
	env := fleettest.Start(t, orgWorld(), awssim.Options{}, "")
	env.WriteAWSConfig(t, "[profile org]\nregion = us-east-1\n")
	if err := os.WriteFile(filepath.Join(env.Dir, "credentials"), []byte("[org]\naws_access_key_id = AKIAEXAMPLEORGADMIN1\naws_secret_access_key = orgadminsecretorgadminsecretorgadminsec1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env.WriteConfig(t, "base_profile: org\nsources: [{type: organizations}]\n")
	doc := runJSON(t, env)
	if len(doc.Rows) != orgMembers {
		t.Fatalf("listed %d accounts, want %d", len(doc.Rows), orgMembers)
	}
	if n := env.Calls("organizations:ListAccounts"); n != 3 {
		t.Errorf("ListAccounts calls = %d", n)
	}
	// The profile's region is where the fleet's regions come from.
	if doc.Rows[0].Regions != "us-east-1" {
		t.Errorf("regions %q, want the base profile's us-east-1", doc.Rows[0].Regions)
	}
	// The instance profile is another identity: its list is its own.
	env.WriteConfig(t, "sources: [{type: organizations}]\nregions: [us-east-1]\n")
	runJSON(t, env)
	if n := env.Calls("organizations:ListAccounts"); n != 3 {
		t.Errorf("another identity reused the cached list: ListAccounts calls = %d", n)
	}
}

func TestAccountsOrganizationsDenied(t *testing.T) {
	// The host may not read Organizations: a clear failure, not an empty fleet.
	world := strings.Replace(orgWorld(), `Action: ["organizations:Describe*", "organizations:List*"]`, `Action: ["organizations:DescribeOrganization"]`, 1)
	env := fleettest.Start(t, world, awssim.Options{}, "")
	env.WriteConfig(t, "sources: [{type: organizations}]\nregions: [us-east-1]\n")
	env.Reset()
	err := run(t, env, "-o", "json")
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") || !strings.Contains(err.Error(), "organizations") {
		t.Fatalf("got %v, want an AccessDenied error from Organizations", err)
	}
	if exitcode.Of(err) != exitcode.ExitFailure {
		t.Errorf("exit code %d, want %d", exitcode.Of(err), exitcode.ExitFailure)
	}
}

func TestAccountsInventory(t *testing.T) {
	env := fleettest.Start(t, orgWorld(), awssim.Options{}, "")
	for name, text := range map[string]string{
		"inv.yaml": `accounts:
  - {id: "111111111111", name: billing, regions: [eu-west-1, us-east-1], ou: Finance, env: prod, owner: dba-team}
  - {id: "222222222222", name: crm, role: CustomReader, external_id: crm-ext}
  - {id: "333333333333"}
`,
		"inv.csv": "id,name,regions,env,oracle_sids\n444444444444,ledger,eu-west-1;us-east-1,dev,ORCL1\n",
	} {
		if err := os.WriteFile(filepath.Join(env.Dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env.WriteConfig(t, "sources: [{type: inventory, file: inv.yaml}, {type: inventory, file: inv.csv}]\nregions: [us-east-1]\n")
	doc := runJSON(t, env)
	got := map[string]Row{}
	for _, r := range doc.Rows {
		got[r.Account] = r
	}
	if len(got) != 4 {
		t.Fatalf("rows: %+v", doc.Rows)
	}
	if r := got["111111111111"]; r.AccountName != "billing" || r.Regions != "eu-west-1,us-east-1" || r.OU != "Finance" ||
		r.Tags["env"] != "prod" || r.Tags["owner"] != "dba-team" || r.Source != "inventory" ||
		r.RoleARN != "arn:aws:iam::111111111111:role/DB-Management-Host-Access-Role" || r.ExternalID {
		t.Errorf("billing: %+v", r)
	}
	if r := got["222222222222"]; r.RoleARN != "arn:aws:iam::222222222222:role/CustomReader" || !r.ExternalID || r.Regions != "us-east-1" {
		t.Errorf("crm: %+v", r)
	}
	if r := got["333333333333"]; r.AccountName != "333333333333" || len(r.Tags) != 0 {
		t.Errorf("unnamed: %+v", r)
	}
	if r := got["444444444444"]; r.AccountName != "ledger" || r.Regions != "eu-west-1,us-east-1" || r.Tags["env"] != "dev" || r.Tags["oracle_sids"] != "ORCL1" {
		t.Errorf("csv ledger: %+v", r)
	}
	// The external ID itself is never printed.
	if strings.Contains(env.Out.String(), "crm-ext") {
		t.Errorf("the external ID is printed:\n%s", env.Out)
	}
	// Metadata selects.
	if doc := runJSON(t, env, "--tag", "env=prod"); strings.Join(accountIDs(doc.Rows), " ") != "111111111111" {
		t.Errorf("--tag env=prod: %v", accountIDs(doc.Rows))
	}
	if doc := runJSON(t, env, "--tag", "oracle_sids"); strings.Join(accountIDs(doc.Rows), " ") != "444444444444" {
		t.Errorf("--tag oracle_sids: %v", accountIDs(doc.Rows))
	}
}

func TestAccountsBadInput(t *testing.T) {
	env := fleettest.Start(t, orgWorld(), awssim.Options{}, "")
	for name, c := range map[string]struct {
		file, text string
		want       string // after "inventory <path>"
	}{
		"yaml duplicate":    {"inv.yaml", "accounts:\n  - {id: \"111111111111\", name: a}\n  - {id: \"222222222222\", name: b}\n  - {id: \"111111111111\", name: c}\n", ":4: account 111111111111 is already listed at line 2"},
		"yaml short id":     {"inv.yaml", "accounts:\n  - {id: \"111111111111\", name: a}\n  - {id: \"12345\", name: b}\n", `:3: account id "12345" must be 12 digits`},
		"yaml foreign role": {"inv.yaml", "accounts:\n  - {id: \"111111111111\", role: \"arn:aws:iam::222222222222:role/R\"}\n", ":2: role arn:aws:iam::222222222222:role/R is in account 222222222222, not 111111111111"},
		"yaml bad role":     {"inv.yaml", "accounts:\n  - {id: \"111111111111\", role: \"arn:aws:iam::111111111111:user/R\"}\n", ":2: role_arn"},
		"csv duplicate":     {"inv.csv", "id,name\n111111111111,a\n222222222222,b\n111111111111,c\n", ":4: account 111111111111 is already listed at line 2"},
		"csv short id":      {"inv.csv", "id,name\n111111111111,a\n1111x1111111,b\n", `:3: account id "1111x1111111" must be 12 digits`},
		"csv foreign role":  {"inv.csv", "id,name,role\n111111111111,a,arn:aws:iam::222222222222:role/R\n", ":2: role arn:aws:iam::222222222222:role/R is in account 222222222222, not 111111111111"},
		"csv comment lines": {"inv.csv", "# fleet\nid,name\n# prod\n111111111111,a\n111111111111,b\n", ":5: account 111111111111 is already listed at line 4"},
		"csv no id column":  {"inv.csv", "account,name\n111111111111,a\n", ": line 1: the header has no id column"},
		"csv ragged row":    {"inv.csv", "id,name\n111111111111,a,extra\n", "line 2"},
		"unknown extension": {"inv.txt", "111111111111\n", ": use a .yaml, .yml or .csv file"},
		"yaml syntax":       {"inv.yaml", "accounts:\n  - {id: \"111111111111\"\n", "line"},
		"yaml bad duration": {"inv.yaml", "accounts:\n  - {id: \"111111111111\", duration_seconds: 60}\n", ":2: duration_seconds 60 must be from 900 to 43200"},
		"yaml wrong shape":  {"inv.yaml", "accounts: {id: \"111111111111\"}\n", "inventory"},
		"yaml missing file": {"missing.yaml", "", "no such file"},
		"yaml bad region":   {"inv.yaml", "accounts:\n  - {id: \"111111111111\", regions: [us-esat-1]}\n", "us-esat-1"},
	} {
		path := filepath.Join(env.Dir, c.file)
		os.Remove(path)
		if c.text != "" {
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		env.WriteConfig(t, "sources: [{type: inventory, file: "+c.file+"}]\nregions: [us-east-1]\n")
		env.Reset()
		err := run(t, env, "-o", "json")
		var usage *exitcode.UsageError
		if !errors.As(err, &usage) {
			t.Errorf("%s: got %v, want a usage error", name, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, path) || !strings.Contains(msg, c.want) {
			t.Errorf("%s: error %q should name %s and say %q", name, msg, path, c.want)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("%s: error is not one line: %q", name, msg)
		}
		if env.Out.String() != "" {
			t.Errorf("%s: printed %q", name, env.Out)
		}
	}

	env.WriteConfig(t, "sources: [{type: inventory, file: inv.yaml}]\nregions: [us-east-1]\n")
	os.WriteFile(filepath.Join(env.Dir, "inv.yaml"), []byte("accounts:\n  - {id: \"111111111111\", env: prod}\n"), 0o644)
	for _, args := range [][]string{{"--tag", "=prod"}, {"--tag", "=", "--tag", "env=prod"}, {"--ou", "[Work"}, {"--account", "[x"}, {"--concurrency", "-1"}, {"-o", "xml"}, {"--no-such-flag"}} {
		env.Reset()
		err := run(t, env, args...)
		if code := exitcode.Of(classifyFlagError(err)); code != exitcode.ExitUsage {
			t.Errorf("%v: exit code %d (%v), want %d", args, code, err, exitcode.ExitUsage)
		}
	}
}

// classifyFlagError does what the root command does with cobra's own flag
// parsing errors (the root's flag error function is not installed here).
func classifyFlagError(err error) error {
	if err != nil && (strings.HasPrefix(err.Error(), "unknown flag") || strings.HasPrefix(err.Error(), "invalid argument")) {
		return &exitcode.UsageError{Err: err}
	}
	return err
}
