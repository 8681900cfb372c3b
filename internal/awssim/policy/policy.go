// Package policy parses, validates and evaluates IAM policy documents the way AWS does.
//
// It is pure logic (no I/O): the simulator feeds it documents and requests and
// gets back the decision AWS's evaluation logic would reach.
package policy

// Kind says which rules a document is validated against.
type Kind int

const (
	KindIdentity Kind = iota // identity-based policy (user/role inline or managed): Principal/NotPrincipal forbidden
	KindResource             // resource policy (Secrets Manager resource policy, KMS key policy): Principal required
	KindTrust                // role trust policy: Principal required; actions must be sts:AssumeRole*/sts:TagSession/sts:SetSourceIdentity (or wildcards)
)

// Document is a parsed policy document.
type Document struct {
	Version    string
	ID         string
	Statements []Statement
	// Raw is the original JSON text as given (what GetRolePolicy etc. return).
	Raw string
}

// Statement is one element of a policy's Statement list.
type Statement struct {
	Sid          string
	Effect       string      // "Allow" or "Deny"
	Principal    *Principals // nil if absent
	NotPrincipal *Principals

	Action, NotAction, Resource, NotResource []string
	Conditions                               []Condition
}

// Principals maps principal type ("AWS", "Service", "Federated", "CanonicalUser") to values; Wildcard is true for "Principal": "*".
type Principals struct {
	Wildcard bool
	Values   map[string][]string
}

// Condition is one operator/key pair of a Condition block.
type Condition struct {
	Operator string   // as written, e.g. "StringEqualsIfExists", "ForAnyValue:StringLike"
	Key      string   // as written, e.g. "aws:PrincipalTag/team"
	Values   []string // booleans and numbers normalised to their string form
}

// MalformedError is returned by Parse; its Message is the text AWS puts in
// MalformedPolicyDocument errors.
type MalformedError struct{ Message string }

func (e *MalformedError) Error() string { return e.Message }
