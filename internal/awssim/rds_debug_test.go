package awssim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func TestRDSDebugLoop(t *testing.T) {
	ts, _ := startRDS(t, 130)
	for i := 0; i < 5; i++ {
		form := "Action=DescribeDBInstances&Version=2014-10-31&MaxRecords=100"
		req, _ := http.NewRequest("POST", ts.URL+"/", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		sum := sha256.Sum256([]byte(form))
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: rdsAdminKey, SecretAccessKey: rdsAdminSecret},
			req, hex.EncodeToString(sum[:]), "rds", "us-west-2", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Logf("%d status %d len %d cl %s err %v hdr %v", i, resp.StatusCode, len(b), resp.Header.Get("Content-Length"), err, resp.Header)
	}
}
