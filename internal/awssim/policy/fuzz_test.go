package policy

import "testing"

func FuzzParse(f *testing.F) {
	seeds := []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`,
		`{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::b/${aws:username}/*",
			"Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["a*",1,true]},"Null":{"x:y":"true"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:role/R"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`,
		`{"Statement":{"Effect":"Deny","NotPrincipal":"*","Action":"kms:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2020-01-01"}}}}`,
		`{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam:us-east-1:1:x"}}`,
		`[[[[[[[[[[]]]]]]]]]]`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${*}${?}${$}${a, 'b'}"}}`,
		``,
		`null`,
	}
	for _, s := range seeds {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, doc string, k uint8) {
		kind := Kind(k % 3)
		d, err := Parse(doc, kind)
		if err != nil {
			if _, ok := IsMalformed(err); !ok {
				t.Fatalf("non-Malformed error %T: %v", err, err)
			}
			return
		}
		if d.Raw != doc {
			t.Fatal("Raw not preserved")
		}
		// Whatever parses must evaluate without panicking.
		ctx := ctxOf("aws:username", "alice", "aws:TagKeys", []string{"a", "b"}, "aws:SourceIp", "10.1.2.3",
			"aws:CurrentTime", "2024-01-01T00:00:00Z")
		for _, p := range []Principal{userAlice, session, ec2Svc, userBob} {
			r := &Request{Principal: p, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/alice/x", Context: ctx}
			d.Evaluate(r)
			Authorize(Input{Request: r, Identity: []*Document{d}, Resource: d, ResourceAccount: acctA, Mode: ModeResourceRequired})
		}
		_ = d.AWSPrincipals()
	})
}
