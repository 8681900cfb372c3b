package awssim

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

const stsWorld = `
organization: {management_account: "999999999999"}
accounts:
  - id: "999999999999"
    name: management
    users:
      - name: admin
        access_key_id: AKIAEXAMPLEMGMT00001
        secret_access_key: examplesecretexamplesecretexamplesecret1
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
      - name: nobody
        access_key_id: AKIAEXAMPLEMGMT00002
        secret_access_key: examplesecretexamplesecretexamplesecret2
  - id: "111111111111"
    name: app1
    roles:
      - name: DBAccess
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: "arn:aws:iam::999999999999:root"}
              Action: sts:AssumeRole
              Condition: {StringEquals: {"sts:ExternalId": "fleet-123"}}
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
`

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestSTSAssumeRoleAcrossAccounts(t *testing.T) {
	ts := startSim(t, stsWorld, Options{})
	ctx := context.Background()
	admin := sts.NewFromConfig(ts.cfg(t, "us-east-1", "AKIAEXAMPLEMGMT00001", "examplesecretexamplesecretexamplesecret1", ""))

	id, err := admin.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(id.Arn); got != "arn:aws:iam::999999999999:user/admin" {
		t.Errorf("caller = %s", got)
	}

	roleARN := "arn:aws:iam::111111111111:role/DBAccess"
	_, err = admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("dba")})
	if apiCode(err) != "AccessDenied" || !strings.Contains(err.Error(), "is not authorized to perform: sts:AssumeRole on resource: "+roleARN) {
		t.Fatalf("without ExternalId: got %v, want AccessDenied", err)
	}
	out, err := admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("dba"), ExternalId: aws.String("fleet-123")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	assumed := sts.NewFromConfig(ts.credsCfg(t, "us-west-2", aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken}))
	id, err = assumed.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(id.Arn); got != "arn:aws:sts::111111111111:assumed-role/DBAccess/dba" {
		t.Errorf("assumed caller = %s", got)
	}

	nobody := sts.NewFromConfig(ts.cfg(t, "us-east-1", "AKIAEXAMPLEMGMT00002", "examplesecretexamplesecretexamplesecret2", ""))
	_, err = nobody.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("dba"), ExternalId: aws.String("fleet-123")})
	if apiCode(err) != "AccessDenied" {
		t.Fatalf("user without identity policy: got %v, want AccessDenied", err)
	}

	bad := sts.NewFromConfig(ts.cfg(t, "us-east-1", "AKIAEXAMPLEMGMT00001", "wrongwrongwrongwrongwrongwrongwrongwrong", ""))
	if _, err := bad.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "SignatureDoesNotMatch" {
		t.Fatalf("bad secret: got %v", err)
	}
	unknown := sts.NewFromConfig(ts.cfg(t, "us-east-1", "AKIAUNKNOWNUNKNOWN01", "x", ""))
	if _, err := unknown.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "InvalidClientTokenId" {
		t.Fatalf("unknown key: got %v", err)
	}
}
