package inventory

import (
	"cmp"
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
)

// Snapshot kinds (SnapshotRow.Kind).
const (
	KindInstance = "instance" // a DB snapshot, of a DB instance
	KindCluster  = "cluster"  // a DB cluster snapshot
)

// SnapshotRow is one DB snapshot or DB cluster snapshot the account owns,
// manual or automated. Snapshots other accounts share are not listed.
type SnapshotRow struct {
	Account     string `json:"account"`
	AccountName string `json:"account_name"`
	Region      string `json:"region"`

	ID      string `json:"id"`      // DBSnapshotIdentifier or DBClusterSnapshotIdentifier
	Kind    string `json:"kind"`    // "instance" or "cluster"
	Type    string `json:"type"`    // SnapshotType: manual, automated (or awsbackup)
	Source  string `json:"source"`  // identifier of the DB instance or cluster it is of
	Engine  string `json:"engine"`  // engine of the source
	Version string `json:"version"` // engine version of the source
	Status  string `json:"status"`  // available, creating, ...
	Created string `json:"created"` // SnapshotCreateTime, RFC 3339 UTC

	AllocatedGB int  `json:"allocated_gb"` // AllocatedStorage, GiB
	Encrypted   bool `json:"encrypted"`    // Encrypted / StorageEncrypted

	ARN  string            `json:"arn"`
	Tags map[string]string `json:"tags"`
}

// SnapshotColumns are the default columns of table and CSV output of
// snapshots.
var SnapshotColumns = []string{
	"account_name", "region", "id", "kind", "type", "source", "engine",
	"status", "created", "allocated_gb", "encrypted",
}

// Snapshots lists the DB snapshots (manual and automated) and then the DB
// cluster snapshots of one account and region, sorted by identifier (and
// kind, for an identifier used by both).
func Snapshots(ctx context.Context, cfg aws.Config, acct accounts.Account, region string, lim Limiter) ([]SnapshotRow, error) {
	c := rds.NewFromConfig(cfg)
	rows := []SnapshotRow{}
	// Without SnapshotType, RDS returns the account's manual and automated
	// snapshots, and none shared by other accounts or public ones.
	p := rds.NewDescribeDBSnapshotsPaginator(c, &rds.DescribeDBSnapshotsInput{MaxRecords: aws.Int32(maxRecords)})
	err := eachPage(ctx, lim, "describe db snapshots", p, func(out *rds.DescribeDBSnapshotsOutput) {
		for i := range out.DBSnapshots {
			rows = append(rows, snapshotRow(acct, region, &out.DBSnapshots[i]))
		}
	})
	if err != nil {
		return nil, err
	}
	cp := rds.NewDescribeDBClusterSnapshotsPaginator(c, &rds.DescribeDBClusterSnapshotsInput{MaxRecords: aws.Int32(maxRecords)})
	err = eachPage(ctx, lim, "describe db cluster snapshots", cp, func(out *rds.DescribeDBClusterSnapshotsOutput) {
		for i := range out.DBClusterSnapshots {
			rows = append(rows, clusterSnapshotRow(acct, region, &out.DBClusterSnapshots[i]))
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b SnapshotRow) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Kind, b.Kind))
	})
	return rows, nil
}

func snapshotRow(acct accounts.Account, region string, s *rdstypes.DBSnapshot) SnapshotRow {
	return SnapshotRow{
		Account: acct.ID, AccountName: acct.Name, Region: region,
		ID: deref(s.DBSnapshotIdentifier), Kind: KindInstance, Type: deref(s.SnapshotType),
		Source: deref(s.DBInstanceIdentifier), Engine: deref(s.Engine), Version: deref(s.EngineVersion),
		Status: deref(s.Status), Created: timeString(s.SnapshotCreateTime),
		AllocatedGB: intOf(s.AllocatedStorage), Encrypted: deref(s.Encrypted),
		ARN: deref(s.DBSnapshotArn), Tags: tagMap(s.TagList),
	}
}

func clusterSnapshotRow(acct accounts.Account, region string, s *rdstypes.DBClusterSnapshot) SnapshotRow {
	return SnapshotRow{
		Account: acct.ID, AccountName: acct.Name, Region: region,
		ID: deref(s.DBClusterSnapshotIdentifier), Kind: KindCluster, Type: deref(s.SnapshotType),
		Source: deref(s.DBClusterIdentifier), Engine: deref(s.Engine), Version: deref(s.EngineVersion),
		Status: deref(s.Status), Created: timeString(s.SnapshotCreateTime),
		AllocatedGB: intOf(s.AllocatedStorage), Encrypted: deref(s.StorageEncrypted),
		ARN: deref(s.DBClusterSnapshotArn), Tags: tagMap(s.TagList),
	}
}
