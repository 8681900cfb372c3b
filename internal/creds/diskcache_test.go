package creds_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"

	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/creds"
	"github.com/rdsfleet/rdsfleet/internal/fleettest"
)

// cacheWorld: the management host (instance profile Host) and a user dba
// with static keys, both trusted by alpha; bravo trusts the host only with
// an ExternalId.
const cacheWorld = `
organization: {management_account: "999999999999"}
regions: [us-east-1]
accounts:
` + fleettest.ManagementAccount + `  - id: "111111111111"
    name: alpha
    roles:
      - name: DB-Management-Host-Access-Role
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: ["arn:aws:iam::999999999999:role/Host", "arn:aws:iam::999999999999:user/dba"]}, Action: "sts:AssumeRole"}]}
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
`

const (
	alphaRole = "arn:aws:iam::111111111111:role/DB-Management-Host-Access-Role"
	bravoRole = "arn:aws:iam::222222222222:role/DB-Management-Host-Access-Role"
)

// sources are the host's instance profile and the dba user's keys, both
// named as a run without a base profile names its source: what tells
// them apart is who they are, not what they are called.
func sources(t *testing.T, env *fleettest.Env) (host, user *creds.Source) {
	t.Helper()
	env.WriteAWSConfig(t, "[default]\nregion = us-east-1\n[profile dba]\nregion = us-east-1\n")
	if err := os.WriteFile(filepath.Join(env.Dir, "credentials"), []byte("[dba]\naws_access_key_id = AKIAEXAMPLEDBA000001\naws_secret_access_key = examplesecretexamplesecretexamplesecret1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := append([]func(*config.LoadOptions) error{config.WithSharedConfigFiles([]string{env.Factory.AWSConfigPath})}, env.Factory.LoadOptions...)
	ctx := context.Background()
	h, err := creds.LoadDefaultSource(ctx, "", opts...)
	if err != nil {
		t.Fatal(err)
	}
	u, err := creds.LoadDefaultSource(ctx, "dba", opts...)
	if err != nil {
		t.Fatal(err)
	}
	for src, want := range map[*creds.Source]string{h: "arn:aws:sts::999999999999:assumed-role/Host/i-0123456789abcdef0", u: "arn:aws:iam::999999999999:user/dba"} {
		if id, err := src.Identity(ctx); err != nil || id.ARN != want {
			t.Fatalf("%s is %q (%v), want %s", src.Name, id.ARN, err, want)
		}
	}
	return h, &creds.Source{Name: h.Name, Config: u.Config}
}

func retrieve(t *testing.T, b *creds.Broker, src *creds.Source, r creds.Role) (aws.Credentials, bool, error) {
	t.Helper()
	rc := b.Role(src, r)
	c, err := rc.Retrieve(context.Background())
	return c, rc.FromDisk(), err
}

func TestDiskCacheKeysBySourceAndExternalID(t *testing.T) {
	env := fleettest.Start(t, cacheWorld, awssim.Options{}, "")
	host, user := sources(t, env)
	dir := filepath.Join(env.Dir, "cache")
	// An existing, too open directory is tightened.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	dc := &creds.DiskCache{Dir: dir}
	alpha := creds.Role{ARN: alphaRole, Region: "us-east-1"}

	// Run 1, as the user.
	b1 := &creds.Broker{Cache: dc}
	userCreds, fromDisk, err := retrieve(t, b1, user, alpha)
	if err != nil || fromDisk {
		t.Fatalf("first run: %v, from disk %v", err, fromDisk)
	}
	// Run 2, as the host, with the same cache, role and session name: the
	// user's session is not the host's.
	b2 := &creds.Broker{Cache: dc}
	hostCreds, fromDisk, err := retrieve(t, b2, host, alpha)
	if err != nil || fromDisk || b2.AssumeRoleCalls() != 1 {
		t.Fatalf("host run: %v, from disk %v, %d AssumeRole calls: it took the user's cached session", err, fromDisk, b2.AssumeRoleCalls())
	}
	if hostCreds.AccessKeyID == userCreds.AccessKeyID {
		t.Fatal("the host got the user's session")
	}
	// Run 3, as the user again: its own entry.
	b3 := &creds.Broker{Cache: dc}
	again, fromDisk, err := retrieve(t, b3, user, alpha)
	if err != nil || !fromDisk || again.AccessKeyID != userCreds.AccessKeyID || b3.AssumeRoleCalls() != 0 {
		t.Fatalf("user's second run: %v, from disk %v, same key %v, %d calls", err, fromDisk, again.AccessKeyID == userCreds.AccessKeyID, b3.AssumeRoleCalls())
	}

	// One run with both sources: each gets its own credentials.
	b4 := &creds.Broker{Cache: dc}
	if b4.Role(user, alpha) == b4.Role(host, alpha) {
		t.Error("one broker hands out the same credentials for two source identities")
	}
	c1, _, _ := retrieve(t, b4, user, alpha)
	c2, _, _ := retrieve(t, b4, host, alpha)
	if c1.AccessKeyID != userCreds.AccessKeyID || c2.AccessKeyID != hostCreds.AccessKeyID {
		t.Error("one broker mixed up the two sources' sessions")
	}

	// An external ID is part of the key: a session obtained with the right
	// one never serves a request for another.
	b5 := &creds.Broker{Cache: dc}
	if _, _, err := retrieve(t, b5, host, creds.Role{ARN: bravoRole, ExternalID: "bravo-secret-id", Region: "us-east-1"}); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{"", "guessed-id"} {
		b := &creds.Broker{Cache: dc}
		_, fromDisk, err := retrieve(t, b, host, creds.Role{ARN: bravoRole, ExternalID: ext, Region: "us-east-1"})
		var ae smithy.APIError
		var assume *creds.AssumeError
		if fromDisk || !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || !errors.As(err, &assume) {
			t.Errorf("external ID %q: from disk %v, err %v; want the role refused", ext, fromDisk, err)
		}
	}

	// Modes: the directories 0700, the entries 0600, no temporary files.
	for _, d := range []string{dir, filepath.Join(dir, "credentials")} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v (%v), want 0700", d, fi.Mode().Perm(), err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "credentials"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 { // alpha as user, alpha as host, bravo with its ID
		t.Errorf("%d entries, want 3", len(entries))
	}
	for _, e := range entries {
		fi, _ := e.Info()
		if fi.Mode().Perm() != 0o600 || !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("entry %s mode %v", e.Name(), fi.Mode().Perm())
		}
		data, _ := os.ReadFile(filepath.Join(dir, "credentials", e.Name()))
		if strings.Contains(e.Name(), "bravo") || strings.Contains(string(data), "bravo-secret-id") {
			t.Errorf("entry %s holds the external ID", e.Name())
		}
	}
}

func TestDiskCacheMinRemaining(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	dir := filepath.Join(t.TempDir(), "cache")
	dc := &creds.DiskCache{Dir: dir, Now: func() time.Time { return now }}
	put := func(key string, left time.Duration) {
		t.Helper()
		c := aws.Credentials{AccessKeyID: "ASIA" + key, SecretAccessKey: "s", SessionToken: "t", CanExpire: true, Expires: now.Add(left)}
		if err := dc.Put(key, alphaRole, c); err != nil {
			t.Fatal(err)
		}
	}
	put("fresh", time.Hour)
	put("edge", 5*time.Minute)
	put("stale", 4*time.Minute)
	put("expired", -time.Minute)
	for key, want := range map[string]bool{"fresh": true, "edge": true, "stale": false, "expired": false, "absent": false} {
		c, ok := dc.Get(key)
		if ok != want {
			t.Errorf("%s: used %v, want %v", key, ok, want)
		}
		if ok && (c.AccessKeyID != "ASIA"+key || !c.CanExpire || !c.Expires.Equal(now.Add(map[string]time.Duration{"fresh": time.Hour, "edge": 5 * time.Minute}[key]))) {
			t.Errorf("%s: %+v", key, c)
		}
	}
	// A longer MinRemaining turns down more.
	dc.MinRemaining = 2 * time.Hour
	if _, ok := dc.Get("fresh"); ok {
		t.Error("an entry with 1h left is used with MinRemaining 2h")
	}
	dc.MinRemaining = 0

	// Rewriting an entry replaces it whole, leaving no temporary file.
	put("fresh", 2*time.Hour)
	if c, ok := dc.Get("fresh"); !ok || !c.Expires.Equal(now.Add(2*time.Hour)) {
		t.Errorf("rewritten entry: %+v %v", c, ok)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "credentials"))
	if len(entries) != 4 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("entries %v, want 4 and no temporary files", names)
	}
	// A damaged entry is a miss, not an error.
	for _, e := range entries {
		os.WriteFile(filepath.Join(dir, "credentials", e.Name()), []byte("{not json"), 0o600)
	}
	if _, ok := dc.Get("fresh"); ok {
		t.Error("a damaged entry is used")
	}
	n, err := dc.Clear()
	if err != nil || n != 4 {
		t.Errorf("Clear: %d, %v", n, err)
	}
	if n, err := dc.Clear(); err != nil || n != 0 {
		t.Errorf("Clear of an empty cache: %d, %v", n, err)
	}
	if n, err := (&creds.DiskCache{Dir: filepath.Join(dir, "nope")}).Clear(); err != nil || n != 0 {
		t.Errorf("Clear of a missing cache: %d, %v", n, err)
	}
}

// A near-expiry entry on disk makes the broker assume the role again.
func TestBrokerSkipsNearExpiryEntry(t *testing.T) {
	env := fleettest.Start(t, cacheWorld, awssim.Options{}, "")
	host, _ := sources(t, env)
	dir := filepath.Join(env.Dir, "cache")
	alpha := creds.Role{ARN: alphaRole, Region: "us-east-1"}
	b1 := &creds.Broker{Cache: &creds.DiskCache{Dir: dir}}
	if _, _, err := retrieve(t, b1, host, alpha); err != nil {
		t.Fatal(err)
	}
	// Ten minutes before the session ends, with a 15-minute floor.
	later := time.Now().Add(50 * time.Minute)
	b2 := &creds.Broker{Cache: &creds.DiskCache{Dir: dir, MinRemaining: 15 * time.Minute, Now: func() time.Time { return later }}}
	_, fromDisk, err := retrieve(t, b2, host, alpha)
	if err != nil || fromDisk || b2.AssumeRoleCalls() != 1 {
		t.Errorf("near-expiry entry: %v, from disk %v, %d AssumeRole calls; want a new session", err, fromDisk, b2.AssumeRoleCalls())
	}
	// With the default 5 minutes, the same entry is still good.
	b3 := &creds.Broker{Cache: &creds.DiskCache{Dir: dir, Now: func() time.Time { return later }}}
	if _, fromDisk, err := retrieve(t, b3, host, alpha); err != nil || !fromDisk {
		t.Errorf("entry with 10 minutes left: %v, from disk %v", err, fromDisk)
	}
}
