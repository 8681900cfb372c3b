package policy

import "testing"

func TestMatchAction(t *testing.T) {
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"*", "rds:CreateDBInstance", true},
		{"rds:*", "rds:CreateDBInstance", true},
		{"rds:Describe*", "rds:DescribeDBInstances", true},
		{"rds:describe*", "RDS:DESCRIBEDBINSTANCES", true},
		{"rds:Describe*", "rds:CreateDBInstance", false},
		{"rds:*DB*", "rds:ModifyDBCluster", true},
		{"iam:Get?ser", "iam:GetUser", true},
		{"iam:Get?ser", "iam:GetUsers", false},
		{"s3:GetObject", "s3:GetObjectAcl", false},
		{"*:Describe*", "ec2:DescribeVpcs", true},
		{"sts:AssumeRole", "sts:AssumeRoleWithSAML", false},
	}
	for _, tt := range tests {
		if got := matchAction(tt.pattern, tt.action); got != tt.want {
			t.Errorf("matchAction(%q, %q) = %v, want %v", tt.pattern, tt.action, got, tt.want)
		}
	}
}

func TestMatchResource(t *testing.T) {
	ctx := ctxOf("aws:username", "alice", "aws:PrincipalTag/team", "blue", "aws:userid", "AIDAEXAMPLE:alice",
		"aws:PrincipalAccount", "111122223333", "aws:TagKeys", []string{"a", "b"})
	tests := []struct {
		name              string
		pattern, resource string
		vars              bool
		want              bool
	}{
		{"star", "*", "arn:aws:rds:us-east-1:111122223333:db:x", true, true},
		{"star matches star", "*", "*", true, true},
		{"arn pattern does not match star", "arn:aws:rds:*:*:db:*", "*", true, false},
		{"wildcard spans colons", "arn:aws:rds:*", "arn:aws:rds:us-east-1:111122223333:db:x", true, true},
		{"case-sensitive", "arn:aws:rds:*:*:db:Prod*", "arn:aws:rds:us-east-1:111122223333:db:prod-1", true, false},
		{"question mark", "arn:aws:s3:::bucket-?", "arn:aws:s3:::bucket-a", true, true},
		{"username variable", "arn:aws:iam::111122223333:user/${aws:username}", "arn:aws:iam::111122223333:user/alice", true, true},
		{"username variable other user", "arn:aws:iam::111122223333:user/${aws:username}", "arn:aws:iam::111122223333:user/bob", true, false},
		{"variables off (2008-10-17)", "arn:aws:iam::111122223333:user/${aws:username}", "arn:aws:iam::111122223333:user/alice", false, false},
		{"2008 keeps text literally", "arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/${aws:username}", false, true},
		{"principal tag", "arn:aws:s3:::b/${aws:PrincipalTag/team}/*", "arn:aws:s3:::b/blue/x", true, true},
		{"userid", "arn:aws:s3:::b/${aws:userid}", "arn:aws:s3:::b/AIDAEXAMPLE:alice", true, true},
		{"account variable", "arn:aws:secretsmanager:*:${aws:PrincipalAccount}:secret:*", "arn:aws:secretsmanager:us-east-1:111122223333:secret:s-AbCdEf", true, true},
		{"missing variable never matches", "arn:aws:s3:::b/${aws:PrincipalTag/none}*", "arn:aws:s3:::b/x", true, false},
		{"variable key case-insensitive", "arn:aws:s3:::b/${AWS:UserName}", "arn:aws:s3:::b/alice", true, true},
		{"default value", "arn:aws:s3:::b/${aws:PrincipalTag/none, 'shared'}/*", "arn:aws:s3:::b/shared/x", true, true},
		{"escape star is literal", "arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", true, true},
		{"escape star is not a wildcard", "arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x", true, false},
		{"escape question and dollar", "arn:aws:s3:::b/${?}${$}", "arn:aws:s3:::b/?$", true, true},
		{"unterminated variable is text", "arn:aws:s3:::b/${aws:username", "arn:aws:s3:::b/${aws:username", true, true},
		{"multi-valued key is not a variable", "arn:aws:s3:::b/${aws:TagKeys}", "arn:aws:s3:::b/a", true, false},
		{"substituted value is literal", "arn:aws:s3:::b/${k:v}", "arn:aws:s3:::b/xyz", true, false},
	}
	ctx.Set("k:v", "x*")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := matchResource(tt.pattern, tt.resource, tt.vars, ctx); got != tt.want {
				t.Errorf("matchResource(%q, %q) = %v, want %v", tt.pattern, tt.resource, got, tt.want)
			}
		})
	}
}

func TestGlobBacktracking(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"*ab", "aab", true},
		{"??", "é!", true},
	}
	for _, tt := range tests {
		if got := literalGlob(tt.pattern).match(tt.s); got != tt.want {
			t.Errorf("glob(%q).match(%q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}
