package awssim

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

func TestRDSDebugLoop(t *testing.T) {
	ts, _ := startRDS(t, 130)
	c := rdsAdmin(t, ts, "us-west-2")
	for i := 0; i < 50; i++ {
		_, err := c.DescribeDBInstances(context.Background(), &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(100)})
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
	}
}
