package inventory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
	"golang.org/x/time/rate"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
	"github.com/rdsfleet/rdsfleet/internal/output"
)

var _ Limiter = (*rate.Limiter)(nil)

const (
	acctID       = "111111111111"
	readerKey    = "AKIAINVENTORYREAD001"
	readerSecret = "inventoryreadersecretinventoryreadersec1"
	nobodyKey    = "AKIAINVENTORYNONE001"
	nobodySecret = "inventorynobodysecretinventorynobodysec1"

	full  = "us-east-1" // 130 instances, a cluster, snapshots, maintenance
	empty = "us-west-2" // nothing

	fleetSize = 126 // generated instances; with the 4 named ones, 130
)

var testAcct = accounts.Account{ID: acctID, Name: "app", Source: "inventory"}

// testWorld is one account with everything in us-east-1 and nothing in
// us-west-2: 130 DB instances (an Aurora PostgreSQL cluster of 2, two
// named instances and 126 generated ones), snapshots of both kinds and
// pending maintenance.
func testWorld() string {
	var b strings.Builder
	b.WriteString(`
regions: [us-east-1, us-west-2]
accounts:
  - id: "111111111111"
    name: app
    users:
      - name: reader
        access_key_id: ` + readerKey + `
        secret_access_key: ` + readerSecret + `
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
      - name: nobody
        access_key_id: ` + nobodyKey + `
        secret_access_key: ` + nobodySecret + `
    db_clusters:
      - id: orders-aurora
        region: us-east-1
        engine: aurora-postgresql
        storage_encrypted: true
        deletion_protection: true
        backup_retention_period: 14
        tags: {team: orders, env: prod}
    db_instances:
      - {id: orders-aurora-1, region: us-east-1, engine: aurora-postgresql, cluster: orders-aurora}
      - {id: orders-aurora-2, region: us-east-1, engine: aurora-postgresql, cluster: orders-aurora}
      - id: billing-pg
        region: us-east-1
        engine: postgres
        engine_version: "16.3"
        class: db.r6g.xlarge
        allocated_storage: 200
        storage_type: io1
        storage_encrypted: true
        multi_az: true
        port: 5433
        backup_retention_period: 7
        deletion_protection: true
        iam_database_authentication: true
        performance_insights: true
        monitoring_interval: 60
        cloudwatch_logs_exports: [postgresql, upgrade]
        ca_certificate: rds-ca-ecc384-g1
        auto_minor_version_upgrade: false
        tags: {team: billing, env: prod}
        pending_maintenance:
          - {action: system-update, description: "New Operating System update is available", auto_applied_after: "2030-01-01T00:00:00Z"}
          - {action: db-upgrade, description: "Minor version upgrade", forced_apply_date: "2030-02-01T00:00:00Z"}
      - {id: legacy-mysql, region: us-east-1, engine: mysql, status: stopped, publicly_accessible: true}
`)
	for i := range fleetSize {
		fmt.Fprintf(&b, "      - {id: fleet-%03d, region: us-east-1, engine: %s}\n", i, []string{"postgres", "mysql"}[i%2])
	}
	b.WriteString(`    db_snapshots:
      - {id: billing-pg-golden, region: us-east-1, instance: billing-pg, tags: {purpose: golden}}
      - {id: orders-before-migration, region: us-east-1, cluster: orders-aurora}
`)
	return b.String()
}

type sim struct {
	*awssim.Server
	URL string
}

var simNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func startSim(t *testing.T) *sim {
	t.Helper()
	w, err := world.Parse("inventory-test.yaml", []byte(testWorld()))
	if err != nil {
		t.Fatalf("world: %v", err)
	}
	s, err := awssim.New(w, awssim.Options{Now: func() time.Time { return simNow }})
	if err != nil {
		t.Fatalf("awssim.New: %v", err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &sim{Server: s, URL: hs.URL}
}

// cfg is an SDK config signing as a world user and sending everything to
// the simulator, as the sweep engine's would (with assumed-role
// credentials instead).
func (s *sim) cfg(t *testing.T, region, key, secret string) aws.Config {
	t.Helper()
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	c, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(key, secret, "")),
		config.WithBaseEndpoint(s.URL),
		config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
	)
	if err != nil {
		t.Fatal(err)
	}
	c.HTTPClient = &http.Client{Transport: memoryBodies{http.DefaultTransport}}
	return c
}

// memoryBodies sends request bodies from memory (see awssim's rds_test.go:
// over loopback, the SDK closing a streamed request body early can make
// net/http drop the connection under a large response).
type memoryBodies struct{ next http.RoundTripper }

func (m memoryBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return m.next.RoundTrip(r)
	}
	data, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return m.next.RoundTrip(r)
}

// countingLimiter counts Wait calls.
type countingLimiter struct{ n atomic.Int64 }

func (l *countingLimiter) Wait(ctx context.Context) error { l.n.Add(1); return ctx.Err() }

// calls is how many times the simulator served an RDS action.
func (s *sim) calls(action string) int64 { return s.Stats().Snapshot().ByAction["rds:"+action] }

func TestInstances(t *testing.T) {
	s := startSim(t)
	cfg := s.cfg(t, full, readerKey, readerSecret)
	lim := &countingLimiter{}
	s.Stats().Reset()
	rows, err := Instances(context.Background(), cfg, testAcct, full, lim)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 130 {
		t.Fatalf("got %d rows, want 130", len(rows))
	}
	seen := map[string]int{}
	for i, r := range rows {
		seen[r.ID]++
		if i > 0 && rows[i-1].ID >= r.ID {
			t.Errorf("rows not sorted by id: %s before %s", rows[i-1].ID, r.ID)
		}
		if r.Account != acctID || r.AccountName != "app" || r.Region != full {
			t.Errorf("%s: account/region %s %s %s", r.ID, r.Account, r.AccountName, r.Region)
		}
		if r.Tags == nil {
			t.Errorf("%s: nil tags", r.ID)
		}
	}
	for i := range fleetSize {
		if id := fmt.Sprintf("fleet-%03d", i); seen[id] != 1 {
			t.Errorf("%s seen %d times", id, seen[id])
		}
	}
	// 130 instances at 100 a page: 2 pages, each preceded by one Wait.
	if got := s.calls("DescribeDBInstances"); got != 2 {
		t.Errorf("DescribeDBInstances calls = %d, want 2", got)
	}
	if got := lim.n.Load(); got != s.calls("DescribeDBInstances") {
		t.Errorf("Wait called %d times for %d page requests", got, s.calls("DescribeDBInstances"))
	}

	by := map[string]DBInstanceRow{}
	for _, r := range rows {
		by[r.ID] = r
	}
	pg := by["billing-pg"]
	check := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("billing-pg %s = %v, want %v", what, got, want)
		}
	}
	check("engine", pg.Engine, "postgres")
	check("version", pg.Version, "16.3")
	check("status", pg.Status, "available")
	check("class", pg.Class, "db.r6g.xlarge")
	check("cluster", pg.Cluster, "")
	check("multi_az", pg.MultiAZ, true)
	check("storage_gb", pg.StorageGB, 200)
	check("storage_type", pg.StorageType, "io1")
	check("encrypted", pg.Encrypted, true)
	check("public", pg.Public, false)
	check("port", pg.Port, 5433)
	check("backup_retention_days", pg.BackupRetentionDays, 7)
	check("deletion_protection", pg.DeletionProtection, true)
	check("iam_auth", pg.IAMAuth, true)
	check("ca_cert", pg.CACert, "rds-ca-ecc384-g1")
	check("auto_minor_upgrade", pg.AutoMinorUpgrade, false)
	check("performance_insights", pg.PerformanceInsights, true)
	check("monitoring_interval", pg.MonitoringInterval, 60)
	check("log_exports", pg.LogExports, "postgresql,upgrade")
	check("arn", pg.ARN, "arn:aws:rds:us-east-1:111111111111:db:billing-pg")
	check("tags", fmt.Sprint(pg.Tags), "map[env:prod team:billing]")
	if !strings.HasPrefix(pg.Endpoint, "billing-pg.") || !strings.HasSuffix(pg.Endpoint, ".us-east-1.rds.amazonaws.com") {
		t.Errorf("billing-pg endpoint = %q", pg.Endpoint)
	}
	if !strings.HasPrefix(pg.ResourceID, "db-") {
		t.Errorf("billing-pg resource_id = %q", pg.ResourceID)
	}
	if c, err := time.Parse(time.RFC3339, pg.Created); err != nil || !c.Before(simNow) || c.Location() != time.UTC {
		t.Errorf("billing-pg created = %q (%v)", pg.Created, err)
	}

	my := by["legacy-mysql"]
	if my.Engine != "mysql" || my.Status != "stopped" || !my.Public || my.Port != 3306 || my.Encrypted {
		t.Errorf("legacy-mysql = %+v", my)
	}
	if !my.AutoMinorUpgrade || my.BackupRetentionDays == 0 || my.LogExports != "" || len(my.Tags) != 0 {
		t.Errorf("legacy-mysql defaults = %+v", my)
	}
	for _, id := range []string{"orders-aurora-1", "orders-aurora-2"} {
		m := by[id]
		if m.Cluster != "orders-aurora" || m.Engine != "aurora-postgresql" || m.Port != 5432 || m.Endpoint == "" {
			t.Errorf("%s = %+v", id, m)
		}
	}
}

func TestClusters(t *testing.T) {
	s := startSim(t)
	cfg := s.cfg(t, full, readerKey, readerSecret)
	lim := &countingLimiter{}
	s.Stats().Reset()
	rows, err := Clusters(context.Background(), cfg, testAcct, full, lim)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("got %d clusters: %+v", len(rows), rows)
	}
	c := rows[0]
	if c.ID != "orders-aurora" || c.Engine != "aurora-postgresql" || c.Status != "available" || c.Version == "" {
		t.Errorf("cluster = %+v", c)
	}
	if c.Members != 2 || c.Writer != "orders-aurora-1" {
		t.Errorf("members = %d, writer = %q; want 2, orders-aurora-1", c.Members, c.Writer)
	}
	if !c.Encrypted || !c.DeletionProtection || c.Port != 5432 || c.BackupRetentionDays != 14 {
		t.Errorf("cluster = %+v", c)
	}
	if !strings.HasPrefix(c.Endpoint, "orders-aurora.cluster-") || !strings.HasPrefix(c.ReaderEndpoint, "orders-aurora.cluster-ro-") {
		t.Errorf("endpoints = %q, %q", c.Endpoint, c.ReaderEndpoint)
	}
	if c.ARN != "arn:aws:rds:us-east-1:111111111111:cluster:orders-aurora" || c.Created == "" {
		t.Errorf("arn = %q, created = %q", c.ARN, c.Created)
	}
	if fmt.Sprint(c.Tags) != "map[env:prod team:orders]" {
		t.Errorf("tags = %v", c.Tags)
	}
	if got := lim.n.Load(); got != 1 || s.calls("DescribeDBClusters") != 1 {
		t.Errorf("Wait calls = %d, DescribeDBClusters calls = %d, want 1 and 1", got, s.calls("DescribeDBClusters"))
	}
}

func TestSnapshots(t *testing.T) {
	s := startSim(t)
	cfg := s.cfg(t, full, readerKey, readerSecret)
	lim := &countingLimiter{}
	s.Stats().Reset()
	rows, err := Snapshots(context.Background(), cfg, testAcct, full, lim)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]SnapshotRow{}
	kinds := map[string]int{}
	for i, r := range rows {
		if _, dup := by[r.Kind+"/"+r.ID]; dup {
			t.Errorf("%s %s listed twice", r.Kind, r.ID)
		}
		by[r.Kind+"/"+r.ID] = r
		kinds[r.Kind+"/"+r.Type]++
		if i > 0 && rows[i-1].ID > r.ID {
			t.Errorf("rows not sorted by id: %s before %s", rows[i-1].ID, r.ID)
		}
	}
	// Manual: one of each kind. Automated: yesterday's backup of every
	// instance outside a cluster (128) and of the cluster (1).
	want := map[string]int{"instance/manual": 1, "cluster/manual": 1, "instance/automated": 128, "cluster/automated": 1}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("snapshots by kind/type = %v, want %v", kinds, want)
	}
	g := by["instance/billing-pg-golden"]
	if g.Type != "manual" || g.Source != "billing-pg" || g.Engine != "postgres" || g.Version != "16.3" ||
		g.Status != "available" || g.AllocatedGB != 200 || !g.Encrypted || g.Created == "" ||
		g.ARN != "arn:aws:rds:us-east-1:111111111111:snapshot:billing-pg-golden" || fmt.Sprint(g.Tags) != "map[purpose:golden]" {
		t.Errorf("billing-pg-golden = %+v", g)
	}
	cs := by["cluster/orders-before-migration"]
	if cs.Type != "manual" || cs.Source != "orders-aurora" || cs.Engine != "aurora-postgresql" || !cs.Encrypted ||
		cs.ARN != "arn:aws:rds:us-east-1:111111111111:cluster-snapshot:orders-before-migration" || cs.Tags == nil {
		t.Errorf("orders-before-migration = %+v", cs)
	}
	pages := s.calls("DescribeDBSnapshots") + s.calls("DescribeDBClusterSnapshots")
	if s.calls("DescribeDBSnapshots") != 2 || s.calls("DescribeDBClusterSnapshots") != 1 {
		t.Errorf("page requests: %d DescribeDBSnapshots, %d DescribeDBClusterSnapshots; want 2 and 1",
			s.calls("DescribeDBSnapshots"), s.calls("DescribeDBClusterSnapshots"))
	}
	if got := lim.n.Load(); got != pages {
		t.Errorf("Wait called %d times for %d page requests", got, pages)
	}
}

func TestMaintenance(t *testing.T) {
	s := startSim(t)
	cfg := s.cfg(t, full, readerKey, readerSecret)
	lim := &countingLimiter{}
	s.Stats().Reset()
	rows, err := Maintenance(context.Background(), cfg, testAcct, full, lim)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows: %+v", len(rows), rows)
	}
	const arn = "arn:aws:rds:us-east-1:111111111111:db:billing-pg"
	up, sys := rows[0], rows[1] // sorted by resource, then action
	if up.Resource != "billing-pg" || up.ResourceARN != arn || up.Action != "db-upgrade" ||
		up.Description != "Minor version upgrade" || up.ForcedApplyDate != "2030-02-01T00:00:00Z" ||
		up.AutoAppliedAfter != "" || up.CurrentApplyDate != "2030-02-01T00:00:00Z" || up.OptInStatus != "" {
		t.Errorf("db-upgrade row = %+v", up)
	}
	if sys.Resource != "billing-pg" || sys.Action != "system-update" || sys.AutoAppliedAfter != "2030-01-01T00:00:00Z" ||
		sys.ForcedApplyDate != "" || sys.Account != acctID || sys.AccountName != "app" || sys.Region != full {
		t.Errorf("system-update row = %+v", sys)
	}
	if got := lim.n.Load(); got != 1 || s.calls("DescribePendingMaintenanceActions") != 1 {
		t.Errorf("Wait calls = %d, page requests = %d; want 1 and 1", got, s.calls("DescribePendingMaintenanceActions"))
	}
}

func TestEmptyRegion(t *testing.T) {
	s := startSim(t)
	cfg := s.cfg(t, empty, readerKey, readerSecret)
	ctx := context.Background()
	lim := &countingLimiter{}
	check := func(what string, n int, err error) {
		t.Helper()
		if err != nil || n != 0 {
			t.Errorf("%s: %d rows, %v; want none, no error", what, n, err)
		}
	}
	ir, err := Instances(ctx, cfg, testAcct, empty, lim)
	check("instances", len(ir), err)
	cr, err := Clusters(ctx, cfg, testAcct, empty, lim)
	check("clusters", len(cr), err)
	sr, err := Snapshots(ctx, cfg, testAcct, empty, lim)
	check("snapshots", len(sr), err)
	mr, err := Maintenance(ctx, cfg, testAcct, empty, nil) // nil: no pacing
	check("maintenance", len(mr), err)
	var nilRate *rate.Limiter
	mr, err = Maintenance(ctx, cfg, testAcct, empty, nilRate) // typed nil: no pacing either
	check("maintenance", len(mr), err)
	if got := lim.n.Load(); got != 4 {
		t.Errorf("Wait called %d times, want 4 (one page each)", got)
	}
	// Empty, not nil: JSON output shows [] rather than null.
	if ir == nil || cr == nil || sr == nil || mr == nil {
		t.Errorf("nil result for an empty region")
	}
}

func TestErrors(t *testing.T) {
	s := startSim(t)
	ctx := context.Background()

	// A user without RDS permissions: the SDK's error, wrapped.
	cfg := s.cfg(t, full, nobodyKey, nobodySecret)
	for name, f := range map[string]func() error{
		"describe db instances:":                func() error { _, err := Instances(ctx, cfg, testAcct, full, nil); return err },
		"describe db clusters:":                 func() error { _, err := Clusters(ctx, cfg, testAcct, full, nil); return err },
		"describe db snapshots:":                func() error { _, err := Snapshots(ctx, cfg, testAcct, full, nil); return err },
		"describe pending maintenance actions:": func() error { _, err := Maintenance(ctx, cfg, testAcct, full, nil); return err },
	} {
		err := f()
		var ae smithy.APIError
		if !errors.As(err, &ae) || !strings.Contains(ae.ErrorCode(), "AccessDenied") {
			t.Errorf("%s got %v, want an AccessDenied smithy.APIError", name, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), name+" ") {
			t.Errorf("error %q does not start with %q", err, name)
		}
	}

	// The limiter's error stops the listing before any request.
	cfg = s.cfg(t, full, readerKey, readerSecret)
	s.Stats().Reset()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err := Instances(cctx, cfg, testAcct, full, rate.NewLimiter(1, 1))
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "describe db instances: ") {
		t.Errorf("cancelled: got %v", err)
	}
	if n := s.Stats().Snapshot().Total; n != 0 {
		t.Errorf("%d calls made after the limiter failed", n)
	}
}

// TestJSONFields pins the JSON field names and order of every row type:
// they are the public contract of rdsfleet's JSON output.
func TestJSONFields(t *testing.T) {
	tags := map[string]string{"env": "prod"}
	for _, tt := range []struct {
		row  any
		want string
	}{
		{DBInstanceRow{Tags: tags}, `{"account":"","account_name":"","region":"","id":"","engine":"","version":"",` +
			`"status":"","class":"","cluster":"","multi_az":false,"storage_gb":0,"storage_type":"","encrypted":false,` +
			`"public":false,"endpoint":"","port":0,"created":"","backup_retention_days":0,"deletion_protection":false,` +
			`"iam_auth":false,"ca_cert":"","auto_minor_upgrade":false,"performance_insights":false,"monitoring_interval":0,` +
			`"log_exports":"","arn":"","resource_id":"","tags":{"env":"prod"}}`},
		{DBClusterRow{Tags: tags}, `{"account":"","account_name":"","region":"","id":"","engine":"","version":"",` +
			`"status":"","members":0,"writer":"","multi_az":false,"encrypted":false,"endpoint":"","reader_endpoint":"",` +
			`"port":0,"backup_retention_days":0,"deletion_protection":false,"iam_auth":false,"created":"","arn":"",` +
			`"tags":{"env":"prod"}}`},
		{SnapshotRow{Tags: tags}, `{"account":"","account_name":"","region":"","id":"","kind":"","type":"",` +
			`"source":"","engine":"","version":"","status":"","created":"","allocated_gb":0,"encrypted":false,"arn":"",` +
			`"tags":{"env":"prod"}}`},
		{MaintenanceRow{}, `{"account":"","account_name":"","region":"","resource":"","resource_arn":"","action":"",` +
			`"description":"","auto_applied_after":"","forced_apply_date":"","current_apply_date":"","opt_in_status":""}`},
	} {
		got, err := jsonOf(tt.row)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%T JSON:\n got %s\nwant %s", tt.row, got, tt.want)
		}
	}
}

// TestJSONFromSimulator checks a real row marshals with its values in
// place (times as RFC 3339, tags as an object).
func TestJSONFromSimulator(t *testing.T) {
	s := startSim(t)
	cfg := s.cfg(t, full, readerKey, readerSecret)
	rows, err := Instances(context.Background(), cfg, testAcct, full, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ID != "billing-pg" {
			continue
		}
		got, err := jsonOf(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"id":"billing-pg"`, `"engine":"postgres"`, `"port":5433`, `"multi_az":true`,
			`"tags":{"env":"prod","team":"billing"}`, `"created":"20`, `"log_exports":"postgresql,upgrade"`} {
			if !strings.Contains(got, want) {
				t.Errorf("JSON %s lacks %s", got, want)
			}
		}
		return
	}
	t.Fatal("billing-pg not listed")
}

func TestDefaultColumnsExist(t *testing.T) {
	for _, tt := range []struct {
		row  any
		cols []string
	}{
		{DBInstanceRow{}, InstanceColumns}, {DBClusterRow{}, ClusterColumns},
		{SnapshotRow{}, SnapshotColumns}, {MaintenanceRow{}, MaintenanceColumns},
	} {
		js, err := jsonOf(tt.row)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range tt.cols {
			if !strings.Contains(js, `"`+c+`":`) {
				t.Errorf("%T: default column %q is not a field", tt.row, c)
			}
		}
	}
}

func TestSummaries(t *testing.T) {
	inst := []DBInstanceRow{
		{Account: "1", Region: "a", Engine: "postgres", Status: "available"},
		{Account: "1", Region: "b", Engine: "postgres", Status: "available"},
		{Account: "2", Region: "a", Engine: "mysql", Status: "stopped"},
	}
	ptrs := []*DBInstanceRow{&inst[0], nil, &inst[2]}
	for _, tt := range []struct{ got, want string }{
		{InstanceSummary(inst), "3 DB instances in 2 accounts, 2 regions: postgres 2, mysql 1; status: available 2, stopped 1"},
		{InstanceSummary(ptrs), "2 DB instances in 2 accounts, 1 region: mysql 1, postgres 1; status: available 1, stopped 1"},
		{InstanceSummary([]DBInstanceRow{}), "no DB instances"},
		{InstanceSummary([]SnapshotRow{}), ""},
		{InstanceSummary(nil), ""},
		{ClusterSummary([]DBClusterRow{{Account: "1", Region: "a", Engine: "aurora-mysql", Status: "available", Members: 3}}),
			"1 DB cluster in 1 account, 1 region: aurora-mysql 1; status: available 1; 3 members"},
		{SnapshotSummary([]SnapshotRow{
			{Account: "1", Region: "a", Kind: "instance", Type: "automated", AllocatedGB: 20},
			{Account: "1", Region: "a", Kind: "instance", Type: "automated", AllocatedGB: 20},
			{Account: "1", Region: "a", Kind: "cluster", Type: "manual", AllocatedGB: 1},
		}), "3 snapshots in 1 account, 1 region: automated 2, manual 1; instance 2, cluster 1; 41 GB"},
		{MaintenanceSummary([]MaintenanceRow{
			{Account: "1", Region: "a", ResourceARN: "x", Action: "system-update"},
			{Account: "1", Region: "a", ResourceARN: "x", Action: "db-upgrade", OptInStatus: "next-maintenance"},
			{Account: "1", Region: "a", ResourceARN: "y", Action: "system-update"},
		}), "3 pending maintenance actions on 2 resources in 1 account, 1 region: system-update 2, db-upgrade 1; opt-in: none 2, next-maintenance 1"},
		{MaintenanceSummary([]MaintenanceRow{}), "no pending maintenance actions"},
	} {
		if tt.got != tt.want {
			t.Errorf("got  %q\nwant %q", tt.got, tt.want)
		}
	}

	// More engines than maxShown: the tail is counted as "other".
	var many []DBInstanceRow
	for i, e := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		for range 8 - i {
			many = append(many, DBInstanceRow{Account: "1", Region: "r", Engine: e, Status: "available"})
		}
	}
	if got, want := InstanceSummary(many), "36 DB instances in 1 account, 1 region: a 8, b 7, c 6, d 5, e 4, other 6; status: available 36"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestResourceID(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:rds:us-east-1:111111111111:db:billing-pg":         "billing-pg",
		"arn:aws:rds:us-east-1:111111111111:cluster:orders-aurora": "orders-aurora",
		"arn:aws-cn:rds:cn-north-1:111111111111:db:x":              "x",
		"billing-pg": "billing-pg",
		"":           "",
	} {
		if got := resourceID(in); got != want {
			t.Errorf("resourceID(%q) = %q, want %q", in, got, want)
		}
	}
}

func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// TestRender checks the rows, default columns and summaries fit the output
// package as the commands will use them.
func TestRender(t *testing.T) {
	s := startSim(t)
	cfg := s.cfg(t, full, readerKey, readerSecret)
	ctx := context.Background()
	inst, err := Instances(ctx, cfg, testAcct, full, nil)
	if err != nil {
		t.Fatal(err)
	}
	clusters, err := Clusters(ctx, cfg, testAcct, full, nil)
	if err != nil {
		t.Fatal(err)
	}
	snaps, err := Snapshots(ctx, cfg, testAcct, full, nil)
	if err != nil {
		t.Fatal(err)
	}
	maint, err := Maintenance(ctx, cfg, testAcct, full, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		table output.Table
		want  string
	}{
		{output.Table{Rows: inst, Default: InstanceColumns, Summary: InstanceSummary},
			"130 DB instances in 1 account, 1 region: mysql 64, postgres 64, aurora-postgresql 2; status: available 129, stopped 1"},
		{output.Table{Rows: clusters, Default: ClusterColumns, Summary: ClusterSummary},
			"1 DB cluster in 1 account, 1 region: aurora-postgresql 1; status: available 1; 2 members"},
		{output.Table{Rows: snaps, Default: SnapshotColumns, Summary: SnapshotSummary},
			"131 snapshots in 1 account, 1 region: automated 129, manual 2; instance 129, cluster 2; "},
		{output.Table{Rows: maint, Default: MaintenanceColumns, Summary: MaintenanceSummary},
			"2 pending maintenance actions on 1 resource in 1 account, 1 region: db-upgrade 1, system-update 1; opt-in: none 2"},
	} {
		var out, errOut bytes.Buffer
		if err := output.Render(&out, &errOut, tt.table, output.Options{TTY: true}); err != nil {
			t.Fatalf("%T: %v", tt.table.Rows, err)
		}
		if !strings.Contains(out.String(), "\n"+tt.want) {
			t.Errorf("%T: output lacks summary %q:\n%s", tt.table.Rows, tt.want, lastLines(out.String(), 3))
		}
		out.Reset()
		if err := output.Render(&out, &errOut, tt.table, output.Options{Format: output.FormatJSON}); err != nil {
			t.Fatalf("%T json: %v", tt.table.Rows, err)
		}
	}
	var out bytes.Buffer
	err = output.Render(&out, io.Discard, output.Table{Rows: inst}, output.Options{
		Format: output.FormatCSV, Columns: []string{"id", "cluster", "tag:team"},
		Sort: []string{"id"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"billing-pg,,billing\n", "orders-aurora-1,orders-aurora,\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("CSV lacks %q", want)
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
