package awssim

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const iamWorld = `
organization: {management_account: "999999999999"}
accounts:
  - id: "999999999999"
    name: management
    users:
      - name: admin
        access_key_id: AKIAIAMTESTADMIN0001
        secret_access_key: iamtestsecretiamtestsecretiamtestsecret1
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
      - name: nobody
        access_key_id: AKIAIAMTESTNOBODY001
        secret_access_key: iamtestsecretiamtestsecretiamtestsecret2
      - name: dba
        path: /ops/
        inline_policies:
          rds:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: "rds:*"
                Resource: "*"
              - Effect: Deny
                Action: rds:DeleteDBInstance
                Resource: "*"
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
                Condition: {StringEquals: {"aws:RequestTag/team": "db"}}
  - id: "111111111111"
    name: app1
`

const (
	iamAdminKey    = "AKIAIAMTESTADMIN0001"
	iamAdminSecret = "iamtestsecretiamtestsecretiamtestsecret1"
	iamMgmt        = "999999999999"
)

func iamClient(t *testing.T, ts *testSim, key, secret string) *iam.Client {
	return iam.NewFromConfig(ts.cfg(t, "us-east-1", key, secret, ""))
}

// iamDecodeDoc URL-decodes a policy document from an IAM response and
// parses its JSON.
func iamDecodeDoc(t *testing.T, encoded *string) any {
	t.Helper()
	text, err := url.QueryUnescape(aws.ToString(encoded))
	if err != nil {
		t.Fatalf("document %q is not URL-encoded: %v", aws.ToString(encoded), err)
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("document %q: %v", text, err)
	}
	return v
}

func iamJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func iamWant(t *testing.T, err error, code, msg string) {
	t.Helper()
	if apiCode(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	if msg != "" && !strings.Contains(err.Error(), msg) {
		t.Fatalf("got %v, want message %q", err, msg)
	}
}

const (
	iamEC2Trust = `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]
}`
	iamAssumePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/DB-Management-Host-Access-Role"}]}`
)

// TestIAMWalkthrough follows AWS's walkthrough for the management account:
// a role EC2 can assume, allowed to assume the access role everywhere, in
// an instance profile.
func TestIAMWalkthrough(t *testing.T) {
	ts := startSim(t, iamWorld, Options{})
	ctx := context.Background()
	c := iamClient(t, ts, iamAdminKey, iamAdminSecret)
	const roleName = "DB-Management-Host-CrossAccountAccess-Role"
	const profileName = "DB-Management-Host-Profile"

	cr, err := c.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String(roleName), AssumeRolePolicyDocument: aws.String(iamEC2Trust),
		Description: aws.String("DB management host"), MaxSessionDuration: aws.Int32(7200),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("db")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	roleARN := "arn:aws:iam::" + iamMgmt + ":role/" + roleName
	if aws.ToString(cr.Role.Arn) != roleARN || !strings.HasPrefix(aws.ToString(cr.Role.RoleId), "AROA") {
		t.Errorf("CreateRole: arn %s id %s", aws.ToString(cr.Role.Arn), aws.ToString(cr.Role.RoleId))
	}
	cp, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("DB-Management-Host-AssumeRole"), PolicyDocument: aws.String(iamAssumePolicy)})
	if err != nil {
		t.Fatal(err)
	}
	policyARN := aws.ToString(cp.Policy.Arn)
	if policyARN != "arn:aws:iam::"+iamMgmt+":policy/DB-Management-Host-AssumeRole" || aws.ToString(cp.Policy.DefaultVersionId) != "v1" {
		t.Errorf("CreatePolicy: %s %s", policyARN, aws.ToString(cp.Policy.DefaultVersionId))
	}
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(policyARN)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(profileName)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(profileName), RoleName: aws.String(roleName)}); err != nil {
		t.Fatal(err)
	}

	// Read everything back.
	gr, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	if err != nil {
		t.Fatal(err)
	}
	r := gr.Role
	if !reflect.DeepEqual(iamDecodeDoc(t, r.AssumeRolePolicyDocument), iamJSON(t, iamEC2Trust)) {
		t.Errorf("trust policy = %s", aws.ToString(r.AssumeRolePolicyDocument))
	}
	if strings.ContainsAny(aws.ToString(r.AssumeRolePolicyDocument), "{\" :*") {
		t.Errorf("trust policy not percent-encoded: %s", aws.ToString(r.AssumeRolePolicyDocument))
	}
	if aws.ToInt32(r.MaxSessionDuration) != 7200 || aws.ToString(r.Description) != "DB management host" || aws.ToString(r.Path) != "/" {
		t.Errorf("role = %+v", r)
	}
	if len(r.Tags) != 1 || aws.ToString(r.Tags[0].Key) != "team" || r.RoleLastUsed == nil {
		t.Errorf("role tags %v last used %v", r.Tags, r.RoleLastUsed)
	}
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(gp.Policy.AttachmentCount) != 1 || !gp.Policy.IsAttachable {
		t.Errorf("policy = %+v", gp.Policy)
	}
	gv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(iamDecodeDoc(t, gv.PolicyVersion.Document), iamJSON(t, iamAssumePolicy)) || !gv.PolicyVersion.IsDefaultVersion {
		t.Errorf("policy version = %+v", gv.PolicyVersion)
	}
	la, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(roleName)})
	if err != nil {
		t.Fatal(err)
	}
	if len(la.AttachedPolicies) != 1 || aws.ToString(la.AttachedPolicies[0].PolicyArn) != policyARN || aws.ToString(la.AttachedPolicies[0].PolicyName) != "DB-Management-Host-AssumeRole" {
		t.Errorf("attached = %+v", la.AttachedPolicies)
	}
	gi, err := c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(profileName)})
	if err != nil {
		t.Fatal(err)
	}
	ip := gi.InstanceProfile
	if aws.ToString(ip.Arn) != "arn:aws:iam::"+iamMgmt+":instance-profile/"+profileName || len(ip.Roles) != 1 || aws.ToString(ip.Roles[0].RoleName) != roleName {
		t.Errorf("instance profile = %+v", ip)
	}
	if !reflect.DeepEqual(iamDecodeDoc(t, ip.Roles[0].AssumeRolePolicyDocument), iamJSON(t, iamEC2Trust)) {
		t.Errorf("profile role trust = %s", aws.ToString(ip.Roles[0].AssumeRolePolicyDocument))
	}
	lr, err := c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String(roleName)})
	if err != nil || len(lr.InstanceProfiles) != 1 {
		t.Fatalf("ListInstanceProfilesForRole = %+v, %v", lr, err)
	}
	lp, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal, OnlyAttached: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(lp.Policies) != 1 || aws.ToString(lp.Policies[0].Arn) != policyARN {
		t.Errorf("ListPolicies Local OnlyAttached = %+v", lp.Policies)
	}
	lp, err = c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws, OnlyAttached: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(lp.Policies) != 1 || aws.ToString(lp.Policies[0].PolicyName) != "AdministratorAccess" || aws.ToInt32(lp.Policies[0].AttachmentCount) != 1 {
		t.Errorf("ListPolicies AWS OnlyAttached = %+v", lp.Policies)
	}

	// Conflicts and limits.
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(roleName), AssumeRolePolicyDocument: aws.String(iamEC2Trust)})
	iamWant(t, err, "EntityAlreadyExists", "Role with name "+roleName+" already exists.")
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Second"), AssumeRolePolicyDocument: aws.String(iamEC2Trust)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(profileName), RoleName: aws.String("Second")})
	iamWant(t, err, "LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(roleName)})
	iamWant(t, err, "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")
	_, err = c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String(profileName)})
	iamWant(t, err, "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")
	if _, err := c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String(profileName), RoleName: aws.String(roleName)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(roleName)})
	iamWant(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(policyARN)})
	iamWant(t, err, "DeleteConflict", "")
	if _, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(policyARN)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(policyARN)})
	iamWant(t, err, "NoSuchEntity", "Policy "+policyARN+" was not found.")
	for _, del := range []func() error{
		func() error {
			_, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(roleName)})
			return err
		},
		func() error {
			_, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(policyARN)})
			return err
		},
		func() error {
			_, err := c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String(profileName)})
			return err
		},
	} {
		if err := del(); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	iamWant(t, err, "NoSuchEntity", "The role with name "+roleName+" cannot be found.")
	_, err = c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(profileName)})
	iamWant(t, err, "NoSuchEntity", "")
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	iamWant(t, err, "NoSuchEntity", "")
}

func TestIAMRoleErrors(t *testing.T) {
	ts := startSim(t, iamWorld, Options{})
	ctx := context.Background()
	c := iamClient(t, ts, iamAdminKey, iamAdminSecret)

	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)})
	iamWant(t, err, "MalformedPolicyDocument", "Missing required field Principal")
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(`{not json`)})
	iamWant(t, err, "MalformedPolicyDocument", "")
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(iamEC2Trust), MaxSessionDuration: aws.Int32(100)})
	iamWant(t, err, "ValidationError", "Member must have value greater than or equal to 3600")
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad name"), AssumeRolePolicyDocument: aws.String(iamEC2Trust)})
	iamWant(t, err, "ValidationError", "regular expression pattern")
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad"), Path: aws.String("noslash"), AssumeRolePolicyDocument: aws.String(iamEC2Trust)})
	iamWant(t, err, "ValidationError", "The specified value for path is invalid.")
	ghost := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/ghost"},"Action":"sts:AssumeRole"}]}`
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(ghost)})
	iamWant(t, err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:role/ghost"`)
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":["` + strings.Repeat("x", 2100) + `"]}}}]}`
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(big)})
	iamWant(t, err, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048")

	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), Path: aws.String("/svc/"), AssumeRolePolicyDocument: aws.String(iamEC2Trust)}); err != nil {
		t.Fatal(err)
	}
	// The trust policy may name the account's own admin user.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:user/admin"},"Action":"sts:AssumeRole"}]}`
	if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("app"), PolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("app"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}]}`)})
	iamWant(t, err, "MalformedPolicyDocument", "AssumeRole policy may only specify STS AssumeRole actions.")
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("missing"), PolicyDocument: aws.String(trust)})
	iamWant(t, err, "NoSuchEntity", "The role with name missing cannot be found.")

	// The new trust policy lets admin assume the role at once.
	stsc := sts.NewFromConfig(ts.cfg(t, "us-east-1", iamAdminKey, iamAdminSecret, ""))
	if _, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/svc/app"), RoleSessionName: aws.String("test")}); err != nil {
		t.Fatalf("AssumeRole after UpdateAssumeRolePolicy: %v", err)
	}

	if _, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("app"), Description: aws.String("new"), MaxSessionDuration: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("app"), MaxSessionDuration: aws.Int32(50000)})
	iamWant(t, err, "ValidationError", "less than or equal to 43200")
	if _, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("app"), Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("app"), TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "b" || tags.IsTruncated {
		t.Errorf("tags = %+v", tags.Tags)
	}
	_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("app"), Tags: []iamtypes.Tag{{Key: aws.String("x"), Value: aws.String("1")}, {Key: aws.String("X"), Value: aws.String("2")}}})
	iamWant(t, err, "InvalidInput", "Duplicate tag keys found.")
	gr, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(gr.Role.Description) != "new" || aws.ToInt32(gr.Role.MaxSessionDuration) != 43200 || aws.ToString(gr.Role.Arn) != "arn:aws:iam::999999999999:role/svc/app" {
		t.Errorf("role = %+v", gr.Role)
	}
	if gr.Role.RoleLastUsed == nil || gr.Role.RoleLastUsed.LastUsedDate == nil {
		t.Errorf("RoleLastUsed after AssumeRole = %+v", gr.Role.RoleLastUsed)
	}
	lr, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/svc/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(lr.Roles) != 1 || aws.ToString(lr.Roles[0].RoleName) != "app" {
		t.Errorf("ListRoles /svc/ = %+v", lr.Roles)
	}

	const missing = "arn:aws:iam::999999999999:policy/missing"
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String(missing)})
	iamWant(t, err, "NoSuchEntity", "Policy "+missing+" does not exist or is not attachable.")
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String("not-an-arn-at-all-really")})
	iamWant(t, err, "InvalidInput", "ARN not-an-arn-at-all-really is not valid.")
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("ghost"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess")})
	iamWant(t, err, "NoSuchEntity", "The role with name ghost cannot be found.")
}

func TestIAMInlinePolicies(t *testing.T) {
	ts := startSim(t, iamWorld, Options{})
	ctx := context.Background()
	c := iamClient(t, ts, iamAdminKey, iamAdminSecret)
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(iamEC2Trust)}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["rds:Describe*"],"Resource":"*"}}`
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	g, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("read")})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(iamDecodeDoc(t, g.PolicyDocument), iamJSON(t, doc)) || aws.ToString(g.RoleName) != "r" {
		t.Errorf("GetRolePolicy = %+v", g)
	}
	l, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("r")})
	if err != nil || !reflect.DeepEqual(l.PolicyNames, []string{"read"}) {
		t.Fatalf("ListRolePolicies = %+v, %v", l, err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")})
	iamWant(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`)})
	iamWant(t, err, "MalformedPolicyDocument", "Policy document should not specify a principal.")
	big := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 10300) + `"}}`
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
	iamWant(t, err, "LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role r")
	if _, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("read")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("read")})
	iamWant(t, err, "NoSuchEntity", "The role policy with name read cannot be found.")

	// Users.
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("sts"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	gu, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("sts")})
	if err != nil || !reflect.DeepEqual(iamDecodeDoc(t, gu.PolicyDocument), iamJSON(t, doc)) {
		t.Fatalf("GetUserPolicy = %+v, %v", gu, err)
	}
	lu, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("nobody")})
	if err != nil || !reflect.DeepEqual(lu.PolicyNames, []string{"sts"}) {
		t.Fatalf("ListUserPolicies = %+v, %v", lu, err)
	}
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
	iamWant(t, err, "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user nobody")
	if _, err := c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("sts")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("sts")})
	iamWant(t, err, "NoSuchEntity", "The user policy with name sts cannot be found.")

	// Managed policies on users.
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("nobody"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	la, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("nobody")})
	if err != nil || len(la.AttachedPolicies) != 1 || aws.ToString(la.AttachedPolicies[0].PolicyName) != "IAMReadOnlyAccess" {
		t.Fatalf("ListAttachedUserPolicies = %+v, %v", la, err)
	}
	// The attached policy takes effect at once for the user's own calls.
	nobody := iamClient(t, ts, "AKIAIAMTESTNOBODY001", "iamtestsecretiamtestsecretiamtestsecret2")
	if _, err := nobody.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Fatalf("ListRoles with IAMReadOnlyAccess: %v", err)
	}
	if _, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("nobody"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("nobody"), PolicyArn: aws.String("arn:aws:iam::111111111111:policy/theirs")})
	iamWant(t, err, "NoSuchEntity", "does not exist or is not attachable.")
}

func TestIAMAccessKeys(t *testing.T) {
	ts := startSim(t, iamWorld, Options{})
	ctx := context.Background()
	c := iamClient(t, ts, iamAdminKey, iamAdminSecret)

	cu, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ci"), Path: aws.String("/bots/"), Tags: []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if err != nil {
		t.Fatal(err)
	}
	userARN := "arn:aws:iam::" + iamMgmt + ":user/bots/ci"
	if aws.ToString(cu.User.Arn) != userARN || !strings.HasPrefix(aws.ToString(cu.User.UserId), "AIDA") {
		t.Errorf("CreateUser = %+v", cu.User)
	}
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ci")})
	iamWant(t, err, "EntityAlreadyExists", "User with name ci already exists.")

	ck, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci")})
	if err != nil {
		t.Fatal(err)
	}
	k := ck.AccessKey
	if !strings.HasPrefix(aws.ToString(k.AccessKeyId), "AKIA") || len(aws.ToString(k.AccessKeyId)) != 20 || len(aws.ToString(k.SecretAccessKey)) != 40 || k.Status != iamtypes.StatusTypeActive {
		t.Errorf("CreateAccessKey = %+v", k)
	}
	ciSTS := sts.NewFromConfig(ts.cfg(t, "us-east-1", aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), ""))
	id, err := ciSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != userARN || aws.ToString(id.UserId) != aws.ToString(cu.User.UserId) {
		t.Errorf("GetCallerIdentity with new key = %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId))
	}
	ciIAM := iamClient(t, ts, aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey))
	_, err = ciIAM.GetUser(ctx, &iam.GetUserInput{})
	iamWant(t, err, "AccessDenied", "User: "+userARN+" is not authorized to perform: iam:GetUser on resource: "+userARN)
	me, err := c.GetUser(ctx, &iam.GetUserInput{})
	if err != nil || aws.ToString(me.User.UserName) != "admin" {
		t.Fatalf("GetUser() = %+v, %v", me, err)
	}
	gu, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("ci")})
	if err != nil || len(gu.User.Tags) != 1 || aws.ToString(gu.User.Path) != "/bots/" {
		t.Fatalf("GetUser(ci) = %+v, %v", gu, err)
	}

	lk, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("ci")})
	if err != nil || len(lk.AccessKeyMetadata) != 1 || aws.ToString(lk.AccessKeyMetadata[0].AccessKeyId) != aws.ToString(k.AccessKeyId) {
		t.Fatalf("ListAccessKeys = %+v, %v", lk, err)
	}
	if _, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("ci"), AccessKeyId: k.AccessKeyId, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = ciSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	iamWant(t, err, "InvalidClientTokenId", "")
	lk, _ = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("ci")})
	if lk.AccessKeyMetadata[0].Status != iamtypes.StatusTypeInactive {
		t.Errorf("status after UpdateAccessKey = %s", lk.AccessKeyMetadata[0].Status)
	}
	if _, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("ci"), AccessKeyId: k.AccessKeyId, Status: iamtypes.StatusTypeActive}); err != nil {
		t.Fatal(err)
	}
	if _, err := ciSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("reactivated key: %v", err)
	}
	if _, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci")})
	iamWant(t, err, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("ci")})
	iamWant(t, err, "DeleteConflict", "")
	_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("ci"), AccessKeyId: aws.String("AKIANOSUCHKEY0000000"), Status: iamtypes.StatusTypeActive})
	iamWant(t, err, "NoSuchEntity", "The Access Key with id AKIANOSUCHKEY0000000 cannot be found.")

	lk, _ = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("ci")})
	for _, m := range lk.AccessKeyMetadata {
		if _, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("ci"), AccessKeyId: m.AccessKeyId}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = ciSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	iamWant(t, err, "InvalidClientTokenId", "")
	if _, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("ci")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("ci")})
	iamWant(t, err, "NoSuchEntity", "The user with name ci cannot be found.")

	// A user manages its own keys when no UserName is given.
	own, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	if err != nil || aws.ToString(own.AccessKey.UserName) != "admin" {
		t.Fatalf("CreateAccessKey() = %+v, %v", own, err)
	}
	_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("admin"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("platform")}}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIAMAccessDenied(t *testing.T) {
	ts := startSim(t, iamWorld, Options{})
	ctx := context.Background()
	c := iamClient(t, ts, "AKIAIAMTESTNOBODY001", "iamtestsecretiamtestsecretiamtestsecret2")
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String(iamEC2Trust)})
	iamWant(t, err, "AccessDenied", "User: arn:aws:iam::999999999999:user/nobody is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::999999999999:role/x because no identity-based policy allows the iam:CreateRole action")
	_, err = c.ListRoles(ctx, &iam.ListRolesInput{})
	iamWant(t, err, "AccessDenied", "is not authorized to perform: iam:ListRoles on resource: *")
	// Denied before the role's existence is revealed.
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
	iamWant(t, err, "AccessDenied", "iam:GetRole on resource: arn:aws:iam::999999999999:role/nope")
	_, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::999999999999:user/nobody"), ActionNames: []string{"s3:ListBucket"}})
	iamWant(t, err, "AccessDenied", "")
}

func TestIAMPagination(t *testing.T) {
	ts := startSim(t, iamWorld, Options{})
	ctx := context.Background()
	c := iamClient(t, ts, iamAdminKey, iamAdminSecret)
	for _, n := range []string{"r1", "r2", "r3", "r4", "r5"} {
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(n), AssumeRolePolicyDocument: aws.String(iamEC2Trust)}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := c.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Roles) != 2 || !first.IsTruncated || first.Marker == nil || aws.ToString(first.Roles[0].RoleName) != "r1" {
		t.Fatalf("first page = %d roles truncated %v marker %v", len(first.Roles), first.IsTruncated, first.Marker)
	}
	var names []string
	p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{MaxItems: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.Roles {
			names = append(names, aws.ToString(r.RoleName))
		}
	}
	if pages != 3 || !reflect.DeepEqual(names, []string{"r1", "r2", "r3", "r4", "r5"}) {
		t.Errorf("paginated %d pages: %v", pages, names)
	}
	all, err := c.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil || len(all.Users) != 3 || all.IsTruncated {
		t.Fatalf("ListUsers = %+v, %v", all, err)
	}
	ops, err := c.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/ops/")})
	if err != nil || len(ops.Users) != 1 || aws.ToString(ops.Users[0].UserName) != "dba" {
		t.Fatalf("ListUsers /ops/ = %+v, %v", ops, err)
	}
	_, err = c.ListRoles(ctx, &iam.ListRolesInput{Marker: aws.String("!!garbage!!")})
	iamWant(t, err, "ValidationError", "")
	_, err = c.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(1001)})
	iamWant(t, err, "ValidationError", "")
}

func TestIAMPolicyVersions(t *testing.T) {
	ts := startSim(t, iamWorld, Options{})
	ctx := context.Background()
	c := iamClient(t, ts, iamAdminKey, iamAdminSecret)

	admin, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(admin.Policy.PolicyName) != "AdministratorAccess" || aws.ToString(admin.Policy.DefaultVersionId) == "" || aws.ToInt32(admin.Policy.AttachmentCount) != 1 {
		t.Errorf("AdministratorAccess = %+v", admin.Policy)
	}
	av, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: admin.Policy.Arn, VersionId: admin.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := iamDecodeDoc(t, av.PolicyVersion.Document).(map[string]any); doc["Version"] != "2012-10-17" {
		t.Errorf("AdministratorAccess document = %v", doc)
	}

	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)})
	iamWant(t, err, "MalformedPolicyDocument", "")
	big := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 6200) + `"}}`
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
	iamWant(t, err, "LimitExceeded", "Cannot exceed quota for PolicySize: 6144")

	doc := func(action string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`)
	}
	cp, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), Path: aws.String("/team/"), PolicyDocument: doc("s3:ListBucket"), Description: aws.String("desc")})
	if err != nil {
		t.Fatal(err)
	}
	arn := cp.Policy.Arn
	if aws.ToString(arn) != "arn:aws:iam::999999999999:policy/team/p" {
		t.Errorf("arn = %s", aws.ToString(arn))
	}
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: doc("s3:ListBucket")})
	iamWant(t, err, "EntityAlreadyExists", "A policy called p already exists. Duplicate names are not allowed.")
	for i := 2; i <= 5; i++ {
		v, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: doc("s3:GetObject"), SetAsDefault: i == 3})
		if err != nil {
			t.Fatal(err)
		}
		if want := "v" + string(rune('0'+i)); aws.ToString(v.PolicyVersion.VersionId) != want || v.PolicyVersion.IsDefaultVersion != (i == 3) {
			t.Errorf("version %d = %+v", i, v.PolicyVersion)
		}
	}
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: doc("s3:GetObject")})
	iamWant(t, err, "LimitExceeded", "A managed policy can have up to 5 versions.")
	lv, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: arn})
	if err != nil || len(lv.Versions) != 5 || aws.ToString(lv.Versions[0].VersionId) != "v5" {
		t.Fatalf("ListPolicyVersions = %+v, %v", lv, err)
	}
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	if err != nil || aws.ToString(gp.Policy.DefaultVersionId) != "v3" || aws.ToString(gp.Policy.Description) != "desc" {
		t.Fatalf("GetPolicy = %+v, %v", gp, err)
	}
	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v3")})
	iamWant(t, err, "DeleteConflict", "Cannot delete the default version of a policy.")
	_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v9")})
	iamWant(t, err, "NoSuchEntity", "Policy arn:aws:iam::999999999999:policy/team/p version v9 does not exist or is not attachable.")
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	iamWant(t, err, "DeleteConflict", "")
	for _, v := range []string{"v1", "v2", "v4", "v5"} {
		if _, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String(v)}); err != nil {
			t.Fatal(err)
		}
	}
	// Version IDs are never reused.
	nv, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: doc("s3:GetObject")})
	if err != nil || aws.ToString(nv.PolicyVersion.VersionId) != "v6" {
		t.Fatalf("CreatePolicyVersion after deletes = %+v, %v", nv, err)
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	iamWant(t, err, "AccessDenied", "")
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::999999999999:policy/none")})
	iamWant(t, err, "NoSuchEntity", "Policy arn:aws:iam::999999999999:policy/none was not found.")

	all, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var local, awsManaged int
	for _, p := range all.Policies {
		if strings.HasPrefix(aws.ToString(p.Arn), "arn:aws:iam::aws:") {
			awsManaged++
		} else {
			local++
		}
	}
	if local != 1 || awsManaged == 0 {
		t.Errorf("ListPolicies All: %d local, %d AWS", local, awsManaged)
	}
}

func TestIAMMFA(t *testing.T) {
	ts := startSim(t, iamWorld, Options{})
	ctx := context.Background()
	c := iamClient(t, ts, iamAdminKey, iamAdminSecret)
	cv, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("admin-phone")})
	if err != nil {
		t.Fatal(err)
	}
	serial := aws.ToString(cv.VirtualMFADevice.SerialNumber)
	seed := string(cv.VirtualMFADevice.Base32StringSeed)
	if serial != "arn:aws:iam::999999999999:mfa/admin-phone" || len(seed) != 32 {
		t.Fatalf("device %s seed %q", serial, seed)
	}
	_, err = c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("admin-phone")})
	iamWant(t, err, "EntityAlreadyExists", "")

	now := time.Now()
	code1, err := TOTP(seed, now)
	if err != nil {
		t.Fatal(err)
	}
	code2, _ := TOTP(seed, now.Add(30*time.Second))
	_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("admin"), SerialNumber: aws.String(serial), AuthenticationCode1: aws.String(code2), AuthenticationCode2: aws.String(code1)})
	iamWant(t, err, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
	if _, err := c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("admin"), SerialNumber: aws.String(serial), AuthenticationCode1: aws.String(code1), AuthenticationCode2: aws.String(code2)}); err != nil {
		t.Fatal(err)
	}
	lm, err := c.ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	if err != nil || len(lm.MFADevices) != 1 || aws.ToString(lm.MFADevices[0].SerialNumber) != serial || lm.MFADevices[0].EnableDate == nil {
		t.Fatalf("ListMFADevices = %+v, %v", lm, err)
	}
	// The device now works for STS.
	stsc := sts.NewFromConfig(ts.cfg(t, "us-east-1", iamAdminKey, iamAdminSecret, ""))
	if _, err := stsc.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(code1)}); err != nil {
		t.Fatalf("GetSessionToken with enabled device: %v", err)
	}
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("admin")})
	iamWant(t, err, "DeleteConflict", "Cannot delete entity, must delete access keys first.")
}

func TestIAMSimulatePrincipalPolicy(t *testing.T) {
	ts := startSim(t, iamWorld, Options{})
	ctx := context.Background()
	c := iamClient(t, ts, iamAdminKey, iamAdminSecret)
	out, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::999999999999:user/ops/dba"),
		ActionNames:     []string{"rds:DescribeDBInstances", "ec2:RunInstances", "rds:DeleteDBInstance", "s3:GetObject"},
		ResourceArns:    []string{"arn:aws:rds:us-east-1:999999999999:db:db1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]iamtypes.PolicyEvaluationDecisionType{}
	for _, r := range out.EvaluationResults {
		got[aws.ToString(r.EvalActionName)] = r.EvalDecision
		if aws.ToString(r.EvalResourceName) != "arn:aws:rds:us-east-1:999999999999:db:db1" {
			t.Errorf("resource = %s", aws.ToString(r.EvalResourceName))
		}
	}
	want := map[string]iamtypes.PolicyEvaluationDecisionType{
		"rds:DescribeDBInstances": iamtypes.PolicyEvaluationDecisionTypeAllowed,
		"ec2:RunInstances":        iamtypes.PolicyEvaluationDecisionTypeImplicitDeny,
		"rds:DeleteDBInstance":    iamtypes.PolicyEvaluationDecisionTypeExplicitDeny,
		"s3:GetObject":            iamtypes.PolicyEvaluationDecisionTypeImplicitDeny,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decisions = %v, want %v", got, want)
	}
	// The condition's key supplied as a context entry.
	out, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::999999999999:user/ops/dba"),
		ActionNames:     []string{"s3:GetObject"},
		ContextEntries:  []iamtypes.ContextEntry{{ContextKeyName: aws.String("aws:RequestTag/team"), ContextKeyValues: []string{"db"}, ContextKeyType: iamtypes.ContextKeyTypeEnumString}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.EvaluationResults) != 1 || out.EvaluationResults[0].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed || aws.ToString(out.EvaluationResults[0].EvalResourceName) != "*" {
		t.Errorf("with context = %+v", out.EvaluationResults)
	}
	// A role's attached managed policy.
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("reader"), AssumeRolePolicyDocument: aws.String(iamEC2Trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	out, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::999999999999:role/reader"),
		ActionNames:     []string{"rds:DescribeDBInstances", "rds:DeleteDBInstance"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.EvaluationResults) != 2 || out.EvaluationResults[0].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed || out.EvaluationResults[1].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Errorf("role decisions = %+v", out.EvaluationResults)
	}
	_, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::999999999999:user/ghost"), ActionNames: []string{"s3:GetObject"}})
	iamWant(t, err, "NoSuchEntity", "The user with name ghost cannot be found.")
	_, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:s3:::bucket"), ActionNames: []string{"s3:GetObject"}})
	iamWant(t, err, "InvalidInput", "")
}
