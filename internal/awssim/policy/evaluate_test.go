package policy

import "testing"

const (
	acctA = "111122223333"
	acctB = "444455556666"
)

var (
	userAlice = Principal{Account: acctA, ARN: "arn:aws:iam::111122223333:user/alice", EntityARN: "arn:aws:iam::111122223333:user/alice"}
	session   = Principal{Account: acctA, ARN: "arn:aws:sts::111122223333:assumed-role/Deployer/ci-run", EntityARN: "arn:aws:iam::111122223333:role/ops/Deployer"}
	rootA     = Principal{Account: acctA, ARN: "arn:aws:iam::111122223333:root", EntityARN: "arn:aws:iam::111122223333:root"}
	userBob   = Principal{Account: acctB, ARN: "arn:aws:iam::444455556666:user/bob", EntityARN: "arn:aws:iam::444455556666:user/bob"}
	ec2Svc    = Principal{Service: "ec2.amazonaws.com"}
)

func mustParse(t *testing.T, kind Kind, doc string) *Document {
	t.Helper()
	d, err := Parse(doc, kind)
	if err != nil {
		t.Fatalf("Parse(%s): %v", doc, err)
	}
	return d
}

func TestEvaluateIdentity(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"rds:Describe*","Resource":"*"},
		{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"arn:aws:s3:::*"},
		{"Effect":"Deny","Action":"rds:DescribeDBLogFiles","Resource":"*"},
		{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::public","arn:aws:s3:::public/*"],
		 "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
		{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`
	d := mustParse(t, KindIdentity, doc)
	tests := []struct {
		name     string
		action   string
		resource string
		ctx      Context
		want     Effect
	}{
		{"wildcard action", "rds:DescribeDBInstances", "arn:aws:rds:us-east-1:111122223333:db:x", nil, Allow},
		{"action case-insensitive", "RDS:describedbclusters", "*", nil, Allow},
		{"no statement", "rds:CreateDBInstance", "*", nil, NotApplicable},
		{"explicit deny beats allow", "rds:DescribeDBLogFiles", "*", nil, Deny},
		{"NotAction allows others", "s3:GetObject", "arn:aws:s3:::bucket/key", ctxOf("aws:SecureTransport", "true"), Allow},
		{"NotAction excludes", "iam:CreateUser", "arn:aws:s3:::bucket", nil, NotApplicable},
		{"NotResource deny applies", "s3:GetObject", "arn:aws:s3:::private/x", ctxOf("aws:SecureTransport", "false"), Deny},
		{"NotResource deny skips listed", "s3:GetObject", "arn:aws:s3:::public/x", ctxOf("aws:SecureTransport", "false"), Allow},
		{"deny condition false", "s3:GetObject", "arn:aws:s3:::private/x", ctxOf("aws:SecureTransport", "true"), Allow},
		{"variable resource", "s3:PutObject", "arn:aws:s3:::home/alice/f", ctxOf("aws:username", "alice", "aws:SecureTransport", "true"), Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, via := d.Evaluate(&Request{Principal: userAlice, Action: tt.action, Resource: tt.resource, Context: tt.ctx})
			if got != tt.want || via {
				t.Errorf("Evaluate = %v, %v; want %v, false", got, via, tt.want)
			}
		})
	}
}

func TestEvaluateNil(t *testing.T) {
	var d *Document
	if e, _ := d.Evaluate(&Request{}); e != NotApplicable {
		t.Error("nil document applied")
	}
	d = &Document{Statements: []Statement{{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}}}}
	if e, _ := d.Evaluate(nil); e != NotApplicable {
		t.Error("nil request applied")
	}
	if Allow.String() != "Allow" || Deny.String() != "Deny" || NotApplicable.String() != "NotApplicable" {
		t.Error("Effect.String")
	}
}

func TestEvaluatePrincipals(t *testing.T) {
	stmt := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}}`
	}
	tests := []struct {
		name      string
		principal string
		caller    Principal
		want      Effect
		viaAcct   bool
	}{
		{"star matches user", `"*"`, userAlice, Allow, false},
		{"star matches service", `"*"`, ec2Svc, Allow, false},
		{"AWS star", `{"AWS":"*"}`, userBob, Allow, false},
		{"bare account id", `{"AWS":"111122223333"}`, userAlice, Allow, true},
		{"root arn", `{"AWS":"arn:aws:iam::111122223333:root"}`, session, Allow, true},
		{"root arn other account", `{"AWS":"arn:aws:iam::111122223333:root"}`, userBob, NotApplicable, false},
		{"account principal does not match services", `{"AWS":"111122223333"}`, ec2Svc, NotApplicable, false},
		{"user arn", `{"AWS":"arn:aws:iam::111122223333:user/alice"}`, userAlice, Allow, false},
		{"other user arn", `{"AWS":"arn:aws:iam::111122223333:user/carol"}`, userAlice, NotApplicable, false},
		{"role arn matches its sessions", `{"AWS":"arn:aws:iam::111122223333:role/ops/Deployer"}`, session, Allow, false},
		{"role arn without path does not match", `{"AWS":"arn:aws:iam::111122223333:role/Deployer"}`, session, NotApplicable, false},
		{"session arn exact", `{"AWS":"arn:aws:sts::111122223333:assumed-role/Deployer/ci-run"}`, session, Allow, false},
		{"other session", `{"AWS":"arn:aws:sts::111122223333:assumed-role/Deployer/other"}`, session, NotApplicable, false},
		{"root and role: direct wins", `{"AWS":["111122223333","arn:aws:iam::111122223333:role/ops/Deployer"]}`, session, Allow, false},
		{"service", `{"Service":"ec2.amazonaws.com"}`, ec2Svc, Allow, false},
		{"service list", `{"Service":["lambda.amazonaws.com","ec2.amazonaws.com"]}`, ec2Svc, Allow, false},
		{"wrong service", `{"Service":"lambda.amazonaws.com"}`, ec2Svc, NotApplicable, false},
		{"service principal does not match users", `{"Service":"ec2.amazonaws.com"}`, userAlice, NotApplicable, false},
		{"federated", `{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}`,
			Principal{Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}, Allow, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, KindTrust, stmt(tt.principal))
			got, via := d.Evaluate(&Request{Principal: tt.caller, Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/Target"})
			if got != tt.want || via != tt.viaAcct {
				t.Errorf("Evaluate = %v, %v; want %v, %v", got, via, tt.want, tt.viaAcct)
			}
		})
	}
}

func TestEvaluateNotPrincipal(t *testing.T) {
	deny := func(notPrincipal string) *Document {
		return mustParse(t, KindResource, `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"secretsmanager:GetSecretValue","Resource":"*"},
			{"Effect":"Deny","NotPrincipal":`+notPrincipal+`,"Action":"secretsmanager:*","Resource":"*"}]}`)
	}
	tests := []struct {
		name   string
		np     string
		caller Principal
		want   Effect
	}{
		{"user and account listed: exempt", `{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:root"]}`, userAlice, Allow},
		{"user without account: still denied", `{"AWS":"arn:aws:iam::111122223333:user/alice"}`, userAlice, Deny},
		{"other user denied", `{"AWS":["arn:aws:iam::111122223333:user/carol","111122223333"]}`, userAlice, Deny},
		{"role and account listed: session exempt", `{"AWS":["arn:aws:iam::111122223333:role/ops/Deployer","111122223333"]}`, session, Allow},
		{"session, role and account listed", `{"AWS":["arn:aws:sts::111122223333:assumed-role/Deployer/ci-run","arn:aws:iam::111122223333:role/ops/Deployer","arn:aws:iam::111122223333:root"]}`, session, Allow},
		{"account only exempts root", `{"AWS":"111122223333"}`, rootA, Allow},
		{"account only does not exempt users", `{"AWS":"111122223333"}`, userAlice, Deny},
		{"wildcard exempts everyone", `"*"`, userAlice, Allow},
		{"service exempt", `{"Service":"ec2.amazonaws.com"}`, ec2Svc, NotApplicable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := deny(tt.np).Evaluate(&Request{Principal: tt.caller, Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:us-east-1:111122223333:secret:s"})
			if got != tt.want {
				t.Errorf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}
