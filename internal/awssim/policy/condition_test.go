package policy

import "testing"

// ctxOf builds a Context from alternating key, value pairs; a value is a
// string or a []string (an empty slice sets the key with no values).
func ctxOf(kv ...any) Context {
	c := Context{}
	for i := 0; i+1 < len(kv); i += 2 {
		switch v := kv[i+1].(type) {
		case string:
			c.Set(kv[i].(string), v)
		case []string:
			c.Set(kv[i].(string), v...)
		}
	}
	return c
}

func TestConditionOperators(t *testing.T) {
	tests := []struct {
		name   string
		op     string
		key    string
		values []string
		ctx    Context
		want   bool
	}{
		// String operators.
		{"StringEquals match", "StringEquals", "aws:username", []string{"alice"}, ctxOf("aws:username", "alice"), true},
		{"StringEquals case-sensitive", "StringEquals", "aws:username", []string{"Alice"}, ctxOf("aws:username", "alice"), false},
		{"StringEquals values OR'ed", "StringEquals", "aws:username", []string{"bob", "alice"}, ctxOf("aws:username", "alice"), true},
		{"StringEquals key case-insensitive", "StringEquals", "AWS:UserName", []string{"alice"}, ctxOf("aws:username", "alice"), true},
		{"StringEquals missing key", "StringEquals", "aws:username", []string{"alice"}, Context{}, false},
		{"StringEquals nil context", "StringEquals", "aws:username", []string{"alice"}, nil, false},
		{"StringEquals star is literal", "StringEquals", "k:k", []string{"a*"}, ctxOf("k:k", "abc"), false},
		{"StringNotEquals differs", "StringNotEquals", "k:k", []string{"a"}, ctxOf("k:k", "b"), true},
		{"StringNotEquals equal", "StringNotEquals", "k:k", []string{"a", "b"}, ctxOf("k:k", "b"), false},
		{"StringNotEquals missing key is true", "StringNotEquals", "k:k", []string{"a"}, Context{}, true},
		{"StringEqualsIgnoreCase", "StringEqualsIgnoreCase", "k:k", []string{"PROD"}, ctxOf("k:k", "prod"), true},
		{"StringNotEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "k:k", []string{"PROD"}, ctxOf("k:k", "prod"), false},
		{"StringLike star", "StringLike", "s3:prefix", []string{"home/*"}, ctxOf("s3:prefix", "home/alice/x"), true},
		{"StringLike question", "StringLike", "k:k", []string{"a?c"}, ctxOf("k:k", "abc"), true},
		{"StringLike question one char", "StringLike", "k:k", []string{"a?c"}, ctxOf("k:k", "abbc"), false},
		{"StringLike case-sensitive", "StringLike", "k:k", []string{"A*"}, ctxOf("k:k", "abc"), false},
		{"StringNotLike", "StringNotLike", "k:k", []string{"a*"}, ctxOf("k:k", "bcd"), true},
		{"StringNotLike missing key", "StringNotLike", "k:k", []string{"a*"}, Context{}, true},

		// Numeric.
		{"NumericEquals", "NumericEquals", "n:n", []string{"10"}, ctxOf("n:n", "10.0"), true},
		{"NumericNotEquals", "NumericNotEquals", "n:n", []string{"10"}, ctxOf("n:n", "11"), true},
		{"NumericLessThan", "NumericLessThan", "n:n", []string{"10"}, ctxOf("n:n", "9"), true},
		{"NumericLessThan equal", "NumericLessThan", "n:n", []string{"10"}, ctxOf("n:n", "10"), false},
		{"NumericLessThanEquals", "NumericLessThanEquals", "n:n", []string{"10"}, ctxOf("n:n", "10"), true},
		{"NumericGreaterThan", "NumericGreaterThan", "n:n", []string{"10"}, ctxOf("n:n", "10.5"), true},
		{"NumericGreaterThanEquals", "NumericGreaterThanEquals", "n:n", []string{"10"}, ctxOf("n:n", "9.99"), false},
		{"Numeric big integers exact", "NumericEquals", "n:n", []string{"123456789012345678"}, ctxOf("n:n", "123456789012345679"), false},
		{"Numeric unparsable", "NumericEquals", "n:n", []string{"10"}, ctxOf("n:n", "ten"), false},
		{"Numeric missing", "NumericLessThan", "n:n", []string{"10"}, Context{}, false},

		// Date.
		{"DateLessThan RFC3339", "DateLessThan", "aws:CurrentTime", []string{"2030-01-01T00:00:00Z"}, ctxOf("aws:CurrentTime", "2029-12-31T23:59:59Z"), true},
		{"DateGreaterThan date only", "DateGreaterThan", "aws:CurrentTime", []string{"2020-01-01"}, ctxOf("aws:CurrentTime", "2024-05-01T10:00:00Z"), true},
		{"DateEquals epoch vs iso", "DateEquals", "aws:CurrentTime", []string{"1577836800"}, ctxOf("aws:CurrentTime", "2020-01-01T00:00:00Z"), true},
		{"DateEquals offset", "DateEquals", "aws:CurrentTime", []string{"2020-01-01T02:00:00+02:00"}, ctxOf("aws:CurrentTime", "2020-01-01T00:00:00Z"), true},
		{"DateNotEquals", "DateNotEquals", "aws:CurrentTime", []string{"2020-01-01"}, ctxOf("aws:CurrentTime", "2020-01-02T00:00:00Z"), true},
		{"DateLessThanEquals", "DateLessThanEquals", "aws:CurrentTime", []string{"2020-01-01T00:00:00Z"}, ctxOf("aws:CurrentTime", "2020-01-01T00:00:00Z"), true},
		{"DateGreaterThanEquals fractional", "DateGreaterThanEquals", "aws:CurrentTime", []string{"2020-01-01T00:00:00.5Z"}, ctxOf("aws:CurrentTime", "2020-01-01T00:00:00Z"), false},
		{"Date epoch context", "DateGreaterThan", "aws:EpochTime", []string{"2020-01-01T00:00:00Z"}, ctxOf("aws:EpochTime", "1700000000"), true},

		// Bool and binary.
		{"Bool true", "Bool", "aws:SecureTransport", []string{"true"}, ctxOf("aws:SecureTransport", "true"), true},
		{"Bool false", "Bool", "aws:SecureTransport", []string{"false"}, ctxOf("aws:SecureTransport", "true"), false},
		{"Bool case-insensitive", "Bool", "aws:MultiFactorAuthPresent", []string{"TRUE"}, ctxOf("aws:MultiFactorAuthPresent", "true"), true},
		{"Bool missing", "Bool", "aws:MultiFactorAuthPresent", []string{"false"}, Context{}, false},
		{"BoolIfExists missing", "BoolIfExists", "aws:MultiFactorAuthPresent", []string{"false"}, Context{}, true},
		{"BinaryEquals", "BinaryEquals", "k:bin", []string{"QmluYXJ5VmFsdWU="}, ctxOf("k:bin", "QmluYXJ5VmFsdWU="), true},

		// IP address.
		{"IpAddress cidr", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctxOf("aws:SourceIp", "203.0.113.7"), true},
		{"IpAddress outside", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctxOf("aws:SourceIp", "203.0.114.7"), false},
		{"IpAddress plain ip", "IpAddress", "aws:SourceIp", []string{"203.0.113.7"}, ctxOf("aws:SourceIp", "203.0.113.7"), true},
		{"IpAddress non-canonical cidr", "IpAddress", "aws:SourceIp", []string{"203.0.113.9/24"}, ctxOf("aws:SourceIp", "203.0.113.200"), true},
		{"IpAddress ipv6", "IpAddress", "aws:SourceIp", []string{"2001:db8::/32"}, ctxOf("aws:SourceIp", "2001:db8:1::5"), true},
		{"IpAddress v4-mapped request", "IpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}, ctxOf("aws:SourceIp", "::ffff:10.1.2.3"), true},
		{"IpAddress family mismatch", "IpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}, ctxOf("aws:SourceIp", "2001:db8::1"), false},
		{"NotIpAddress", "NotIpAddress", "aws:SourceIp", []string{"10.0.0.0/8", "192.168.0.0/16"}, ctxOf("aws:SourceIp", "203.0.113.1"), true},
		{"NotIpAddress inside", "NotIpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}, ctxOf("aws:SourceIp", "10.9.9.9"), false},
		{"NotIpAddress missing", "NotIpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}, Context{}, true},

		// ARN.
		{"ArnEquals exact", "ArnEquals", "aws:SourceArn", []string{"arn:aws:sns:us-east-1:111122223333:topic"}, ctxOf("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic"), true},
		{"ArnLike wildcard", "ArnLike", "aws:SourceArn", []string{"arn:aws:s3:::bucket-*"}, ctxOf("aws:SourceArn", "arn:aws:s3:::bucket-logs"), true},
		{"ArnEquals also wildcards", "ArnEquals", "aws:PrincipalArn", []string{"arn:aws:iam::*:role/Admin"}, ctxOf("aws:PrincipalArn", "arn:aws:iam::111122223333:role/Admin"), true},
		{"ArnLike wildcard does not cross components", "ArnLike", "aws:SourceArn", []string{"arn:aws:sns:*:111122223333"}, ctxOf("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic"), false},
		{"ArnLike resource part may contain colons", "ArnLike", "aws:SourceArn", []string{"arn:aws:logs:us-east-1:111122223333:log-group:*"}, ctxOf("aws:SourceArn", "arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s"), true},
		{"ArnLike case-sensitive", "ArnLike", "aws:PrincipalArn", []string{"arn:aws:iam::111122223333:role/admin"}, ctxOf("aws:PrincipalArn", "arn:aws:iam::111122223333:role/Admin"), false},
		{"ArnLike not an arn", "ArnLike", "aws:SourceArn", []string{"arn:aws:s3:::b"}, ctxOf("aws:SourceArn", "b"), false},
		{"ArnNotEquals", "ArnNotEquals", "aws:PrincipalArn", []string{"arn:aws:iam::111122223333:role/Admin"}, ctxOf("aws:PrincipalArn", "arn:aws:iam::111122223333:role/Dev"), true},
		{"ArnNotLike match", "ArnNotLike", "aws:PrincipalArn", []string{"arn:aws:iam::*:role/*"}, ctxOf("aws:PrincipalArn", "arn:aws:iam::111122223333:role/Dev"), false},
		{"ArnNotLike missing", "ArnNotLike", "aws:PrincipalArn", []string{"arn:aws:iam::*:role/*"}, Context{}, true},

		// Null.
		{"Null true absent", "Null", "aws:TokenIssueTime", []string{"true"}, Context{}, true},
		{"Null true present", "Null", "aws:TokenIssueTime", []string{"true"}, ctxOf("aws:TokenIssueTime", "2020-01-01T00:00:00Z"), false},
		{"Null false present", "Null", "aws:TokenIssueTime", []string{"false"}, ctxOf("aws:TokenIssueTime", "2020-01-01T00:00:00Z"), true},
		{"Null false absent", "Null", "aws:TokenIssueTime", []string{"false"}, Context{}, false},
		{"Null empty list is absent", "Null", "aws:TagKeys", []string{"true"}, ctxOf("aws:TagKeys", []string{}), true},

		// IfExists.
		{"StringEqualsIfExists missing", "StringEqualsIfExists", "ec2:InstanceType", []string{"t3.micro"}, Context{}, true},
		{"StringEqualsIfExists present mismatch", "StringEqualsIfExists", "ec2:InstanceType", []string{"t3.micro"}, ctxOf("ec2:InstanceType", "m5.large"), false},
		{"NumericLessThanIfExists present", "NumericLessThanIfExists", "n:n", []string{"5"}, ctxOf("n:n", "3"), true},
		{"ArnLikeIfExists missing", "ArnLikeIfExists", "aws:SourceArn", []string{"arn:aws:s3:::x"}, Context{}, true},

		// Set operators.
		{"ForAllValues subset", "ForAllValues:StringEquals", "aws:TagKeys", []string{"team", "env"}, ctxOf("aws:TagKeys", []string{"env"}), true},
		{"ForAllValues not subset", "ForAllValues:StringEquals", "aws:TagKeys", []string{"team", "env"}, ctxOf("aws:TagKeys", []string{"env", "cost"}), false},
		{"ForAllValues missing key", "ForAllValues:StringEquals", "aws:TagKeys", []string{"team"}, Context{}, true},
		{"ForAllValues empty key", "ForAllValues:StringEquals", "aws:TagKeys", []string{"team"}, ctxOf("aws:TagKeys", []string{}), true},
		{"ForAllValues negated", "ForAllValues:StringNotEquals", "aws:TagKeys", []string{"secret"}, ctxOf("aws:TagKeys", []string{"a", "b"}), true},
		{"ForAllValues negated hit", "ForAllValues:StringNotEquals", "aws:TagKeys", []string{"secret"}, ctxOf("aws:TagKeys", []string{"a", "secret"}), false},
		{"ForAllValues StringLike", "ForAllValues:StringLike", "aws:TagKeys", []string{"team-*"}, ctxOf("aws:TagKeys", []string{"team-a", "team-b"}), true},
		{"ForAnyValue overlap", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"team"}, ctxOf("aws:TagKeys", []string{"env", "team"}), true},
		{"ForAnyValue no overlap", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"team"}, ctxOf("aws:TagKeys", []string{"env"}), false},
		{"ForAnyValue missing key", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"team"}, Context{}, false},
		{"ForAnyValue negated missing key", "ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"team"}, Context{}, false},
		{"ForAnyValue negated", "ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"team"}, ctxOf("aws:TagKeys", []string{"team", "env"}), true},
		{"ForAnyValue negated all excluded", "ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"team"}, ctxOf("aws:TagKeys", []string{"team"}), false},
		{"ForAnyValue IfExists missing", "ForAnyValue:StringEqualsIfExists", "aws:TagKeys", []string{"team"}, Context{}, true},
		{"ForAnyValue IpAddress", "ForAnyValue:IpAddress", "k:ips", []string{"10.0.0.0/8"}, ctxOf("k:ips", []string{"192.168.1.1", "10.2.3.4"}), true},

		// Multi-valued key without a set operator: any value may match.
		{"multi-valued plain StringEquals", "StringEquals", "aws:TagKeys", []string{"team"}, ctxOf("aws:TagKeys", []string{"env", "team"}), true},
		{"multi-valued plain StringNotEquals", "StringNotEquals", "aws:TagKeys", []string{"team"}, ctxOf("aws:TagKeys", []string{"env", "team"}), false},

		// Unknown operator on a hand-built document never matches.
		{"unknown operator", "StringEqualz", "k:k", []string{"a"}, ctxOf("k:k", "a"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Condition{Operator: tt.op, Key: tt.key, Values: tt.values}
			if got := evalCondition(&c, tt.ctx, true); got != tt.want {
				t.Errorf("%s %s %v with %v = %v, want %v", tt.op, tt.key, tt.values, tt.ctx, got, tt.want)
			}
		})
	}
}

func TestConditionVariables(t *testing.T) {
	c := ctxOf("aws:username", "alice", "aws:PrincipalTag/team", "blue", "aws:PrincipalAccount", "111122223333",
		"s3:prefix", "home/alice/docs", "k:star", "*", "aws:TagKeys", []string{"a", "b"},
		"k:team", "blue", "aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic")
	tests := []struct {
		name   string
		op     string
		key    string
		values []string
		vars   bool
		want   bool
	}{
		{"username in StringLike", "StringLike", "s3:prefix", []string{"home/${aws:username}/*"}, true, true},
		{"variables off in 2008", "StringLike", "s3:prefix", []string{"home/${aws:username}/*"}, false, false},
		{"principal tag", "StringEquals", "k:team", []string{"${aws:PrincipalTag/team}"}, true, true},
		{"missing variable never matches", "StringLike", "s3:prefix", []string{"home/${aws:PrincipalTag/missing}/*"}, true, false},
		{"missing variable with default", "StringLike", "s3:prefix", []string{"home/${aws:PrincipalTag/missing, 'alice'}/*"}, true, true},
		{"missing variable, negated op", "StringNotLike", "s3:prefix", []string{"home/${aws:PrincipalTag/missing}/*"}, true, true},
		{"escape star literal in StringLike", "StringLike", "k:star", []string{"${*}"}, true, true},
		{"escape star does not wildcard", "StringLike", "s3:prefix", []string{"home/${*}"}, true, false},
		{"arn with account variable", "ArnLike", "aws:SourceArn", []string{"arn:aws:sns:*:${aws:PrincipalAccount}:*"}, true, true},
		{"arn with other account", "ArnLike", "aws:SourceArn", []string{"arn:aws:sns:*:444455556666:*"}, true, false},
		{"multi-valued key is not a variable", "StringLike", "s3:prefix", []string{"${aws:TagKeys}"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cond := Condition{Operator: tt.op, Key: tt.key, Values: tt.values}
			if got := evalCondition(&cond, c, tt.vars); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestContext(t *testing.T) {
	c := Context{}
	c.Set("AWS:PrincipalTag/Team", "blue", "green")
	got, ok := c.Get("aws:principaltag/team")
	if !ok || len(got) != 2 || got[0] != "blue" {
		t.Errorf("Get = %v, %v", got, ok)
	}
	if _, ok := c.Get("aws:missing"); ok {
		t.Error("missing key found")
	}
	var nilCtx Context
	if _, ok := nilCtx.Get("x"); ok {
		t.Error("nil context found a key")
	}
}
