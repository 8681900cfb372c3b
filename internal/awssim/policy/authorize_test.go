package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Scenarios follow AWS's "Policy evaluation logic" and "Cross-account policy
// evaluation logic" pages.
func TestAuthorize(t *testing.T) {
	p := func(kind Kind, doc string) *Document {
		d, err := Parse(doc, kind)
		if err != nil {
			t.Fatalf("Parse(%s): %v", doc, err)
		}
		return d
	}
	ids := func(docs ...string) []*Document {
		var out []*Document
		for _, d := range docs {
			out = append(out, p(KindIdentity, d))
		}
		return out
	}
	const (
		secretA   = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"
		secretB   = "arn:aws:secretsmanager:us-east-1:444455556666:secret:db-AbCdEf"
		keyA      = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		targetA   = "arn:aws:iam::111122223333:role/Target"
		targetB   = "arn:aws:iam::444455556666:role/Target"
		allowGet  = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}}`
		denyGet   = `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"secretsmanager:GetSecretValue","Resource":"*"}}`
		allowKMS  = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*"}}`
		allowSTS  = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}`
		allowSTSB = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::444455556666:role/Target"}}`
	)
	resPolicy := func(principal, effect string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"` + effect + `","Principal":` + principal +
			`,"Action":"secretsmanager:GetSecretValue","Resource":"*"}}`
	}
	trust := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}}`
	}
	defaultKeyPolicy := `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`

	tests := []struct {
		name string
		in   Input
		want Result
	}{
		// Same account, standard calls.
		{"identity allows, no resource policy",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				Identity: ids(allowGet), ResourceAccount: acctA},
			Result{Allowed: true, IdentityAllows: true}},
		{"nothing allows: implicit deny",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				ResourceAccount: acctA},
			Result{}},
		{"resource policy names the user: enough on its own",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				Resource: p(KindResource, resPolicy(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`, "Allow")), ResourceAccount: acctA},
			Result{Allowed: true, ResourceAllows: true}},
		{"resource policy names the role: its sessions are allowed",
			Input{Request: &Request{Principal: session, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				Resource: p(KindResource, resPolicy(`{"AWS":"arn:aws:iam::111122223333:role/ops/Deployer"}`, "Allow")), ResourceAccount: acctA},
			Result{Allowed: true, ResourceAllows: true}},
		{"resource policy names the account only: delegates to identity (none)",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				Resource: p(KindResource, resPolicy(`{"AWS":"111122223333"}`, "Allow")), ResourceAccount: acctA},
			Result{ResourceAllows: true}},
		{"resource policy names the account, identity allows",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				Identity: ids(allowGet), Resource: p(KindResource, resPolicy(`{"AWS":"111122223333"}`, "Allow")), ResourceAccount: acctA},
			Result{Allowed: true, IdentityAllows: true, ResourceAllows: true}},
		{"resource policy explicit deny beats identity allow",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				Identity: ids(allowGet), Resource: p(KindResource, resPolicy(`"*"`, "Deny")), ResourceAccount: acctA},
			Result{ExplicitDeny: true, IdentityAllows: true}},
		{"identity explicit deny beats resource allow",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				Identity: ids(allowGet, denyGet), Resource: p(KindResource, resPolicy(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`, "Allow")), ResourceAccount: acctA},
			Result{ExplicitDeny: true, DenyInIdentity: true, IdentityAllows: true, ResourceAllows: true}},
		{"unknown resource owner is treated as same account",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				Identity: ids(allowGet)},
			Result{Allowed: true, IdentityAllows: true}},

		// Cross account.
		{"cross-account: identity allows but no resource policy",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretB},
				Identity: ids(allowGet), ResourceAccount: acctB},
			Result{IdentityAllows: true}},
		{"cross-account: resource trusts caller account, identity allows",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretB},
				Identity: ids(allowGet), Resource: p(KindResource, resPolicy(`{"AWS":"arn:aws:iam::111122223333:root"}`, "Allow")), ResourceAccount: acctB},
			Result{Allowed: true, IdentityAllows: true, ResourceAllows: true}},
		{"cross-account: resource trusts caller account, identity silent",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretB},
				Resource: p(KindResource, resPolicy(`{"AWS":"arn:aws:iam::111122223333:root"}`, "Allow")), ResourceAccount: acctB},
			Result{ResourceAllows: true}},
		{"cross-account: resource names the user, identity silent",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretB},
				Resource: p(KindResource, resPolicy(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`, "Allow")), ResourceAccount: acctB},
			Result{ResourceAllows: true}},
		{"cross-account: resource trusts another account",
			Input{Request: &Request{Principal: userAlice, Action: "secretsmanager:GetSecretValue", Resource: secretB},
				Identity: ids(allowGet), Resource: p(KindResource, resPolicy(`{"AWS":"arn:aws:iam::999988887777:root"}`, "Allow")), ResourceAccount: acctB},
			Result{IdentityAllows: true}},

		// Role trust policies.
		{"trust names the caller's role, same account: no identity permission needed",
			Input{Request: &Request{Principal: session, Action: "sts:AssumeRole", Resource: targetA},
				Resource: p(KindTrust, trust(`{"AWS":"arn:aws:iam::111122223333:role/ops/Deployer"}`)), ResourceAccount: acctA, Mode: ModeResourceRequired},
			Result{Allowed: true, ResourceAllows: true}},
		{"trust names the user, same account",
			Input{Request: &Request{Principal: userAlice, Action: "sts:AssumeRole", Resource: targetA},
				Resource: p(KindTrust, trust(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`)), ResourceAccount: acctA, Mode: ModeResourceRequired},
			Result{Allowed: true, ResourceAllows: true}},
		{"trust names the account: identity must allow (it does not)",
			Input{Request: &Request{Principal: userAlice, Action: "sts:AssumeRole", Resource: targetA},
				Resource: p(KindTrust, trust(`{"AWS":"111122223333"}`)), ResourceAccount: acctA, Mode: ModeResourceRequired},
			Result{ResourceAllows: true}},
		{"trust names the account: identity allows",
			Input{Request: &Request{Principal: userAlice, Action: "sts:AssumeRole", Resource: targetA},
				Identity: ids(allowSTS), Resource: p(KindTrust, trust(`{"AWS":"111122223333"}`)), ResourceAccount: acctA, Mode: ModeResourceRequired},
			Result{Allowed: true, IdentityAllows: true, ResourceAllows: true}},
		{"trust does not name the caller: identity allow is not enough",
			Input{Request: &Request{Principal: userAlice, Action: "sts:AssumeRole", Resource: targetA},
				Identity: ids(allowSTS), Resource: p(KindTrust, trust(`{"Service":"ec2.amazonaws.com"}`)), ResourceAccount: acctA, Mode: ModeResourceRequired},
			Result{IdentityAllows: true}},
		{"cross-account trust names the role: identity must allow too (it does)",
			Input{Request: &Request{Principal: session, Action: "sts:AssumeRole", Resource: targetB},
				Identity: ids(allowSTSB), Resource: p(KindTrust, trust(`{"AWS":"arn:aws:iam::111122223333:role/ops/Deployer"}`)), ResourceAccount: acctB, Mode: ModeResourceRequired},
			Result{Allowed: true, IdentityAllows: true, ResourceAllows: true}},
		{"cross-account trust names the role: identity silent",
			Input{Request: &Request{Principal: session, Action: "sts:AssumeRole", Resource: targetB},
				Resource: p(KindTrust, trust(`{"AWS":"arn:aws:iam::111122223333:role/ops/Deployer"}`)), ResourceAccount: acctB, Mode: ModeResourceRequired},
			Result{ResourceAllows: true}},
		{"cross-account trust names the account root, identity allows",
			Input{Request: &Request{Principal: userAlice, Action: "sts:AssumeRole", Resource: targetB},
				Identity: ids(allowSTS), Resource: p(KindTrust, trust(`{"AWS":"arn:aws:iam::111122223333:root"}`)), ResourceAccount: acctB, Mode: ModeResourceRequired},
			Result{Allowed: true, IdentityAllows: true, ResourceAllows: true}},
		{"trust with ExternalId condition, missing id",
			Input{Request: &Request{Principal: userAlice, Action: "sts:AssumeRole", Resource: targetB},
				Identity: ids(allowSTS), ResourceAccount: acctB, Mode: ModeResourceRequired,
				Resource: p(KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"s3cr3t"}}}}`)},
			Result{IdentityAllows: true}},
		{"trust with ExternalId condition, right id",
			Input{Request: &Request{Principal: userAlice, Action: "sts:AssumeRole", Resource: targetB, Context: ctxOf("sts:ExternalId", "s3cr3t")},
				Identity: ids(allowSTS), ResourceAccount: acctB, Mode: ModeResourceRequired,
				Resource: p(KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"s3cr3t"}}}}`)},
			Result{Allowed: true, IdentityAllows: true, ResourceAllows: true}},
		{"service assumes role via trust",
			Input{Request: &Request{Principal: ec2Svc, Action: "sts:AssumeRole", Resource: targetA},
				Resource: p(KindTrust, trust(`{"Service":"ec2.amazonaws.com"}`)), ResourceAccount: acctA, Mode: ModeResourceRequired},
			Result{Allowed: true, ResourceAllows: true}},
		{"other service is refused",
			Input{Request: &Request{Principal: Principal{Service: "lambda.amazonaws.com"}, Action: "sts:AssumeRole", Resource: targetA},
				Resource: p(KindTrust, trust(`{"Service":"ec2.amazonaws.com"}`)), ResourceAccount: acctA, Mode: ModeResourceRequired},
			Result{}},
		{"web identity via federated principal",
			Input{Request: &Request{Principal: Principal{Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
				Action: "sts:AssumeRoleWithWebIdentity", Resource: targetA,
				Context: ctxOf("token.actions.githubusercontent.com:sub", "repo:org/repo:ref:refs/heads/main")},
				ResourceAccount: acctA, Mode: ModeResourceRequired,
				Resource: p(KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow",
					"Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
					"Action":"sts:AssumeRoleWithWebIdentity",
					"Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:org/repo:*"}}}}`)},
			Result{Allowed: true, ResourceAllows: true}},
		{"no trust policy at all",
			Input{Request: &Request{Principal: userAlice, Action: "sts:AssumeRole", Resource: targetA},
				Identity: ids(allowSTS), ResourceAccount: acctA, Mode: ModeResourceRequired},
			Result{IdentityAllows: true}},

		// KMS key policies.
		{"default key policy + identity allow",
			Input{Request: &Request{Principal: session, Action: "kms:Decrypt", Resource: keyA},
				Identity: ids(allowKMS), Resource: p(KindResource, defaultKeyPolicy), ResourceAccount: acctA, Mode: ModeResourceRequired},
			Result{Allowed: true, IdentityAllows: true, ResourceAllows: true}},
		{"default key policy without identity allow",
			Input{Request: &Request{Principal: session, Action: "kms:Decrypt", Resource: keyA},
				Resource: p(KindResource, defaultKeyPolicy), ResourceAccount: acctA, Mode: ModeResourceRequired},
			Result{ResourceAllows: true}},
		{"key policy grants the role directly",
			Input{Request: &Request{Principal: session, Action: "kms:Decrypt", Resource: keyA}, ResourceAccount: acctA, Mode: ModeResourceRequired,
				Resource: p(KindResource, `{"Version":"2012-10-17","Statement":{"Sid":"AllowUse","Effect":"Allow",
					"Principal":{"AWS":"arn:aws:iam::111122223333:role/ops/Deployer"},"Action":["kms:Decrypt","kms:Encrypt"],"Resource":"*"}}`)},
			Result{Allowed: true, ResourceAllows: true}},
		{"key policy without the account statement: identity allow alone is not enough",
			Input{Request: &Request{Principal: userAlice, Action: "kms:Decrypt", Resource: keyA}, ResourceAccount: acctA, Mode: ModeResourceRequired,
				Identity: ids(allowKMS),
				Resource: p(KindResource, `{"Version":"2012-10-17","Statement":{"Effect":"Allow",
					"Principal":{"AWS":"arn:aws:iam::111122223333:role/ops/Deployer"},"Action":"kms:*","Resource":"*"}}`)},
			Result{IdentityAllows: true}},
		{"cross-account key use: key policy trusts account, identity allows",
			Input{Request: &Request{Principal: userBob, Action: "kms:Decrypt", Resource: keyA}, ResourceAccount: acctA, Mode: ModeResourceRequired,
				Identity: ids(allowKMS),
				Resource: p(KindResource, `{"Version":"2012-10-17","Statement":[`+
					`{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},`+
					`{"Sid":"Allow use by B","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:Decrypt","Resource":"*"}]}`)},
			Result{Allowed: true, IdentityAllows: true, ResourceAllows: true}},

		// Service principals against resource policies.
		{"service principal allowed by resource policy",
			Input{Request: &Request{Principal: Principal{Service: "rds.amazonaws.com"}, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				Resource: p(KindResource, resPolicy(`{"Service":"rds.amazonaws.com"}`, "Allow")), ResourceAccount: acctA},
			Result{Allowed: true, ResourceAllows: true}},
		{"service principal without resource policy",
			Input{Request: &Request{Principal: Principal{Service: "rds.amazonaws.com"}, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				ResourceAccount: acctA},
			Result{}},
		{"service principal ignores identity documents",
			Input{Request: &Request{Principal: Principal{Service: "rds.amazonaws.com"}, Action: "secretsmanager:GetSecretValue", Resource: secretA},
				Identity: ids(denyGet), Resource: p(KindResource, resPolicy(`"*"`, "Allow")), ResourceAccount: acctA},
			Result{Allowed: true, ResourceAllows: true}},

		{"nil request", Input{}, Result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Authorize(tt.in)); diff != "" {
				t.Errorf("Authorize mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAuthorizeManaged exercises Authorize with the embedded AWS managed policies.
func TestAuthorizeManaged(t *testing.T) {
	ro, ok := AWSManaged("arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess")
	if !ok {
		t.Fatal("AmazonRDSReadOnlyAccess missing")
	}
	full, _ := AWSManaged("arn:aws:iam::aws:policy/AmazonRDSFullAccess")
	req := func(action string) *Request {
		return &Request{Principal: session, Action: action, Resource: "arn:aws:rds:us-east-1:111122223333:db:orders"}
	}
	for _, tt := range []struct {
		docs   []*Document
		action string
		want   bool
	}{
		{[]*Document{ro}, "rds:DescribeDBInstances", true},
		{[]*Document{ro}, "rds:ListTagsForResource", true},
		{[]*Document{ro}, "rds:CreateDBInstance", false},
		{[]*Document{ro}, "rds:DeleteDBInstance", false},
		{[]*Document{full}, "rds:DeleteDBInstance", true},
		{[]*Document{ro, full}, "rds:ModifyDBInstance", true},
	} {
		if got := Authorize(Input{Request: req(tt.action), Identity: tt.docs, ResourceAccount: acctA}).Allowed; got != tt.want {
			t.Errorf("%s: Allowed = %v, want %v", tt.action, got, tt.want)
		}
	}
}
