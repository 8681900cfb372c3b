package awssim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// FuzzRequest sends correctly signed requests with arbitrary bodies, actions
// and targets to every service: the simulator must answer, never panic.
func FuzzRequest(f *testing.F) {
	w, err := world.Parse("fuzz.yaml", []byte(authWorld))
	if err != nil {
		f.Fatal(err)
	}
	s, err := New(w, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("sts", "", []byte("Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::111111111111:role/Long&RoleSessionName=ab&Tags.member.1.Key=k"))
	f.Add("rds", "", []byte("Action=DescribeDBInstances&Filters.Filter.1.Name=engine&Filters.Filter.1.Values.Value.1=postgres&MaxRecords=20"))
	f.Add("ec2", "", []byte("Action=DescribeInstances&Filter.1.Name=tag:x&Filter.1.Value.1=y&InstanceId.1=i-0"))
	f.Add("iam", "", []byte("Action=CreateRole&RoleName=x&AssumeRolePolicyDocument=%7B%7D"))
	f.Add("secretsmanager", "secretsmanager.GetSecretValue", []byte(`{"SecretId":"arn:aws:secretsmanager:us-east-1:111111111111:secret:x"}`))
	f.Add("kms", "TrentService.PutKeyPolicy", []byte(`{"KeyId":1,"Policy":[]}`))
	f.Add("organizations", "AWSOrganizationsV20161128.ListAccounts", []byte(`{"MaxResults":"x"}`))
	f.Fuzz(func(t *testing.T, service, target string, body []byte) {
		if service == "" || len(service) > 32 || strings.Trim(service, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return // not a host name label: no client could send it
		}
		req := httptest.NewRequest("POST", "https://"+service+".us-east-1.amazonaws.com/", bytes.NewReader(body))
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: adminKey, SecretAccessKey: adminSecret},
			req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
			return
		}
		req.Body = ioNopCloser(body)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code == 0 {
			t.Fatal("no status written")
		}
	})
}

type bytesReadCloser struct{ *bytes.Reader }

func (bytesReadCloser) Close() error { return nil }

func ioNopCloser(b []byte) bytesReadCloser { return bytesReadCloser{bytes.NewReader(b)} }
