package awssim

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// secretsWorld: dev (111…) holds secrets; eng (222…) reads them through
// LambdaRole. shared/db uses a customer key whose policy lets eng decrypt.
const secretsWorld = `
regions: [us-east-1, eu-west-1]
accounts:
  - id: "111111111111"
    name: dev
    users:
      - name: admin
        access_key_id: AKIASECRETSDEV000001
        secret_access_key: secretsdevsecretsdevsecretsdevsecretsdv1
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
      - name: reader
        access_key_id: AKIASECRETSDEV000002
        secret_access_key: secretsdevsecretsdevsecretsdevsecretsdv2
        inline_policies:
          read:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "secretsmanager:GetSecretValue", Resource: "*"}
    kms_keys:
      - id: 0b5d2f4e-1a2b-4c3d-8e9f-111111111111
        region: us-east-1
        alias: alias/shared
        description: shared secrets
        policy:
          Version: "2012-10-17"
          Statement:
            - Sid: Enable IAM User Permissions
              Effect: Allow
              Principal: {AWS: "arn:aws:iam::111111111111:root"}
              Action: "kms:*"
              Resource: "*"
            - Sid: AllowEng
              Effect: Allow
              Principal: {AWS: "arn:aws:iam::222222222222:root"}
              Action: [kms:Decrypt, kms:DescribeKey]
              Resource: "*"
    secrets:
      - name: shared/db
        region: us-east-1
        secret_string: '{"password":"hunter2"}'
        kms_key: alias/shared
        tags: {team: data}
        resource_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: "arn:aws:iam::222222222222:role/LambdaRole"}
              Action: secretsmanager:GetSecretValue
              Resource: "*"
      - name: shared/nopolicy
        region: us-east-1
        secret_string: nope
        kms_key: alias/shared
      - name: shared/awskey
        region: us-east-1
        secret_string: managed
        resource_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: "arn:aws:iam::222222222222:role/LambdaRole"}
              Action: secretsmanager:GetSecretValue
              Resource: "*"
  - id: "222222222222"
    name: eng
    users:
      - name: deployer
        access_key_id: AKIASECRETSENG000001
        secret_access_key: secretsengsecretsengsecretsengsecretsen1
        inline_policies:
          assume:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::222222222222:role/LambdaRole"}
    roles:
      - name: LambdaRole
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::222222222222:root"}, Action: "sts:AssumeRole"}
        inline_policies:
          read-dev-secrets:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: "arn:aws:secretsmanager:us-east-1:111111111111:secret:shared/*"
              - Effect: Allow
                Action: kms:Decrypt
                Resource: "arn:aws:kms:us-east-1:111111111111:key/*"
`

func devSM(t *testing.T, ts *testSim, key, secret string) *secretsmanager.Client {
	return secretsmanager.NewFromConfig(ts.cfg(t, "us-east-1", key, secret, ""))
}

// lambdaSM is a Secrets Manager client acting as eng's LambdaRole.
func lambdaSM(t *testing.T, ts *testSim) *secretsmanager.Client {
	t.Helper()
	stsc := sts.NewFromConfig(ts.cfg(t, "us-east-1", "AKIASECRETSENG000001", "secretsengsecretsengsecretsengsecretsen1", ""))
	out, err := stsc.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::222222222222:role/LambdaRole"), RoleSessionName: aws.String("fn")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	return secretsmanager.NewFromConfig(ts.credsCfg(t, "us-east-1", aws.Credentials{
		AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken}))
}

func TestSecretsCrossAccountRead(t *testing.T) {
	ts := startSim(t, secretsWorld, Options{})
	ctx := context.Background()
	admin := devSM(t, ts, "AKIASECRETSDEV000001", "secretsdevsecretsdevsecretsdevsecretsdv1")
	arn := func(name string) string {
		t.Helper()
		d, err := admin.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(d.ARN)
	}
	dbARN, noPolicyARN, awsKeyARN := arn("shared/db"), arn("shared/nopolicy"), arn("shared/awskey")
	if !strings.HasPrefix(dbARN, "arn:aws:secretsmanager:us-east-1:111111111111:secret:shared/db-") || len(dbARN) != len("arn:aws:secretsmanager:us-east-1:111111111111:secret:shared/db-")+6 {
		t.Fatalf("ARN = %s", dbARN)
	}

	role := lambdaSM(t, ts)
	out, err := role.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(dbARN)})
	if err != nil {
		t.Fatalf("cross-account read by ARN: %v", err)
	}
	if aws.ToString(out.SecretString) != `{"password":"hunter2"}` || aws.ToString(out.Name) != "shared/db" ||
		len(out.VersionStages) != 1 || out.VersionStages[0] != "AWSCURRENT" || out.CreatedDate == nil || aws.ToString(out.VersionId) == "" {
		t.Errorf("GetSecretValue = %+v", out)
	}

	_, err = role.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("shared/db")})
	if apiCode(err) != "ResourceNotFoundException" || !strings.Contains(err.Error(), "Secrets Manager can't find the specified secret.") {
		t.Errorf("by name: %v", err)
	}
	partial := strings.TrimSuffix(dbARN, dbARN[len(dbARN)-7:])
	if _, err = role.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(partial)}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("by partial ARN %s: %v", partial, err)
	}

	_, err = role.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(noPolicyARN)})
	if apiCode(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "because no resource-based policy allows the secretsmanager:GetSecretValue action") {
		t.Errorf("no resource policy: %v", err)
	}

	_, err = role.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(awsKeyARN)})
	if apiCode(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "default KMS service key") {
		t.Errorf("aws managed key across accounts: %v", err)
	}

	// Same account: the identity policy alone suffices, and the AWS managed
	// key serves any principal of the account through Secrets Manager.
	reader := devSM(t, ts, "AKIASECRETSDEV000002", "secretsdevsecretsdevsecretsdevsecretsdv2")
	if out, err := reader.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("shared/awskey")}); err != nil || aws.ToString(out.SecretString) != "managed" {
		t.Errorf("same-account read: %v", err)
	}
	// The customer key's policy delegates to IAM, and reader has no kms:Decrypt.
	if _, err := reader.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("shared/db")}); apiCode(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "Access to KMS is not allowed") {
		t.Errorf("same-account read without kms:Decrypt: %v", err)
	}
	if _, err := admin.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("shared/db")}); err != nil {
		t.Errorf("admin read: %v", err)
	}
	if _, err := reader.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("shared/db")}); apiCode(err) != "AccessDeniedException" ||
		!strings.Contains(err.Error(), "because no identity-based policy allows the secretsmanager:DescribeSecret action") {
		t.Errorf("describe without permission: %v", err)
	}
}

func TestSecretsResourcePolicyLifecycle(t *testing.T) {
	ts := startSim(t, secretsWorld, Options{})
	ctx := context.Background()
	admin := devSM(t, ts, "AKIASECRETSDEV000001", "secretsdevsecretsdevsecretsdevsecretsdv1")
	role := lambdaSM(t, ts)
	d, err := admin.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("shared/nopolicy")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(aws.ToString(d.KmsKeyId), ":key/0b5d2f4e-1a2b-4c3d-8e9f-111111111111") {
		t.Errorf("KmsKeyId = %s", aws.ToString(d.KmsKeyId))
	}
	arn := aws.ToString(d.ARN)

	_, err = admin.PutResourcePolicy(ctx, &secretsmanager.PutResourcePolicyInput{SecretId: aws.String(arn), ResourcePolicy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`)})
	if apiCode(err) != "MalformedPolicyDocumentException" {
		t.Errorf("policy without principal: %v", err)
	}
	_, err = admin.PutResourcePolicy(ctx, &secretsmanager.PutResourcePolicyInput{SecretId: aws.String(arn), BlockPublicPolicy: aws.Bool(true),
		ResourcePolicy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`)})
	if apiCode(err) != "PublicPolicyException" {
		t.Errorf("public policy: %v", err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/LambdaRole"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	if _, err := admin.PutResourcePolicy(ctx, &secretsmanager.PutResourcePolicyInput{SecretId: aws.String(arn), ResourcePolicy: aws.String(pol)}); err != nil {
		t.Fatal(err)
	}
	got, err := admin.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String("shared/nopolicy")})
	if err != nil || aws.ToString(got.ResourcePolicy) != pol || aws.ToString(got.ARN) != arn {
		t.Errorf("GetResourcePolicy = %+v, %v", got, err)
	}
	if _, err := role.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)}); err != nil {
		t.Errorf("read after policy: %v", err)
	}
	if _, err := admin.DeleteResourcePolicy(ctx, &secretsmanager.DeleteResourcePolicyInput{SecretId: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if _, err := role.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("read after delete policy: %v", err)
	}
	got, err = admin.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String(arn)})
	if err != nil || got.ResourcePolicy != nil {
		t.Errorf("GetResourcePolicy without policy = %+v, %v", got, err)
	}
}

func TestSecretsCreatePutListTag(t *testing.T) {
	ts := startSim(t, secretsWorld, Options{})
	ctx := context.Background()
	admin := devSM(t, ts, "AKIASECRETSDEV000001", "secretsdevsecretsdevsecretsdevsecretsdv1")

	cr, err := admin.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("app/one"), SecretString: aws.String("v1"),
		Description: aws.String("first app"), Tags: []smtypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(cr.VersionId) == "" || !strings.Contains(aws.ToString(cr.ARN), ":secret:app/one-") {
		t.Errorf("CreateSecret = %+v", cr)
	}
	if _, err := admin.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("app/one"), SecretString: aws.String("x")}); apiCode(err) != "ResourceExistsException" {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := admin.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("app/bad"), SecretString: aws.String("x"), KmsKeyId: aws.String("alias/missing")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("missing key: %v", err)
	}
	pv, err := admin.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: cr.ARN, SecretString: aws.String("v2")})
	if err != nil {
		t.Fatal(err)
	}
	v, err := admin.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/one")})
	if err != nil || aws.ToString(v.SecretString) != "v2" || aws.ToString(v.VersionId) != aws.ToString(pv.VersionId) {
		t.Errorf("after put: %+v, %v", v, err)
	}
	prev, err := admin.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/one"), VersionStage: aws.String("AWSPREVIOUS")})
	if err != nil || aws.ToString(prev.SecretString) != "v1" {
		t.Errorf("AWSPREVIOUS: %+v, %v", prev, err)
	}
	if _, err := admin.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String("app/one"), Tags: []smtypes.Tag{{Key: aws.String("owner"), Value: aws.String("ana")}}}); err != nil {
		t.Fatal(err)
	}
	d, err := admin.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("app/one")})
	if err != nil || len(d.Tags) != 2 || aws.ToString(d.Description) != "first app" || d.KmsKeyId != nil || len(d.VersionIdsToStages) != 2 {
		t.Errorf("DescribeSecret = %+v, %v", d, err)
	}

	for _, n := range []string{"app/two", "app/three", "other"} {
		if _, err := admin.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(n), SecretString: aws.String("x")}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	var token *string
	pages := 0
	for {
		out, err := admin.ListSecrets(ctx, &secretsmanager.ListSecretsInput{MaxResults: aws.Int32(2), NextToken: token,
			Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: []string{"app/"}}}})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range out.SecretList {
			names = append(names, aws.ToString(e.Name))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if pages != 2 || strings.Join(names, ",") != "app/one,app/two,app/three" {
		t.Errorf("ListSecrets pages=%d names=%v", pages, names)
	}
	out, err := admin.ListSecrets(ctx, &secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeTagKey, Values: []string{"team"}}}})
	if err != nil || len(out.SecretList) != 1 || aws.ToString(out.SecretList[0].Name) != "shared/db" {
		t.Errorf("tag-key filter: %+v, %v", out, err)
	}
	if _, err := admin.ListSecrets(ctx, &secretsmanager.ListSecretsInput{NextToken: aws.String("garbage")}); apiCode(err) != "InvalidNextTokenException" {
		t.Errorf("bad token: %v", err)
	}

	if _, err := admin.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("app/two")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/two")}); apiCode(err) != "InvalidRequestException" {
		t.Errorf("read deleted: %v", err)
	}
	if _, err := admin.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("app/three"), ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("app/three")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("after force delete: %v", err)
	}
}

func TestSecretsCreateSecretLockedHelper(t *testing.T) {
	ts := startSim(t, secretsWorld, Options{})
	ts.mu.Lock()
	a := ts.accounts["111111111111"]
	arn, err := ts.createSecretLocked(a, "eu-west-1", "rds!db-1234", `{"username":"admin","password":"x"}`, "", map[string]string{"aws:rds:primaryDBInstanceArn": "arn"})
	got, ok := ts.secretARNLocked(a, "eu-west-1", "rds!db-1234")
	byARN, ok2 := ts.secretARNLocked(a, "eu-west-1", arn)
	_, dupErr := ts.createSecretLocked(a, "eu-west-1", "rds!db-1234", "y", "", nil)
	_, wrongRegion := ts.secretARNLocked(a, "us-east-1", arn)
	ts.mu.Unlock()
	if err != nil || !ok || got != arn || !ok2 || byARN != arn || wrongRegion {
		t.Fatalf("createSecretLocked = %s, %v; resolve = %s %v %v", arn, err, got, ok, ok2)
	}
	if e, ok := dupErr.(*APIError); !ok || e.Code != "ResourceExistsException" {
		t.Errorf("duplicate: %v", dupErr)
	}
	sm := secretsmanager.NewFromConfig(ts.cfg(t, "eu-west-1", "AKIASECRETSDEV000001", "secretsdevsecretsdevsecretsdevsecretsdv1", ""))
	v, err := sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil || !strings.Contains(aws.ToString(v.SecretString), `"password":"x"`) {
		t.Errorf("read RDS secret: %v", err)
	}
}
