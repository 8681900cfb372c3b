package policy

import (
	"sort"
	"strings"
	"testing"
)

func TestAWSManaged(t *testing.T) {
	managedOnce.Do(loadManaged)
	if managedErr != nil {
		t.Fatalf("embedded managed policy failed to load: %v", managedErr)
	}
	arns := AWSManagedARNs()
	if len(arns) != len(managedCatalog) {
		t.Fatalf("AWSManagedARNs has %d entries, catalog %d", len(arns), len(managedCatalog))
	}
	if !sort.StringsAreSorted(arns) {
		t.Error("AWSManagedARNs not sorted")
	}
	for _, want := range []string{
		"arn:aws:iam::aws:policy/AdministratorAccess",
		"arn:aws:iam::aws:policy/AmazonRDSFullAccess",
		"arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess",
		"arn:aws:iam::aws:policy/IAMFullAccess",
		"arn:aws:iam::aws:policy/IAMReadOnlyAccess",
		"arn:aws:iam::aws:policy/AmazonVPCFullAccess",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
		"arn:aws:iam::aws:policy/SecretsManagerReadWrite",
	} {
		d, ok := AWSManaged(want)
		if !ok {
			t.Errorf("%s missing", want)
			continue
		}
		if d.Version != "2012-10-17" || d.Raw == "" || len(d.Statements) == 0 {
			t.Errorf("%s: unexpected document %+v", want, d)
		}
		// Every managed policy must also be acceptable to CreatePolicy.
		if _, err := Parse(d.Raw, KindIdentity); err != nil {
			t.Errorf("%s: %v", want, err)
		}
		info, ok := AWSManagedInfo(want)
		if !ok || info.ARN != want || !strings.HasSuffix(want, info.Path+info.Name) || info.VersionID == "" || info.Description == "" {
			t.Errorf("%s: info %+v", want, info)
		}
	}
	if _, ok := AWSManaged("arn:aws:iam::aws:policy/NoSuchPolicy"); ok {
		t.Error("unknown policy found")
	}
	if _, ok := AWSManagedInfo("arn:aws:iam::aws:policy/NoSuchPolicy"); ok {
		t.Error("unknown policy info found")
	}

	// Every embedded file is in the catalog.
	entries, err := managedFS.ReadDir("managed")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(managedCatalog) {
		t.Errorf("%d embedded files, %d catalog entries", len(entries), len(managedCatalog))
	}
}

func TestAWSManagedSemantics(t *testing.T) {
	get := func(name string) *Document {
		d, ok := AWSManaged("arn:aws:iam::aws:policy/" + name)
		if !ok {
			t.Fatalf("%s missing", name)
		}
		return d
	}
	tests := []struct {
		policy, action, resource string
		ctx                      Context
		want                     Effect
	}{
		{"AdministratorAccess", "iam:CreateUser", "arn:aws:iam::111122223333:user/x", nil, Allow},
		{"IAMReadOnlyAccess", "iam:GetRole", "arn:aws:iam::111122223333:role/x", nil, Allow},
		{"IAMReadOnlyAccess", "iam:CreateRole", "arn:aws:iam::111122223333:role/x", nil, NotApplicable},
		{"IAMFullAccess", "iam:PutRolePolicy", "arn:aws:iam::111122223333:role/x", nil, Allow},
		{"AmazonVPCFullAccess", "ec2:CreateSecurityGroup", "*", nil, Allow},
		{"AmazonVPCFullAccess", "ec2:RunInstances", "*", nil, NotApplicable},
		{"service-role/AWSLambdaBasicExecutionRole", "logs:PutLogEvents", "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/f:*", nil, Allow},
		{"SecretsManagerReadWrite", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:111122223333:secret:x", nil, Allow},
		{"SecretsManagerReadWrite", "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:111122223333:function:SecretsManagerRotate", nil, Allow},
		{"SecretsManagerReadWrite", "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:111122223333:function:other", nil, NotApplicable},
		{"AmazonRDSFullAccess", "iam:CreateServiceLinkedRole", "*", ctxOf("iam:AWSServiceName", "rds.amazonaws.com"), Allow},
		{"AmazonRDSFullAccess", "iam:CreateServiceLinkedRole", "*", ctxOf("iam:AWSServiceName", "ec2.amazonaws.com"), NotApplicable},
		{"AmazonRDSReadOnlyAccess", "devops-guru:SearchInsights", "*", ctxOf("devops-guru:ServiceNames", []string{"RDS"}), Allow},
		{"AmazonRDSReadOnlyAccess", "devops-guru:SearchInsights", "*", nil, NotApplicable},
		{"AmazonRDSReadOnlyAccess", "devops-guru:SearchInsights", "*", ctxOf("devops-guru:ServiceNames", []string{"RDS", "EC2"}), NotApplicable},
	}
	for _, tt := range tests {
		got, _ := get(tt.policy).Evaluate(&Request{Principal: userAlice, Action: tt.action, Resource: tt.resource, Context: tt.ctx})
		if got != tt.want {
			t.Errorf("%s %s on %s = %v, want %v", tt.policy, tt.action, tt.resource, got, tt.want)
		}
	}
}
