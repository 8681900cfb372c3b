package accounts_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/fleettest"
)

// orgWorld: a management account whose administrator lists the
// organization, and members in nested OUs, one of them closing.
func orgWorld(members int) string {
	var b strings.Builder
	b.WriteString(`organization:
  management_account: "999999999999"
  organizational_units:
    - name: Workloads
      children: [{name: Prod, children: [{name: EU}]}]
regions: [us-east-1]
accounts:
  - id: "999999999999"
    name: management
    users:
      - name: admin
        access_key_id: AKIAEXAMPLEADMIN0001
        secret_access_key: adminsecretadminsecretadminsecretadmin01
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
`)
	for i := 1; i <= members; i++ {
		fmt.Fprintf(&b, "  - {id: \"2000000000%02d\", name: m%02d, ou: Workloads/Prod/EU, tags: {n: \"%d\"}", i, i, i)
		if i == 2 {
			b.WriteString(", status: PENDING_CLOSURE")
		}
		b.WriteString("}\n")
	}
	return b.String()
}

func orgClient(t *testing.T, env *fleettest.Env) *organizations.Client {
	t.Helper()
	if err := os.WriteFile(env.Dir+"/credentials", []byte("[admin]\naws_access_key_id = AKIAEXAMPLEADMIN0001\naws_secret_access_key = adminsecretadminsecretadminsecretadmin01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), append(env.Factory.LoadOptions,
		config.WithSharedConfigProfile("admin"), config.WithRegion("us-east-1"))...)
	if err != nil {
		t.Fatal(err)
	}
	return organizations.NewFromConfig(cfg)
}

func TestFromOrganizationsCache(t *testing.T) {
	env := fleettest.Start(t, orgWorld(25), awssim.Options{}, "")
	api := orgClient(t, env)
	ctx := context.Background()
	now := time.Now()
	clock := func() time.Time { return now }
	dir := t.TempDir()
	opts := accounts.OrgOptions{CacheDir: dir, CacheTTL: time.Hour, ExternalID: "ext-1", Now: clock}

	res, err := accounts.FromOrganizations(ctx, api, "admin", opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.FromCache || len(res.Accounts) != 25 || res.Skipped != 1 { // 26 accounts, one closing
		t.Fatalf("first listing: from cache %v, %d accounts, %d skipped", res.FromCache, len(res.Accounts), res.Skipped)
	}
	if n := env.Calls("organizations:ListAccounts"); n != 2 {
		t.Errorf("ListAccounts calls = %d, want 2 pages", n)
	}
	for _, a := range res.Accounts {
		if a.ID == "200000000002" {
			t.Error("the closing account is listed")
		}
		if a.ID != "999999999999" && (a.OU != "Workloads/Prod/EU" || a.Tags["n"] == "" || a.ExternalID != "ext-1") {
			t.Errorf("%s: ou %q tags %v external id %q", a.ID, a.OU, a.Tags, a.ExternalID)
		}
	}
	// The nested OU path is resolved per OU, not per account: at most
	// once per OU for each of the 4 concurrent lookups.
	if n := env.Calls("organizations:DescribeOrganizationalUnit"); n < 3 || n > 3*4 {
		t.Errorf("DescribeOrganizationalUnit calls = %d for 3 OUs and 25 accounts", n)
	}

	// Within the TTL: from the cache, with the current external ID, and the
	// skipped count kept.
	env.Reset()
	now = now.Add(59 * time.Minute)
	opts.ExternalID = "ext-2"
	res, err = accounts.FromOrganizations(ctx, api, "admin", opts)
	if err != nil || !res.FromCache || len(res.Accounts) != 25 || res.Skipped != 1 || env.Calls("organizations:ListAccounts") != 0 {
		t.Fatalf("within TTL: %v, from cache %v, %d accounts, %d skipped, %d calls", err, res.FromCache, len(res.Accounts), res.Skipped, env.Calls("organizations:ListAccounts"))
	}
	for _, a := range res.Accounts {
		if a.ExternalID != "ext-2" {
			t.Fatalf("%s: cached external ID %q", a.ID, a.ExternalID)
		}
	}
	// Another identity, another role template: their own lists.
	for name, o := range map[string]accounts.OrgOptions{
		"identity": opts,
		"template": {CacheDir: dir, CacheTTL: time.Hour, Now: clock, RoleTemplate: "arn:${partition}:iam::${account}:role/Other"},
	} {
		key := "admin"
		if name == "identity" {
			key = "someone-else"
		}
		res, err := accounts.FromOrganizations(ctx, api, key, o)
		if err != nil || res.FromCache {
			t.Errorf("another %s used the cached list: %v", name, err)
		}
		if name == "template" && !strings.HasSuffix(res.Accounts[0].RoleARN, ":role/Other") {
			t.Errorf("template: %s", res.Accounts[0].RoleARN)
		}
	}
	// Past the TTL, or a clock gone backwards: listed again.
	for _, shift := range []time.Duration{2 * time.Minute, -3 * time.Hour} {
		env.Reset()
		now = now.Add(shift)
		res, err = accounts.FromOrganizations(ctx, api, "admin", opts)
		if err != nil || res.FromCache || env.Calls("organizations:ListAccounts") != 2 {
			t.Errorf("clock moved %s: %v, from cache %v", shift, err, res.FromCache)
		}
		now = now.Add(-shift)
	}
	// Refresh ignores the cache.
	env.Reset()
	opts.Refresh = true
	if res, err = accounts.FromOrganizations(ctx, api, "admin", opts); err != nil || res.FromCache {
		t.Errorf("refresh: %v, from cache %v", err, res.FromCache)
	}
}
