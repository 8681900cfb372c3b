package policy

import (
	"regexp"
	"strings"
)

// principalTypes are the keys AWS accepts inside a Principal object.
var principalTypes = map[string]bool{
	"AWS":           true,
	"Service":       true,
	"Federated":     true,
	"CanonicalUser": true,
}

const partitions = `(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)`

var (
	reAccountID   = regexp.MustCompile(`^[0-9]{12}$`)
	reAccountRoot = regexp.MustCompile(`^arn:` + partitions + `:iam::([0-9]{12}):root$`)
	reIAMEntity   = regexp.MustCompile(`^arn:` + partitions + `:iam::[0-9]{12}:(user|role|federated-user)/[^*?]+$`)
	reSTSEntity   = regexp.MustCompile(`^arn:` + partitions + `:sts::[0-9]{12}:(assumed-role/[^/*?]+/[^*?]+|federated-user/[^*?]+)$`)
	reUniqueID    = regexp.MustCompile(`^(AIDA|AROA)[A-Z0-9]{12,124}$`)
	reService     = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com|amazonaws\.com\.cn|amazon\.com)$`)
	reFederated   = regexp.MustCompile(`^arn:` + partitions + `:iam::[0-9]{12}:(saml-provider|oidc-provider)/[^*?]+$`)
	reCanonical   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// webIdentityProviders are the Federated principals that are not provider ARNs.
var webIdentityProviders = map[string]bool{
	"cognito-identity.amazonaws.com": true,
	"www.amazon.com":                 true,
	"graph.facebook.com":             true,
	"accounts.google.com":            true,
}

// InvalidPrincipalError is the MalformedPolicyDocument error AWS returns for a
// principal it cannot accept, e.g. `Invalid principal in policy: "AWS":"x"`.
// Callers use it when a named user or role does not exist.
func InvalidPrincipalError(typ, value string) *MalformedError {
	return &MalformedError{Message: `Invalid principal in policy: "` + strings.ToUpper(typ) + `":"` + value + `"`}
}

// validPrincipalValue reports whether AWS would accept value for typ.
func validPrincipalValue(typ, value string) bool {
	switch typ {
	case "AWS":
		return value == "*" || reAccountID.MatchString(value) || reAccountRoot.MatchString(value) ||
			reIAMEntity.MatchString(value) || reSTSEntity.MatchString(value) || reUniqueID.MatchString(value)
	case "Service":
		return reService.MatchString(value)
	case "Federated":
		return reFederated.MatchString(value) || webIdentityProviders[value]
	case "CanonicalUser":
		return reCanonical.MatchString(value)
	}
	return false
}

// accountOf returns the account an account-wide principal value names
// ("123456789012" or "arn:aws:iam::123456789012:root"), or "".
func accountOf(value string) string {
	if reAccountID.MatchString(value) {
		return value
	}
	if m := reAccountRoot.FindStringSubmatch(value); m != nil {
		return m[2]
	}
	return ""
}

// match reports whether the Principal element names caller c, and whether
// it does so directly (a named ARN, service, or "*") rather than only
// through an account-wide principal.
func (p *Principals) match(c *Principal) (matched, direct bool) {
	if p == nil {
		return false, false
	}
	if p.Wildcard {
		return true, true
	}
	for _, v := range p.Values["AWS"] {
		switch {
		case v == "*":
			return true, true
		case c.Account != "" && accountOf(v) == c.Account:
			matched = true
		case c.ARN != "" && strings.EqualFold(v, c.ARN),
			c.EntityARN != "" && strings.EqualFold(v, c.EntityARN):
			return true, true
		}
	}
	if c.Service != "" {
		for _, v := range p.Values["Service"] {
			if strings.EqualFold(v, c.Service) {
				return true, true
			}
		}
	}
	if c.Federated != "" {
		for _, v := range p.Values["Federated"] {
			if strings.EqualFold(v, c.Federated) {
				return true, true
			}
		}
	}
	return matched, false
}

// excludes reports whether a NotPrincipal element exempts caller c. AWS
// checks the caller's account before the IAM entity, so an IAM principal is
// exempt only if its account is listed as well as its user/role (or session)
// ARN; the account root is exempt when its account is listed.
func (p *Principals) excludes(c *Principal) bool {
	if p == nil {
		return false
	}
	if p.Wildcard {
		return true
	}
	if c.Service != "" {
		for _, v := range p.Values["Service"] {
			if strings.EqualFold(v, c.Service) {
				return true
			}
		}
		return false
	}
	if c.Federated != "" {
		for _, v := range p.Values["Federated"] {
			if strings.EqualFold(v, c.Federated) {
				return true
			}
		}
	}
	accountListed, entityListed := false, false
	for _, v := range p.Values["AWS"] {
		switch {
		case v == "*":
			return true
		case c.Account != "" && accountOf(v) == c.Account:
			accountListed = true
		case c.ARN != "" && strings.EqualFold(v, c.ARN),
			c.EntityARN != "" && strings.EqualFold(v, c.EntityARN):
			entityListed = true
		}
	}
	if !accountListed {
		return false
	}
	if c.ARN == "" || accountOf(c.ARN) != "" {
		return true // the account root itself
	}
	return entityListed
}

// AWSPrincipals returns the distinct "AWS" principal values named anywhere
// in the document (Principal and NotPrincipal), in order. Callers use it to
// check that named users and roles exist, as IAM does when a trust policy is
// saved.
func (d *Document) AWSPrincipals() []string {
	if d == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for i := range d.Statements {
		for _, p := range []*Principals{d.Statements[i].Principal, d.Statements[i].NotPrincipal} {
			if p == nil {
				continue
			}
			for _, v := range p.Values["AWS"] {
				if !seen[v] {
					seen[v] = true
					out = append(out, v)
				}
			}
		}
	}
	return out
}
