package policy

import "strings"

// Principal is the caller as seen by Principal elements of resource and trust policies.
type Principal struct {
	Account   string // 12-digit account ID of the caller ("" for a service principal)
	ARN       string // the caller's own ARN: user ARN, assumed-role session ARN arn:aws:sts::ACCT:assumed-role/ROLE/SESSION, or arn:aws:iam::ACCT:root
	EntityARN string // the IAM entity behind it: the role ARN (arn:aws:iam::ACCT:role/path/NAME) for a session, the user ARN for a user
	Service   string // service principal, e.g. "ec2.amazonaws.com", when a service is calling (Account/ARN empty)
	// Federated is the identity provider of a web-identity or SAML caller
	// (an OIDC/SAML provider ARN, or e.g. "cognito-identity.amazonaws.com");
	// it matches "Federated" principals.
	Federated string
}

// Request is one authorization question.
type Request struct {
	Principal Principal
	Action    string // "service:Action", e.g. "sts:AssumeRole"; matched case-insensitively
	Resource  string // resource ARN, or "*" for actions without resource
	Context   Context
}

// Effect is the outcome of evaluating one document.
type Effect int

const (
	NotApplicable Effect = iota // no statement matched
	Allow
	Deny // explicit deny
)

// String returns "NotApplicable", "Allow" or "Deny".
func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "NotApplicable"
}

// Evaluate returns the effect of this one document on the request. For
// documents with Principal/NotPrincipal (resource and trust policies) a
// statement applies only if its principal matches. viaAccountOnly reports
// that the Allow came only from account-wide principals
// (arn:aws:iam::ACCT:root or "ACCT"), which AWS treats as delegation to the
// account's IAM policies rather than a direct grant.
func (d *Document) Evaluate(r *Request) (effect Effect, viaAccountOnly bool) {
	if d == nil || r == nil {
		return NotApplicable, false
	}
	vars := d.Version == version2012
	allowDirect, allowAccount := false, false
	for i := range d.Statements {
		s := &d.Statements[i]
		applies, direct := s.applies(r, vars)
		if !applies {
			continue
		}
		if strings.EqualFold(s.Effect, "Deny") {
			return Deny, false
		}
		if strings.EqualFold(s.Effect, "Allow") {
			if direct {
				allowDirect = true
			} else {
				allowAccount = true
			}
		}
	}
	switch {
	case allowDirect:
		return Allow, false
	case allowAccount:
		return Allow, true
	}
	return NotApplicable, false
}

// applies reports whether the statement matches the request, and whether
// its principal matched directly (always true when it has no Principal).
func (s *Statement) applies(r *Request, vars bool) (applies, direct bool) {
	direct = true
	switch {
	case s.Principal != nil:
		var ok bool
		if ok, direct = s.Principal.match(&r.Principal); !ok {
			return false, false
		}
	case s.NotPrincipal != nil:
		if s.NotPrincipal.excludes(&r.Principal) {
			return false, false
		}
	}
	if !s.matchesAction(r.Action) || !s.matchesResource(r, vars) {
		return false, false
	}
	for i := range s.Conditions {
		if !evalCondition(&s.Conditions[i], r.Context, vars) {
			return false, false
		}
	}
	return true, direct
}

func (s *Statement) matchesAction(action string) bool {
	if s.Action != nil {
		for _, p := range s.Action {
			if matchAction(p, action) {
				return true
			}
		}
		return false
	}
	for _, p := range s.NotAction {
		if matchAction(p, action) {
			return false
		}
	}
	return true
}

// matchesResource: a statement without Resource/NotResource (trust
// policies) applies to the resource it is attached to.
func (s *Statement) matchesResource(r *Request, vars bool) bool {
	switch {
	case s.Resource != nil:
		for _, p := range s.Resource {
			if matchResource(p, r.Resource, vars, r.Context) {
				return true
			}
		}
		return false
	case s.NotResource != nil:
		for _, p := range s.NotResource {
			if matchResource(p, r.Resource, vars, r.Context) {
				return false
			}
		}
	}
	return true
}
