package inventory

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
)

// DBInstanceRow is one DB instance, as DescribeDBInstances reports it.
// Aurora cluster members are instances too (Cluster names their cluster).
type DBInstanceRow struct {
	Account     string `json:"account"`      // 12-digit account ID
	AccountName string `json:"account_name"` // the fleet's name for the account
	Region      string `json:"region"`

	ID      string `json:"id"`      // DBInstanceIdentifier
	Engine  string `json:"engine"`  // postgres, mysql, aurora-postgresql, ...
	Version string `json:"version"` // EngineVersion
	Status  string `json:"status"`  // DBInstanceStatus: available, stopped, ...
	Class   string `json:"class"`   // DBInstanceClass, e.g. db.r6g.large
	Cluster string `json:"cluster"` // DBClusterIdentifier; "" outside a cluster

	MultiAZ     bool   `json:"multi_az"`
	StorageGB   int    `json:"storage_gb"`   // AllocatedStorage, GiB
	StorageType string `json:"storage_type"` // gp2, gp3, io1, aurora, ...
	Encrypted   bool   `json:"encrypted"`    // StorageEncrypted
	Public      bool   `json:"public"`       // PubliclyAccessible

	Endpoint string `json:"endpoint"` // Endpoint.Address; "" while creating
	Port     int    `json:"port"`     // Endpoint.Port (DbInstancePort without an endpoint)
	Created  string `json:"created"`  // InstanceCreateTime, RFC 3339 UTC

	BackupRetentionDays int    `json:"backup_retention_days"` // 0: automated backups off
	DeletionProtection  bool   `json:"deletion_protection"`
	IAMAuth             bool   `json:"iam_auth"`           // IAMDatabaseAuthenticationEnabled
	CACert              string `json:"ca_cert"`            // CACertificateIdentifier
	AutoMinorUpgrade    bool   `json:"auto_minor_upgrade"` // AutoMinorVersionUpgrade
	PerformanceInsights bool   `json:"performance_insights"`
	MonitoringInterval  int    `json:"monitoring_interval"` // enhanced monitoring, seconds; 0: off
	LogExports          string `json:"log_exports"`         // EnabledCloudwatchLogsExports, comma-joined

	ARN        string            `json:"arn"`
	ResourceID string            `json:"resource_id"` // DbiResourceId
	Tags       map[string]string `json:"tags"`
}

// InstanceColumns are the default columns of table and CSV output of
// DB instances.
var InstanceColumns = []string{
	"account_name", "region", "id", "engine", "version", "status", "class",
	"cluster", "multi_az", "storage_gb", "encrypted",
}

// Instances lists the DB instances of one account and region, sorted by
// identifier.
func Instances(ctx context.Context, cfg aws.Config, acct accounts.Account, region string, lim Limiter) ([]DBInstanceRow, error) {
	c := rds.NewFromConfig(cfg)
	p := rds.NewDescribeDBInstancesPaginator(c, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(maxRecords)})
	rows := []DBInstanceRow{}
	err := eachPage(ctx, lim, "describe db instances", p, func(out *rds.DescribeDBInstancesOutput) {
		for i := range out.DBInstances {
			rows = append(rows, instanceRow(acct, region, &out.DBInstances[i]))
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b DBInstanceRow) int { return cmp.Compare(a.ID, b.ID) })
	return rows, nil
}

func instanceRow(acct accounts.Account, region string, d *rdstypes.DBInstance) DBInstanceRow {
	r := DBInstanceRow{
		Account: acct.ID, AccountName: acct.Name, Region: region,
		ID: deref(d.DBInstanceIdentifier), Engine: deref(d.Engine), Version: deref(d.EngineVersion),
		Status: deref(d.DBInstanceStatus), Class: deref(d.DBInstanceClass), Cluster: deref(d.DBClusterIdentifier),
		MultiAZ: deref(d.MultiAZ), StorageGB: intOf(d.AllocatedStorage), StorageType: deref(d.StorageType),
		Encrypted: deref(d.StorageEncrypted), Public: deref(d.PubliclyAccessible),
		Port:                intOf(d.DbInstancePort),
		Created:             timeString(d.InstanceCreateTime),
		BackupRetentionDays: intOf(d.BackupRetentionPeriod), DeletionProtection: deref(d.DeletionProtection),
		IAMAuth: deref(d.IAMDatabaseAuthenticationEnabled), CACert: deref(d.CACertificateIdentifier),
		AutoMinorUpgrade: deref(d.AutoMinorVersionUpgrade), PerformanceInsights: deref(d.PerformanceInsightsEnabled),
		MonitoringInterval: intOf(d.MonitoringInterval), LogExports: strings.Join(d.EnabledCloudwatchLogsExports, ","),
		ARN: deref(d.DBInstanceArn), ResourceID: deref(d.DbiResourceId), Tags: tagMap(d.TagList),
	}
	if e := d.Endpoint; e != nil {
		r.Endpoint = deref(e.Address)
		if e.Port != nil {
			r.Port = int(*e.Port)
		}
	}
	return r
}
