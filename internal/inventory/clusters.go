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

// DBClusterRow is one DB cluster (Aurora, or a Multi-AZ DB cluster), as
// DescribeDBClusters reports it. Its members are listed by Instances too.
//
// There is no "public" field: for Aurora, public access is a property of
// each member instance (DBInstanceRow.Public), not of the cluster.
type DBClusterRow struct {
	Account     string `json:"account"`
	AccountName string `json:"account_name"`
	Region      string `json:"region"`

	ID      string `json:"id"`      // DBClusterIdentifier
	Engine  string `json:"engine"`  // aurora-postgresql, aurora-mysql, postgres, mysql
	Version string `json:"version"` // EngineVersion
	Status  string `json:"status"`
	Members int    `json:"members"` // number of DB instances in the cluster
	Writer  string `json:"writer"`  // identifier of the writer instance; "" if none

	MultiAZ   bool `json:"multi_az"`
	Encrypted bool `json:"encrypted"` // StorageEncrypted

	Endpoint       string `json:"endpoint"`        // writer (cluster) endpoint
	ReaderEndpoint string `json:"reader_endpoint"` // reader endpoint
	Port           int    `json:"port"`

	BackupRetentionDays int    `json:"backup_retention_days"`
	DeletionProtection  bool   `json:"deletion_protection"`
	IAMAuth             bool   `json:"iam_auth"` // IAMDatabaseAuthenticationEnabled
	Created             string `json:"created"`  // ClusterCreateTime, RFC 3339 UTC

	ARN  string            `json:"arn"`
	Tags map[string]string `json:"tags"`
}

// ClusterColumns are the default columns of table and CSV output of DB
// clusters.
var ClusterColumns = []string{
	"account_name", "region", "id", "engine", "version", "status", "members",
	"writer", "multi_az", "encrypted",
}

// Clusters lists the DB clusters of one account and region, sorted by
// identifier.
func Clusters(ctx context.Context, cfg aws.Config, acct accounts.Account, region string, lim Limiter) ([]DBClusterRow, error) {
	c := rds.NewFromConfig(cfg)
	p := rds.NewDescribeDBClustersPaginator(c, &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(maxRecords)})
	rows := []DBClusterRow{}
	err := eachPage(ctx, lim, "describe db clusters", p, func(out *rds.DescribeDBClustersOutput) {
		for i := range out.DBClusters {
			rows = append(rows, clusterRow(acct, region, &out.DBClusters[i]))
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b DBClusterRow) int { return cmp.Compare(a.ID, b.ID) })
	return rows, nil
}

func clusterRow(acct accounts.Account, region string, cl *rdstypes.DBCluster) DBClusterRow {
	r := DBClusterRow{
		Account: acct.ID, AccountName: acct.Name, Region: region,
		ID: deref(cl.DBClusterIdentifier), Engine: deref(cl.Engine), Version: deref(cl.EngineVersion),
		Status: deref(cl.Status), Members: len(cl.DBClusterMembers),
		MultiAZ: deref(cl.MultiAZ), Encrypted: deref(cl.StorageEncrypted),
		Endpoint: deref(cl.Endpoint), ReaderEndpoint: deref(cl.ReaderEndpoint), Port: intOf(cl.Port),
		BackupRetentionDays: intOf(cl.BackupRetentionPeriod), DeletionProtection: deref(cl.DeletionProtection),
		IAMAuth: deref(cl.IAMDatabaseAuthenticationEnabled), Created: timeString(cl.ClusterCreateTime),
		ARN: deref(cl.DBClusterArn), Tags: tagMap(cl.TagList),
	}
	for _, m := range cl.DBClusterMembers {
		if deref(m.IsClusterWriter) {
			r.Writer = deref(m.DBInstanceIdentifier)
			break
		}
	}
	return r
}
