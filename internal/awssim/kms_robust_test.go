package awssim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// TestSecretsKMSOrgOddBodies sends every Secrets Manager, KMS and
// Organizations action JSON bodies of the wrong shapes: each must get a
// client error or a result, never a panic or a 500.
func TestSecretsKMSOrgOddBodies(t *testing.T) {
	w, err := world.Parse("odd.yaml", []byte(secretsWorld))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	bodies := []string{``, `null`, `[]`, `"x"`, `5`, `{}`, `{"SecretId":5}`, `{"SecretId":"shared/db","VersionId":"x"}`,
		`{"Tags":[null],"SecretId":"shared/db"}`, `{"Filters":[{"Key":"name","Values":null}]}`, `{"Filters":[null]}`,
		`{"KeyId":"alias/shared","Policy":"{}"}`, `{"KeyId":"arn:aws:kms:us-east-1:111111111111:alias/"}`, `{"CiphertextBlob":"YXdzc2ltLWttczEAAQ=="}`,
		`{"MaxResults":0}`, `{"Limit":-1}`, `{"ChildId":"ou-"}`, `{"ParentId":"r-abcd","ChildType":"ACCOUNT"}`, `{"Name":"a","SecretString":"x","SecretBinary":"eA=="}`,
		`{"SecretId":"arn:aws:secretsmanager:us-east-1:222222222222:secret:"}`, `{"SecretId":"arn:"}`, `{"NextToken":"cGFnZTotMQ"}`}
	for svc, m := range map[string]map[string]handler{"secretsmanager": s.secretsActions(), "kms": s.kmsActions(), "organizations": s.orgActions()} {
		target := s.svcs[svc].target
		for action := range m {
			for _, body := range bodies {
				req := httptest.NewRequest("POST", "https://"+svc+".us-east-1.amazonaws.com/", bytes.NewReader([]byte(body)))
				req.Header.Set("X-Amz-Target", target+"."+action)
				req.Header.Set("Content-Type", "application/x-amz-json-1.1")
				sum := sha256.Sum256([]byte(body))
				if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIASECRETSDEV000001", SecretAccessKey: "secretsdevsecretsdevsecretsdevsecretsdv1"},
					req, hex.EncodeToString(sum[:]), svc, "us-east-1", time.Now()); err != nil {
					t.Fatal(err)
				}
				req.Body = io.NopCloser(bytes.NewReader([]byte(body)))
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code >= 500 {
					t.Errorf("%s %s %s: %d %s", svc, action, body, rec.Code, rec.Body)
				}
			}
		}
	}
}

func TestSecretsDeletionWindow(t *testing.T) {
	var offset atomic.Int64
	ts := startSim(t, secretsWorld, Options{Now: func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }})
	ctx := context.Background()
	sm := devSM(t, ts, "AKIASECRETSDEV000001", "secretsdevsecretsdevsecretsdevsecretsdv1")
	if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("shared/db"), RecoveryWindowInDays: aws.Int64(3)}); apiCode(err) != "InvalidParameterException" {
		t.Errorf("3-day window: %v", err)
	}
	del, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("shared/db"), RecoveryWindowInDays: aws.Int64(7)})
	if err != nil || del.DeletionDate == nil {
		t.Fatal(err)
	}
	if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("shared/db"), SecretString: aws.String("x")}); apiCode(err) != "InvalidRequestException" {
		t.Errorf("recreate while pending: %v", err)
	}
	if _, err := sm.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String("shared/db")}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("shared/db")}); err != nil {
		t.Errorf("after restore: %v", err)
	}
	if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("shared/db"), RecoveryWindowInDays: aws.Int64(7)}); err != nil {
		t.Fatal(err)
	}
	offset.Store(int64(8 * 24 * time.Hour))
	if _, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("shared/db")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("after the window: %v", err)
	}
	if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("shared/db"), SecretString: aws.String("x")}); err != nil {
		t.Errorf("recreate after purge: %v", err)
	}
}
