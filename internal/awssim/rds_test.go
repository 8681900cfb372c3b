package awssim

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	rdsAdminKey    = "AKIARDSTESTADMIN0001"
	rdsAdminSecret = "rdstestsecretrdstestsecretrdstestsecret1"
	rdsAcct        = "111111111111"
)

const rdsWorld = `
accounts:
  - id: "111111111111"
    name: app
    users:
      - name: admin
        access_key_id: AKIARDSTESTADMIN0001
        secret_access_key: rdstestsecretrdstestsecretrdstestsecret1
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
    roles:
      - name: Reader
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: "arn:aws:iam::111111111111:root"}
              Action: sts:AssumeRole
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
    vpcs:
      - id: vpc-0123456789abcdef0
        region: us-east-1
        cidr: 10.0.0.0/16
        subnets:
          - {id: subnet-0aaa, cidr: 10.0.1.0/24, availability_zone: us-east-1a}
          - {id: subnet-0bbb, cidr: 10.0.2.0/24, availability_zone: us-east-1b}
        security_groups:
          - {id: sg-0db, name: db}
    secrets:
      - name: prod/legacy/master
        region: us-east-1
        secret_string: '{"username":"admin","password":"hunter2"}'
    db_clusters:
      - id: orders-aurora
        region: us-east-1
        engine: aurora-postgresql
        manage_master_user_password: true
        storage_encrypted: true
        deletion_protection: true
        tags: {team: orders}
    db_instances:
      - {id: orders-aurora-1, region: us-east-1, engine: aurora-postgresql, cluster: orders-aurora, vpc: vpc-0123456789abcdef0}
      - {id: orders-aurora-2, region: us-east-1, engine: aurora-postgresql, cluster: orders-aurora, vpc: vpc-0123456789abcdef0}
      - id: billing-pg
        region: us-east-1
        engine: postgres
        vpc: vpc-0123456789abcdef0
        security_groups: [sg-0db]
        backend: 127.0.0.1:15432
        manage_master_user_password: true
        copy_tags_to_snapshot: true
        tags: {team: billing, env: prod}
        pending_maintenance:
          - {action: system-update, description: "New Operating System update is available", auto_applied_after: "2030-01-01"}
      - id: legacy-mysql
        region: us-east-1
        engine: mysql
        deletion_protection: true
        master_user_secret: prod/legacy/master
      - {id: reports-ora, region: us-east-1, engine: oracle-ee, status: stopped}
    db_snapshots:
      - {id: billing-pg-golden, region: us-east-1, instance: billing-pg, public: true}
      - {id: orders-before-migration, region: us-east-1, cluster: orders-aurora}
`

// rdsTestWorld adds n generated postgres instances in us-west-2.
func rdsTestWorld(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "      - {id: fleet-%03d, region: us-west-2, engine: %s}\n", i, []string{"postgres", "mysql"}[i%2])
	}
	head, tail, _ := strings.Cut(rdsWorld, "    db_snapshots:\n")
	return head + b.String() + "    db_snapshots:\n" + tail
}

// rdsClock is a settable simulated clock.
type rdsClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *rdsClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *rdsClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func startRDS(t *testing.T, n int) (*testSim, *rdsClock) {
	t.Helper()
	clock := &rdsClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	ts := startSim(t, rdsTestWorld(n), Options{Now: clock.Now})
	return ts, clock
}

func rdsAdmin(t *testing.T, ts *testSim, region string) *rds.Client {
	return rdsClient(ts.cfg(t, region, rdsAdminKey, rdsAdminSecret, ""))
}

// rdsClient is the RDS client of a test; the harness's retryer covers the
// SDK's closed-connection race over loopback.
func rdsClient(cfg aws.Config) *rds.Client { return rds.NewFromConfig(cfg) }

func describeOne(t *testing.T, c *rds.Client, id string) rdstypes.DBInstance {
	t.Helper()
	out, err := c.DescribeDBInstances(context.Background(), &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
	if err != nil {
		t.Fatalf("describe %s: %v", id, err)
	}
	if len(out.DBInstances) != 1 {
		t.Fatalf("describe %s: %d instances", id, len(out.DBInstances))
	}
	return out.DBInstances[0]
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if apiCode(err) != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func TestRDSDescribePagination(t *testing.T) {
	ts, _ := startRDS(t, 130)
	c := rdsAdmin(t, ts, "us-west-2")
	ctx := context.Background()
	for _, max := range []int32{0, 20, 100} {
		in := &rds.DescribeDBInstancesInput{}
		if max > 0 {
			in.MaxRecords = aws.Int32(max)
		}
		seen := map[string]int{}
		pages := 0
		pg := rds.NewDescribeDBInstancesPaginator(c, in)
		for pg.HasMorePages() {
			out, err := pg.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, d := range out.DBInstances {
				seen[aws.ToString(d.DBInstanceIdentifier)]++
			}
		}
		if len(seen) != 130 {
			t.Fatalf("MaxRecords %d: saw %d instances, want 130", max, len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("MaxRecords %d: %s seen %d times", max, id, n)
			}
		}
		wantPages := map[int32]int{0: 2, 20: 7, 100: 2}[max]
		if pages != wantPages {
			t.Errorf("MaxRecords %d: %d pages, want %d", max, pages, wantPages)
		}
	}
	for _, bad := range []int32{19, 101} {
		_, err := c.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(bad)})
		wantCode(t, fmt.Sprint("MaxRecords ", bad), err, "InvalidParameterValue")
		if want := fmt.Sprintf("Invalid value %d for MaxRecords. Must be between 20 and 100", bad); !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	// Another region of the same account holds only its own instances.
	out, err := rdsAdmin(t, ts, "eu-west-1").DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
	if err != nil || len(out.DBInstances) != 0 {
		t.Fatalf("eu-west-1: %v, %d instances", err, len(out.DBInstances))
	}
}

func TestRDSDescribeFiltersAndNotFound(t *testing.T) {
	ts, _ := startRDS(t, 0)
	c := rdsAdmin(t, ts, "us-east-1")
	ctx := context.Background()
	ids := func(in *rds.DescribeDBInstancesInput) []string {
		t.Helper()
		out, err := c.DescribeDBInstances(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range out.DBInstances {
			got = append(got, aws.ToString(d.DBInstanceIdentifier))
		}
		return got
	}
	filter := func(name string, values ...string) *rds.DescribeDBInstancesInput {
		return &rds.DescribeDBInstancesInput{Filters: []rdstypes.Filter{{Name: aws.String(name), Values: values}}}
	}
	if got := ids(&rds.DescribeDBInstancesInput{}); strings.Join(got, ",") != "billing-pg,legacy-mysql,orders-aurora-1,orders-aurora-2,reports-ora" {
		t.Errorf("all = %v", got)
	}
	if got := ids(filter("engine", "postgres", "mysql")); strings.Join(got, ",") != "billing-pg,legacy-mysql" {
		t.Errorf("engine = %v", got)
	}
	if got := ids(filter("db-cluster-id", "arn:aws:rds:us-east-1:111111111111:cluster:orders-aurora")); len(got) != 2 {
		t.Errorf("db-cluster-id = %v", got)
	}
	if got := ids(filter("db-instance-id", "arn:aws:rds:us-east-1:111111111111:db:billing-pg", "LEGACY-MYSQL")); len(got) != 2 {
		t.Errorf("db-instance-id = %v", got)
	}
	pg := describeOne(t, c, "arn:aws:rds:us-east-1:111111111111:db:billing-pg")
	if got := ids(filter("dbi-resource-id", aws.ToString(pg.DbiResourceId))); len(got) != 1 || got[0] != "billing-pg" {
		t.Errorf("dbi-resource-id = %v", got)
	}
	_, err := c.DescribeDBInstances(ctx, filter("colour", "blue"))
	wantCode(t, "unknown filter", err, "InvalidParameterValue")

	_, err = c.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("nope")})
	wantCode(t, "missing instance", err, "DBInstanceNotFound")
	if !strings.Contains(err.Error(), "DBInstance nope not found.") {
		t.Errorf("message: %v", err)
	}
	_, err = c.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("nope")})
	wantCode(t, "missing cluster", err, "DBClusterNotFoundFault")
}

func TestRDSInstanceDefaults(t *testing.T) {
	ts, _ := startRDS(t, 0)
	c := rdsAdmin(t, ts, "us-east-1")
	pg := describeOne(t, c, "billing-pg")
	if e := pg.Endpoint; e == nil || aws.ToString(e.Address) != "127.0.0.1" || aws.ToInt32(e.Port) != 15432 {
		t.Errorf("backend endpoint = %+v", e)
	}
	if aws.ToString(pg.EngineVersion) != "16.4" || aws.ToString(pg.DBInstanceClass) != "db.t3.medium" {
		t.Errorf("version/class = %s %s", aws.ToString(pg.EngineVersion), aws.ToString(pg.DBInstanceClass))
	}
	if rid := aws.ToString(pg.DbiResourceId); len(rid) != 29 || !strings.HasPrefix(rid, "db-") || strings.ToUpper(rid[3:]) != rid[3:] {
		t.Errorf("DbiResourceId = %q", rid)
	}
	if aws.ToString(pg.DBInstanceArn) != "arn:aws:rds:us-east-1:111111111111:db:billing-pg" {
		t.Errorf("arn = %s", aws.ToString(pg.DBInstanceArn))
	}
	if g := pg.DBSubnetGroup; g == nil || aws.ToString(g.VpcId) != "vpc-0123456789abcdef0" || len(g.Subnets) != 2 {
		t.Errorf("subnet group = %+v", g)
	}
	if len(pg.VpcSecurityGroups) != 1 || aws.ToString(pg.VpcSecurityGroups[0].VpcSecurityGroupId) != "sg-0db" {
		t.Errorf("security groups = %+v", pg.VpcSecurityGroups)
	}
	if aws.ToString(pg.CACertificateIdentifier) != "rds-ca-rsa2048-g1" || pg.CertificateDetails == nil || pg.CertificateDetails.ValidTill == nil {
		t.Errorf("CA = %s %+v", aws.ToString(pg.CACertificateIdentifier), pg.CertificateDetails)
	}
	if aws.ToInt32(pg.BackupRetentionPeriod) != 7 || !aws.ToBool(pg.AutoMinorVersionUpgrade) || pg.InstanceCreateTime == nil {
		t.Errorf("retention %d, auto minor %v", aws.ToInt32(pg.BackupRetentionPeriod), aws.ToBool(pg.AutoMinorVersionUpgrade))
	}
	if pg.TagList == nil || len(pg.TagList) != 2 {
		t.Errorf("tags = %+v", pg.TagList)
	}
	s := pg.MasterUserSecret
	if s == nil || !strings.HasPrefix(aws.ToString(s.SecretArn), "arn:aws:secretsmanager:us-east-1:111111111111:secret:rds!db-") ||
		aws.ToString(s.SecretStatus) != "active" || aws.ToString(s.KmsKeyId) == "" {
		t.Fatalf("MasterUserSecret = %+v", s)
	}
	sm := secretsmanager.NewFromConfig(ts.cfg(t, "us-east-1", rdsAdminKey, rdsAdminSecret, ""))
	if _, err := sm.DescribeSecret(context.Background(), &secretsmanager.DescribeSecretInput{SecretId: s.SecretArn}); err != nil {
		t.Errorf("managed secret not in Secrets Manager: %v", err)
	}
	legacy := describeOne(t, c, "legacy-mysql")
	if legacy.MasterUserSecret == nil || !strings.Contains(aws.ToString(legacy.MasterUserSecret.SecretArn), ":secret:prod/legacy/master-") {
		t.Errorf("named secret = %+v", legacy.MasterUserSecret)
	}
	if e := legacy.Endpoint; e == nil || !strings.HasPrefix(aws.ToString(e.Address), "legacy-mysql.") ||
		!strings.HasSuffix(aws.ToString(e.Address), ".us-east-1.rds.amazonaws.com") || aws.ToInt32(e.Port) != 3306 {
		t.Errorf("endpoint = %+v", e)
	}
	if aws.ToString(legacy.EngineVersion) != "8.0.39" {
		t.Errorf("mysql version = %s", aws.ToString(legacy.EngineVersion))
	}
}

func TestRDSAuroraCluster(t *testing.T) {
	ts, _ := startRDS(t, 0)
	c := rdsAdmin(t, ts, "us-east-1")
	ctx := context.Background()
	out, err := c.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("orders-aurora")})
	if err != nil {
		t.Fatal(err)
	}
	cl := out.DBClusters[0]
	if aws.ToString(cl.EngineVersion) != "16.4" || aws.ToInt32(cl.Port) != 5432 || !aws.ToBool(cl.StorageEncrypted) || aws.ToString(cl.KmsKeyId) == "" {
		t.Errorf("cluster = %s port %d encrypted %v", aws.ToString(cl.EngineVersion), aws.ToInt32(cl.Port), aws.ToBool(cl.StorageEncrypted))
	}
	if len(cl.DBClusterMembers) != 2 || !aws.ToBool(cl.DBClusterMembers[0].IsClusterWriter) || aws.ToBool(cl.DBClusterMembers[1].IsClusterWriter) {
		t.Errorf("members = %+v", cl.DBClusterMembers)
	}
	if cl.MasterUserSecret == nil || !strings.Contains(aws.ToString(cl.MasterUserSecret.SecretArn), ":secret:rds!cluster-") {
		t.Errorf("cluster secret = %+v", cl.MasterUserSecret)
	}
	if aws.ToString(cl.DBSubnetGroup) == "" || !strings.Contains(aws.ToString(cl.Endpoint), ".cluster-") || !strings.Contains(aws.ToString(cl.ReaderEndpoint), ".cluster-ro-") {
		t.Errorf("network: %s %s %s", aws.ToString(cl.DBSubnetGroup), aws.ToString(cl.Endpoint), aws.ToString(cl.ReaderEndpoint))
	}
	m := describeOne(t, c, "orders-aurora-1")
	if aws.ToString(m.DBClusterIdentifier) != "orders-aurora" || aws.ToString(m.DBInstanceClass) != "db.r6g.large" ||
		aws.ToInt32(m.BackupRetentionPeriod) != 1 || aws.ToString(m.StorageType) != "aurora" || !aws.ToBool(m.StorageEncrypted) {
		t.Errorf("member = %s %s %d %s", aws.ToString(m.DBClusterIdentifier), aws.ToString(m.DBInstanceClass), aws.ToInt32(m.BackupRetentionPeriod), aws.ToString(m.StorageType))
	}
	_, err = c.StopDBInstance(ctx, &rds.StopDBInstanceInput{DBInstanceIdentifier: aws.String("orders-aurora-1")})
	wantCode(t, "stop aurora member", err, "InvalidParameterCombination")
	_, err = c.DeleteDBCluster(ctx, &rds.DeleteDBClusterInput{DBClusterIdentifier: aws.String("orders-aurora"), SkipFinalSnapshot: aws.Bool(true)})
	wantCode(t, "delete protected cluster", err, "InvalidParameterCombination")
}

func TestRDSClusterStopStart(t *testing.T) {
	ts, clock := startRDS(t, 0)
	c := rdsAdmin(t, ts, "us-east-1")
	ctx := context.Background()
	id := aws.String("orders-aurora")
	out, err := c.StopDBCluster(ctx, &rds.StopDBClusterInput{DBClusterIdentifier: id})
	if err != nil || aws.ToString(out.DBCluster.Status) != "stopping" {
		t.Fatalf("stop: %v", err)
	}
	clock.advance(6 * time.Second)
	if s := aws.ToString(describeOne(t, c, "orders-aurora-2").DBInstanceStatus); s != "stopped" {
		t.Errorf("member after cluster stop: %s", s)
	}
	_, err = c.StopDBCluster(ctx, &rds.StopDBClusterInput{DBClusterIdentifier: id})
	wantCode(t, "stop stopped cluster", err, "InvalidDBClusterStateFault")
	if _, err := c.StartDBCluster(ctx, &rds.StartDBClusterInput{DBClusterIdentifier: id}); err != nil {
		t.Fatal(err)
	}
	clock.advance(6 * time.Second)
	d, err := c.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: id})
	if err != nil || aws.ToString(d.DBClusters[0].Status) != "available" {
		t.Fatalf("after start: %v", err)
	}
}

func TestRDSStopStartReboot(t *testing.T) {
	ts, clock := startRDS(t, 0)
	c := rdsAdmin(t, ts, "us-east-1")
	ctx := context.Background()
	id := aws.String("billing-pg")
	status := func() string { return aws.ToString(describeOne(t, c, "billing-pg").DBInstanceStatus) }

	_, err := c.StartDBInstance(ctx, &rds.StartDBInstanceInput{DBInstanceIdentifier: id})
	wantCode(t, "start available", err, "InvalidDBInstanceState")
	if !strings.Contains(err.Error(), "Instance billing-pg is not stopped, it cannot be started.") {
		t.Errorf("message: %v", err)
	}
	out, err := c.StopDBInstance(ctx, &rds.StopDBInstanceInput{DBInstanceIdentifier: id})
	if err != nil || aws.ToString(out.DBInstance.DBInstanceStatus) != "stopping" {
		t.Fatalf("stop: %v", err)
	}
	clock.advance(4 * time.Second)
	if s := status(); s != "stopping" {
		t.Errorf("after 4s: %s", s)
	}
	_, err = c.StopDBInstance(ctx, &rds.StopDBInstanceInput{DBInstanceIdentifier: id})
	wantCode(t, "stop stopping", err, "InvalidDBInstanceState")
	clock.advance(time.Second)
	if s := status(); s != "stopped" {
		t.Errorf("after 5s: %s", s)
	}
	_, err = c.RebootDBInstance(ctx, &rds.RebootDBInstanceInput{DBInstanceIdentifier: id})
	wantCode(t, "reboot stopped", err, "InvalidDBInstanceState")
	if _, err := c.StartDBInstance(ctx, &rds.StartDBInstanceInput{DBInstanceIdentifier: id}); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != "starting" {
		t.Errorf("after start: %s", s)
	}
	clock.advance(5 * time.Second)
	if s := status(); s != "available" {
		t.Errorf("after start+5s: %s", s)
	}
	out2, err := c.RebootDBInstance(ctx, &rds.RebootDBInstanceInput{DBInstanceIdentifier: id})
	if err != nil || aws.ToString(out2.DBInstance.DBInstanceStatus) != "rebooting" {
		t.Fatalf("reboot: %v", err)
	}
	clock.advance(5 * time.Second)
	if s := status(); s != "available" {
		t.Errorf("after reboot: %s", s)
	}
	_, err = c.StopDBInstance(ctx, &rds.StopDBInstanceInput{DBInstanceIdentifier: aws.String("ghost")})
	wantCode(t, "stop missing", err, "DBInstanceNotFound")
}

func TestRDSCreateModifyDelete(t *testing.T) {
	ts, clock := startRDS(t, 0)
	c := rdsAdmin(t, ts, "us-east-1")
	ctx := context.Background()
	in := &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("New-DB"), DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("mariadb"),
		AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("admin"), ManageMasterUserPassword: aws.Bool(true),
		Tags: []rdstypes.Tag{{Key: aws.String("env"), Value: aws.String("dev")}},
	}
	out, err := c.CreateDBInstance(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	d := out.DBInstance
	if aws.ToString(d.DBInstanceIdentifier) != "new-db" || aws.ToString(d.DBInstanceStatus) != "creating" ||
		aws.ToString(d.EngineVersion) != "10.11.9" || d.MasterUserSecret == nil {
		t.Fatalf("created = %s %s %s", aws.ToString(d.DBInstanceIdentifier), aws.ToString(d.DBInstanceStatus), aws.ToString(d.EngineVersion))
	}
	_, err = c.CreateDBInstance(ctx, in)
	wantCode(t, "duplicate", err, "DBInstanceAlreadyExists")
	_, err = c.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String("x"), DBInstanceClass: aws.String("db.t3.micro"),
		Engine: aws.String("postgres"), EngineVersion: aws.String("99.1"), AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("u"), MasterUserPassword: aws.String("p4ssw0rd!")})
	wantCode(t, "bad version", err, "InvalidParameterValue")
	clock.advance(5 * time.Second)
	if s := aws.ToString(describeOne(t, c, "new-db").DBInstanceStatus); s != "available" {
		t.Fatalf("after create: %s", s)
	}

	// Deletion protection.
	_, err = c.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("legacy-mysql"), SkipFinalSnapshot: aws.Bool(true)})
	wantCode(t, "delete protected", err, "InvalidParameterCombination")
	if !strings.Contains(err.Error(), "Cannot delete protected DB Instance, please disable deletion protection and try again.") {
		t.Errorf("message: %v", err)
	}
	mod, err := c.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("legacy-mysql"),
		DeletionProtection: aws.Bool(false), BackupRetentionPeriod: aws.Int32(14), DBInstanceClass: aws.String("db.r6g.xlarge")})
	if err != nil {
		t.Fatal(err)
	}
	m := mod.DBInstance
	if aws.ToBool(m.DeletionProtection) || aws.ToInt32(m.BackupRetentionPeriod) != 14 || aws.ToString(m.DBInstanceClass) != "db.t3.medium" ||
		m.PendingModifiedValues == nil || aws.ToString(m.PendingModifiedValues.DBInstanceClass) != "db.r6g.xlarge" {
		t.Errorf("modified = %+v", m)
	}
	mod, err = c.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("legacy-mysql"), ApplyImmediately: aws.Bool(true)})
	if err != nil || aws.ToString(mod.DBInstance.DBInstanceClass) != "db.r6g.xlarge" || aws.ToString(mod.DBInstance.DBInstanceStatus) != "modifying" {
		t.Fatalf("apply immediately: %v", err)
	}
	clock.advance(5 * time.Second)
	_, err = c.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("legacy-mysql")})
	wantCode(t, "delete without final snapshot choice", err, "InvalidParameterCombination")
	del, err := c.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("legacy-mysql"), FinalDBSnapshotIdentifier: aws.String("legacy-final")})
	if err != nil || aws.ToString(del.DBInstance.DBInstanceStatus) != "deleting" {
		t.Fatalf("delete: %v", err)
	}
	clock.advance(5 * time.Second)
	_, err = c.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("legacy-mysql")})
	wantCode(t, "deleted", err, "DBInstanceNotFound")
	snap, err := c.DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{DBSnapshotIdentifier: aws.String("legacy-final")})
	if err != nil || aws.ToString(snap.DBSnapshots[0].Status) != "available" {
		t.Fatalf("final snapshot: %v", err)
	}
}

func TestRDSSnapshots(t *testing.T) {
	ts, clock := startRDS(t, 0)
	c := rdsAdmin(t, ts, "us-east-1")
	ctx := context.Background()
	out, err := c.CreateDBSnapshot(ctx, &rds.CreateDBSnapshotInput{DBInstanceIdentifier: aws.String("billing-pg"), DBSnapshotIdentifier: aws.String("billing-manual")})
	if err != nil {
		t.Fatal(err)
	}
	if s := out.DBSnapshot; aws.ToString(s.Status) != "creating" || aws.ToString(s.SnapshotType) != "manual" || len(s.TagList) != 2 {
		t.Errorf("created = %s %s tags %d", aws.ToString(s.Status), aws.ToString(s.SnapshotType), len(s.TagList))
	}
	_, err = c.CreateDBSnapshot(ctx, &rds.CreateDBSnapshotInput{DBInstanceIdentifier: aws.String("billing-pg"), DBSnapshotIdentifier: aws.String("billing-manual")})
	wantCode(t, "duplicate snapshot", err, "DBSnapshotAlreadyExists")
	_, err = c.DeleteDBSnapshot(ctx, &rds.DeleteDBSnapshotInput{DBSnapshotIdentifier: aws.String("billing-manual")})
	wantCode(t, "delete creating snapshot", err, "InvalidDBSnapshotState")
	clock.advance(5 * time.Second)

	list := func(in *rds.DescribeDBSnapshotsInput) []string {
		t.Helper()
		var ids []string
		pg := rds.NewDescribeDBSnapshotsPaginator(c, in)
		for pg.HasMorePages() {
			out, err := pg.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range out.DBSnapshots {
				ids = append(ids, aws.ToString(s.DBSnapshotIdentifier)+"="+aws.ToString(s.Status))
			}
		}
		return ids
	}
	if got := list(&rds.DescribeDBSnapshotsInput{DBInstanceIdentifier: aws.String("billing-pg"), SnapshotType: aws.String("manual")}); strings.Join(got, ",") != "billing-manual=available,billing-pg-golden=available" {
		t.Errorf("manual = %v", got)
	}
	if got := list(&rds.DescribeDBSnapshotsInput{SnapshotType: aws.String("automated")}); len(got) != 3 || !strings.HasPrefix(got[0], "rds:") {
		t.Errorf("automated = %v", got)
	}

	attrs, err := c.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String("billing-pg-golden")})
	if err != nil {
		t.Fatal(err)
	}
	if a := attrs.DBSnapshotAttributesResult.DBSnapshotAttributes; len(a) != 1 || aws.ToString(a[0].AttributeName) != "restore" || strings.Join(a[0].AttributeValues, ",") != "all" {
		t.Errorf("public attributes = %+v", a)
	}
	mod, err := c.ModifyDBSnapshotAttribute(ctx, &rds.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String("billing-manual"),
		AttributeName: aws.String("restore"), ValuesToAdd: []string{"222222222222", "all"}})
	if err != nil {
		t.Fatal(err)
	}
	if a := mod.DBSnapshotAttributesResult.DBSnapshotAttributes; strings.Join(a[0].AttributeValues, ",") != "222222222222,all" {
		t.Errorf("modified attributes = %+v", a)
	}
	_, err = c.ModifyDBSnapshotAttribute(ctx, &rds.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String("billing-manual"),
		AttributeName: aws.String("copy"), ValuesToAdd: []string{"all"}})
	wantCode(t, "bad attribute", err, "InvalidParameterValue")

	del, err := c.DeleteDBSnapshot(ctx, &rds.DeleteDBSnapshotInput{DBSnapshotIdentifier: aws.String("billing-manual")})
	if err != nil || aws.ToString(del.DBSnapshot.Status) != "deleted" {
		t.Fatalf("delete: %v", err)
	}
	_, err = c.DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{DBSnapshotIdentifier: aws.String("billing-manual")})
	wantCode(t, "deleted snapshot", err, "DBSnapshotNotFound")

	cs, err := c.CreateDBClusterSnapshot(ctx, &rds.CreateDBClusterSnapshotInput{DBClusterIdentifier: aws.String("orders-aurora"), DBClusterSnapshotIdentifier: aws.String("orders-now")})
	if err != nil || aws.ToString(cs.DBClusterSnapshot.Status) != "creating" {
		t.Fatalf("cluster snapshot: %v", err)
	}
	cl, err := c.DescribeDBClusterSnapshots(ctx, &rds.DescribeDBClusterSnapshotsInput{DBClusterIdentifier: aws.String("orders-aurora"), SnapshotType: aws.String("manual")})
	if err != nil || len(cl.DBClusterSnapshots) != 2 {
		t.Fatalf("cluster snapshots: %v %d", err, len(cl.DBClusterSnapshots))
	}
}

func TestRDSTags(t *testing.T) {
	ts, _ := startRDS(t, 0)
	c := rdsAdmin(t, ts, "us-east-1")
	ctx := context.Background()
	arn := aws.String("arn:aws:rds:us-east-1:111111111111:db:billing-pg")
	if _, err := c.AddTagsToResource(ctx, &rds.AddTagsToResourceInput{ResourceName: arn,
		Tags: []rdstypes.Tag{{Key: aws.String("owner"), Value: aws.String("dba")}, {Key: aws.String("env"), Value: aws.String("staging")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RemoveTagsFromResource(ctx, &rds.RemoveTagsFromResourceInput{ResourceName: arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: arn})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tag := range out.TagList {
		got = append(got, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
	}
	if strings.Join(got, ",") != "env=staging,owner=dba" {
		t.Errorf("tags = %v", got)
	}
	cl, err := c.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String("arn:aws:rds:us-east-1:111111111111:cluster:orders-aurora")})
	if err != nil || len(cl.TagList) != 1 {
		t.Fatalf("cluster tags: %v", err)
	}
	_, err = c.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String("arn:aws:rds:us-east-1:111111111111:db:ghost")})
	wantCode(t, "unknown db", err, "DBInstanceNotFound")
	_, err = c.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String("arn:aws:rds:us-east-1:111111111111:snapshot:ghost")})
	wantCode(t, "unknown snapshot", err, "DBSnapshotNotFound")
	_, err = c.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String("billing-pg")})
	wantCode(t, "not an ARN", err, "InvalidParameterValue")
}

func TestRDSPendingMaintenance(t *testing.T) {
	ts, clock := startRDS(t, 0)
	c := rdsAdmin(t, ts, "us-east-1")
	ctx := context.Background()
	out, err := c.DescribePendingMaintenanceActions(ctx, &rds.DescribePendingMaintenanceActionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.PendingMaintenanceActions) != 1 {
		t.Fatalf("pending = %+v", out.PendingMaintenanceActions)
	}
	p := out.PendingMaintenanceActions[0]
	arn := "arn:aws:rds:us-east-1:111111111111:db:billing-pg"
	if aws.ToString(p.ResourceIdentifier) != arn || len(p.PendingMaintenanceActionDetails) != 1 ||
		aws.ToString(p.PendingMaintenanceActionDetails[0].Action) != "system-update" || p.PendingMaintenanceActionDetails[0].AutoAppliedAfterDate == nil {
		t.Errorf("pending = %+v", p)
	}
	one, err := c.DescribePendingMaintenanceActions(ctx, &rds.DescribePendingMaintenanceActionsInput{ResourceIdentifier: aws.String(arn)})
	if err != nil || len(one.PendingMaintenanceActions) != 1 {
		t.Fatalf("by resource: %v", err)
	}
	_, err = c.DescribePendingMaintenanceActions(ctx, &rds.DescribePendingMaintenanceActionsInput{ResourceIdentifier: aws.String("arn:aws:rds:us-east-1:111111111111:db:ghost")})
	wantCode(t, "unknown resource", err, "ResourceNotFoundFault")
	ap, err := c.ApplyPendingMaintenanceAction(ctx, &rds.ApplyPendingMaintenanceActionInput{ResourceIdentifier: aws.String(arn),
		ApplyAction: aws.String("system-update"), OptInType: aws.String("immediate")})
	if err != nil || aws.ToString(ap.ResourcePendingMaintenanceActions.PendingMaintenanceActionDetails[0].OptInStatus) != "immediate" {
		t.Fatalf("apply: %v", err)
	}
	clock.advance(5 * time.Second)
	out, err = c.DescribePendingMaintenanceActions(ctx, &rds.DescribePendingMaintenanceActionsInput{})
	if err != nil || len(out.PendingMaintenanceActions) != 0 {
		t.Fatalf("after apply: %v %+v", err, out.PendingMaintenanceActions)
	}
}

func TestRDSEngineVersions(t *testing.T) {
	ts, _ := startRDS(t, 0)
	c := rdsAdmin(t, ts, "us-east-1")
	ctx := context.Background()
	def, err := c.DescribeDBEngineVersions(ctx, &rds.DescribeDBEngineVersionsInput{Engine: aws.String("postgres"), DefaultOnly: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(def.DBEngineVersions) != 1 || aws.ToString(def.DBEngineVersions[0].EngineVersion) != "16.4" || aws.ToString(def.DBEngineVersions[0].DBParameterGroupFamily) != "postgres16" {
		t.Errorf("default postgres = %+v", def.DBEngineVersions)
	}
	n, pages := 0, 0
	pg := rds.NewDescribeDBEngineVersionsPaginator(c, &rds.DescribeDBEngineVersionsInput{MaxRecords: aws.Int32(20)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		n += len(out.DBEngineVersions)
	}
	if n < 21 || pages < 2 {
		t.Errorf("all versions: %d in %d pages", n, pages)
	}
	old, err := c.DescribeDBEngineVersions(ctx, &rds.DescribeDBEngineVersionsInput{Engine: aws.String("postgres"), EngineVersion: aws.String("11.22")})
	if err != nil || len(old.DBEngineVersions) != 1 || aws.ToString(old.DBEngineVersions[0].Status) != "deprecated" {
		t.Errorf("deprecated: %v %+v", err, old.DBEngineVersions)
	}
}

func TestRDSReadOnlyRole(t *testing.T) {
	ts, _ := startRDS(t, 0)
	ctx := context.Background()
	admin := sts.NewFromConfig(ts.cfg(t, "us-east-1", rdsAdminKey, rdsAdminSecret, ""))
	out, err := admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/Reader"), RoleSessionName: aws.String("audit")})
	if err != nil {
		t.Fatal(err)
	}
	cr := out.Credentials
	c := rdsClient(ts.cfg(t, "us-east-1", *cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken))
	if _, err := c.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{}); err != nil {
		t.Fatalf("describe: %v", err)
	}
	if _, err := c.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String("arn:aws:rds:us-east-1:111111111111:db:billing-pg")}); err != nil {
		t.Fatalf("list tags: %v", err)
	}
	_, err = c.StopDBInstance(ctx, &rds.StopDBInstanceInput{DBInstanceIdentifier: aws.String("billing-pg")})
	wantCode(t, "stop as reader", err, "AccessDenied")
	want := "User: arn:aws:sts::111111111111:assumed-role/Reader/audit is not authorized to perform: rds:StopDBInstance on resource: arn:aws:rds:us-east-1:111111111111:db:billing-pg because no identity-based policy allows the rds:StopDBInstance action"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("message: %v", err)
	}
	// IAM answers before existence is known, as in AWS.
	_, err = c.StopDBInstance(ctx, &rds.StopDBInstanceInput{DBInstanceIdentifier: aws.String("ghost")})
	wantCode(t, "stop missing as reader", err, "AccessDenied")
}
