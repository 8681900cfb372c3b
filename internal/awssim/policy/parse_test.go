package policy

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseQuirks(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		doc  string
		want *Document
	}{
		{
			name: "statement object and string action/resource",
			kind: KindIdentity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"rds:Describe*","Resource":"*"}}`,
			want: &Document{Version: "2012-10-17", Statements: []Statement{
				{Effect: "Allow", Action: []string{"rds:Describe*"}, Resource: []string{"*"}},
			}},
		},
		{
			name: "version absent, id, sid, arrays",
			kind: KindIdentity,
			doc: `{"Id":"doc1","Statement":[{"Sid":"S1","Effect":"Deny","NotAction":["iam:*","sts:*"],
				"NotResource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`,
			want: &Document{ID: "doc1", Statements: []Statement{
				{Sid: "S1", Effect: "Deny", NotAction: []string{"iam:*", "sts:*"},
					NotResource: []string{"arn:aws:s3:::b", "arn:aws:s3:::b/*"}},
			}},
		},
		{
			name: "condition values: string, bool, number, arrays; order kept",
			kind: KindIdentity,
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
				"Bool":{"aws:SecureTransport":true},
				"NumericLessThan":{"s3:max-keys":10,"x:y":[1.5,"2"]},
				"ForAnyValue:StringLike":{"aws:TagKeys":["team*","env"]},
				"Null":{"aws:TokenIssueTime":"false"}}}]}`,
			want: &Document{Version: "2012-10-17", Statements: []Statement{{
				Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"},
				Conditions: []Condition{
					{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"true"}},
					{Operator: "NumericLessThan", Key: "s3:max-keys", Values: []string{"10"}},
					{Operator: "NumericLessThan", Key: "x:y", Values: []string{"1.5", "2"}},
					{Operator: "ForAnyValue:StringLike", Key: "aws:TagKeys", Values: []string{"team*", "env"}},
					{Operator: "Null", Key: "aws:TokenIssueTime", Values: []string{"false"}},
				},
			}}},
		},
		{
			name: "unknown operator with an empty block is ignored",
			kind: KindIdentity,
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bogus":{}}}}`,
			want: &Document{Version: "2012-10-17", Statements: []Statement{
				{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}},
			}},
		},
		{
			name: "trust policy: principal string and object, no resource",
			kind: KindTrust,
			doc: `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},
				{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:role/path/R"]},"Action":["sts:AssumeRole","sts:TagSession"]},
				{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole*"}]}`,
			want: &Document{Version: "2012-10-17", Statements: []Statement{
				{Effect: "Allow", Principal: &Principals{Values: map[string][]string{"Service": {"ec2.amazonaws.com"}}}, Action: []string{"sts:AssumeRole"}},
				{Effect: "Allow", Principal: &Principals{Values: map[string][]string{"AWS": {"111122223333", "arn:aws:iam::444455556666:role/path/R"}}},
					Action: []string{"sts:AssumeRole", "sts:TagSession"}},
				{Effect: "Allow", Principal: &Principals{Wildcard: true}, Action: []string{"sts:AssumeRole*"}},
			}},
		},
		{
			name: "KMS key policy with spaces in Sid",
			kind: KindResource,
			doc: `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",
				"Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`,
			want: &Document{Version: "2012-10-17", ID: "key-default-1", Statements: []Statement{
				{Sid: "Enable IAM User Permissions", Effect: "Allow",
					Principal: &Principals{Values: map[string][]string{"AWS": {"arn:aws:iam::111122223333:root"}}},
					Action:    []string{"kms:*"}, Resource: []string{"*"}},
			}},
		},
		{
			name: "resource policy with Deny NotPrincipal",
			kind: KindResource,
			doc: `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root"]},
				"Action":"secretsmanager:*","Resource":"*"}}`,
			want: &Document{Version: "2012-10-17", Statements: []Statement{
				{Effect: "Deny", NotPrincipal: &Principals{Values: map[string][]string{"AWS": {"arn:aws:iam::111122223333:root"}}},
					Action: []string{"secretsmanager:*"}, Resource: []string{"*"}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.doc, tt.kind)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.Raw != tt.doc {
				t.Errorf("Raw not preserved")
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Document{}, "Raw"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	const allow = `"Effect":"Allow","Action":"s3:GetObject","Resource":"*"`
	tests := []struct {
		name string
		kind Kind
		doc  string
		want string
	}{
		// Shape errors.
		{"invalid json", KindIdentity, `{"Version":`, "Syntax errors in policy."},
		{"invalid json trust", KindTrust, `{"Version":"2012-10-17",}`, "This policy contains invalid Json"},
		{"trailing garbage", KindIdentity, `{"Statement":{` + allow + `}} x`, "Syntax errors in policy."},
		{"not an object", KindIdentity, `[]`, "Syntax errors in policy."},
		{"unknown top-level field", KindIdentity, `{"Statement":{` + allow + `},"Foo":1}`, "Syntax errors in policy."},
		{"bad version", KindIdentity, `{"Version":"2012-10-18","Statement":{` + allow + `}}`, "Syntax errors in policy."},
		{"version not string", KindIdentity, `{"Version":2012,"Statement":{` + allow + `}}`, "Syntax errors in policy."},
		{"id not string", KindIdentity, `{"Id":1,"Statement":{` + allow + `}}`, "Syntax errors in policy."},
		{"missing statement", KindIdentity, `{"Version":"2012-10-17"}`, "Syntax errors in policy."},
		{"empty statement list", KindIdentity, `{"Version":"2012-10-17","Statement":[]}`, "Syntax errors in policy."},
		{"statement not object", KindIdentity, `{"Statement":["x"]}`, "Syntax errors in policy."},
		{"unknown statement field", KindIdentity, `{"Statement":{` + allow + `,"Foo":"x"}}`, "Syntax errors in policy."},
		{"field names are case-sensitive", KindIdentity, `{"Statement":{"effect":"Allow","Action":"s3:*","Resource":"*"}}`, "Syntax errors in policy."},
		{"missing effect", KindIdentity, `{"Statement":{"Action":"s3:*","Resource":"*"}}`, "Syntax errors in policy."},
		{"bad effect", KindIdentity, `{"Statement":{"Effect":"Permit","Action":"s3:*","Resource":"*"}}`, "Syntax errors in policy."},
		{"action and notaction", KindIdentity, `{"Statement":{` + allow + `,"NotAction":"s3:*"}}`, "Syntax errors in policy."},
		{"resource and notresource", KindIdentity, `{"Statement":{` + allow + `,"NotResource":"*"}}`, "Syntax errors in policy."},
		{"action number", KindIdentity, `{"Statement":{"Effect":"Allow","Action":1,"Resource":"*"}}`, "Syntax errors in policy."},
		{"action list with number", KindIdentity, `{"Statement":{"Effect":"Allow","Action":["s3:*",1],"Resource":"*"}}`, "Syntax errors in policy."},
		{"sid not string", KindIdentity, `{"Statement":{"Sid":1,` + allow + `}}`, "Syntax errors in policy."},
		{"condition not object", KindIdentity, `{"Statement":{` + allow + `,"Condition":[]}}`, "Syntax errors in policy."},
		{"condition block not object", KindIdentity, `{"Statement":{` + allow + `,"Condition":{"StringEquals":"x"}}}`, "Syntax errors in policy."},
		{"unknown condition operator", KindIdentity, `{"Statement":{` + allow + `,"Condition":{"StringEqualz":{"a:b":"c"}}}}`, "Syntax errors in policy."},
		{"NullIfExists is not an operator", KindIdentity, `{"Statement":{` + allow + `,"Condition":{"NullIfExists":{"a:b":"true"}}}}`, "Syntax errors in policy."},
		{"condition value object", KindIdentity, `{"Statement":{` + allow + `,"Condition":{"StringEquals":{"a:b":{"c":"d"}}}}}`, "Syntax errors in policy."},
		{"condition value null", KindIdentity, `{"Statement":{` + allow + `,"Condition":{"StringEquals":{"a:b":null}}}}`, "Syntax errors in policy."},
		{"principal and notprincipal", KindResource, `{"Statement":{` + allow + `,"Principal":"*","NotPrincipal":"*"}}`, "Syntax errors in policy."},
		{"principal string not star", KindResource, `{"Statement":{` + allow + `,"Principal":"111122223333"}}`, "Syntax errors in policy."},
		{"principal unknown type", KindResource, `{"Statement":{` + allow + `,"Principal":{"User":"x"}}}`, "Syntax errors in policy."},
		{"principal empty object", KindResource, `{"Statement":{` + allow + `,"Principal":{}}}`, "Syntax errors in policy."},

		// Legacy parser.
		{"effect wrong case", KindIdentity, `{"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}`, "The policy failed legacy parsing"},
		{"bad date", KindIdentity, `{"Statement":{` + allow + `,"Condition":{"DateGreaterThan":{"aws:CurrentTime":"yesterday"}}}}`, "The policy failed legacy parsing"},
		{"short arn with ::", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3::bucket"}}`, "The policy failed legacy parsing"},
		{"arn without service", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws::us-east-1:1:x"}}`, "The policy failed legacy parsing"},

		// Statement-level checks, in AWS's order.
		{"sid not alphanumeric", KindIdentity, `{"Statement":{"Sid":"my sid",` + allow + `}}`, "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"},
		{"duplicate sid", KindIdentity, `{"Statement":[{"Sid":"A",` + allow + `},{"Sid":"A",` + allow + `}]}`, "Statement IDs (SID) in a single policy must be unique."},
		{"identity with principal", KindIdentity, `{"Statement":{` + allow + `,"Principal":"*"}}`, "Policy document should not specify a principal."},
		{"identity with notprincipal", KindIdentity, `{"Statement":{` + allow + `,"NotPrincipal":{"AWS":"111122223333"}}}`, "Policy document should not specify a principal."},
		{"missing action", KindIdentity, `{"Statement":{"Effect":"Allow","Resource":"*"}}`, "Policy statement must contain actions."},
		{"empty action list", KindIdentity, `{"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`, "Policy statement must contain actions."},
		{"missing resource", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s3:*"}}`, "Policy statement must contain resources."},
		{"empty resource list", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":[]}}`, "Policy statement must contain resources."},
		{"resource policy missing resource", KindResource, `{"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*"}}`, "Policy statement must contain resources."},
		{"resource not arn", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}}`, `Resource bucket must be in ARN format or "*".`},
		{"bad partition", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws-foo:s3:::b"}}`, `Partition "aws-foo" is not valid for resource "arn:aws-foo:s3:::b".`},
		{"vendor missing", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws"}}`, "Resource vendor must be fully qualified and cannot contain regexes."},
		{"iam with region", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam:us-east-1:111122223333:role/x"}}`, "IAM resource arn:aws:iam:us-east-1:111122223333:role/x cannot contain region information."},
		{"s3 with region", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:us-east-1::b"}}`, "Resource arn:aws:s3:us-east-1::b can not contain region information."},
		{"iam bad path", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::111122223333:bogus/x"}}`, `IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`},
		{"action without vendor", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"action two colons", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}}`, "Actions/Condition can contain only one colon."},
		{"bad vendor", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s 3:GetObject","Resource":"*"}}`, "Vendor s 3 is not valid"},

		// Trust policies.
		{"trust with resource", KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}`, "Has prohibited field Resource"},
		{"trust with notprincipal", KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}`, "Has prohibited field NotPrincipal"},
		{"trust missing principal", KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, "Missing required field Principal"},
		{"trust non-sts action", KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject"}}`, "AssumeRole policy may only specify STS AssumeRole actions."},
		{"trust other sts action", KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:GetSessionToken"}}`, "AssumeRole policy may only specify STS AssumeRole actions."},
		{"trust missing action", KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"}}}`, "Policy statement must contain actions."},
		{"trust bad aws principal", KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"x"},"Action":"sts:AssumeRole"}}`, `Invalid principal in policy: "AWS":"x"`},
		{"trust wildcard in principal arn", KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/*"},"Action":"sts:AssumeRole"}}`, `Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:role/*"`},
		{"trust bad service", KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.co"},"Action":"sts:AssumeRole"}}`, `Invalid principal in policy: "SERVICE":"ec2.amazonaws.co"`},
		{"trust bad federated", KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`, `Invalid principal in policy: "FEDERATED":"example.com"`},

		// Resource policies.
		{"resource policy missing principal", KindResource, `{"Version":"2012-10-17","Statement":{` + allow + `}}`, "Missing required field Principal"},
		{"resource policy bad principal", KindResource, `{"Version":"2012-10-17","Statement":{` + allow + `,"Principal":{"AWS":"1234"}}}`, `Invalid principal in policy: "AWS":"1234"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(tt.doc, tt.kind)
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", d)
			}
			var me *MalformedError
			if !errors.As(err, &me) {
				t.Fatalf("error %T is not *MalformedError", err)
			}
			if me.Message != tt.want {
				t.Errorf("message:\n got %q\nwant %q", me.Message, tt.want)
			}
			if msg, ok := IsMalformed(err); !ok || msg != tt.want || err.Error() != tt.want {
				t.Errorf("IsMalformed/Error() = %q, %v", msg, ok)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		doc  string
	}{
		{"2008 version", KindIdentity, `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}}`},
		{"empty sid", KindIdentity, `{"Statement":[{"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
		{"wildcard vendor", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"*:Describe*","Resource":"*"}}`},
		{"iam wildcard resource", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::111122223333:*"}}`},
		{"date forms", KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":["2030-01-01","2030-01-01T00:00:00Z","2030-01-01T00:00:00.123+02:00","1893456000"]}}}}`},
		{"date with variable", KindIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"${aws:EpochTime}"}}}}`},
		{"trust sts wildcards", KindTrust, `{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sts:*","sts:AssumeRoleWith*","*"]}}`},
		{"trust all principal types", KindTrust, `{"Statement":[
			{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:user/a/b","arn:aws:sts::111122223333:assumed-role/R/s","AROAEXAMPLEEXAMPLE123"]},"Action":"sts:AssumeRole"},
			{"Effect":"Allow","Principal":{"Federated":["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com","cognito-identity.amazonaws.com"]},"Action":"sts:AssumeRoleWithWebIdentity"},
			{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession","sts:SetSourceIdentity"]}]}`},
		{"resource policy NotPrincipal deny", KindResource, `{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"secretsmanager:*","Resource":"*"}}`},
		{"duplicate keys: last wins", KindIdentity, `{"Statement":{"Effect":"Deny","Effect":"Allow","Action":"s3:*","Resource":"*"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(tt.doc, tt.kind); err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}

func TestRequireCurrentVersion(t *testing.T) {
	for _, tt := range []struct {
		doc     string
		wantErr bool
	}{
		{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, false},
		{`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, true},
		{`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, true},
	} {
		d, err := Parse(tt.doc, KindIdentity)
		if err != nil {
			t.Fatal(err)
		}
		err = d.RequireCurrentVersion()
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v", tt.doc, err)
		}
		if err != nil && err.Error() != "Policy document must be version 2012-10-17 or greater." {
			t.Errorf("message %q", err)
		}
	}
}

func TestAWSPrincipals(t *testing.T) {
	d, err := Parse(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/A","111122223333"]},"Action":"sts:AssumeRole"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/A","Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, KindTrust)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"arn:aws:iam::111122223333:role/A", "111122223333"}
	if diff := cmp.Diff(want, d.AWSPrincipals()); diff != "" {
		t.Error(diff)
	}
	if got := InvalidPrincipalError("AWS", "arn:aws:iam::111122223333:role/Gone").Error(); got != `Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:role/Gone"` {
		t.Error(got)
	}
}
