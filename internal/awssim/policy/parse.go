package policy

import (
	"errors"
	"regexp"
	"strings"
)

// AWS's MalformedPolicyDocument messages, verbatim.
const (
	msgSyntax           = "Syntax errors in policy."
	msgInvalidJSON      = "This policy contains invalid Json"
	msgLegacy           = "The policy failed legacy parsing"
	msgVersion          = "Policy document must be version 2012-10-17 or greater."
	msgDuplicateSid     = "Statement IDs (SID) in a single policy must be unique."
	msgSidAlnum         = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	msgNoActions        = "Policy statement must contain actions."
	msgNoResources      = "Policy statement must contain resources."
	msgNoPrincipal      = "Policy document should not specify a principal."
	msgMissingPrincipal = "Missing required field Principal"
	msgTrustResource    = "Has prohibited field Resource"
	msgTrustNotPrinc    = "Has prohibited field NotPrincipal"
	msgTrustActions     = "AssumeRole policy may only specify STS AssumeRole actions."
	msgVendorPrefix     = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgOneColon         = "Actions/Condition can contain only one colon."
	msgVendorRegex      = "Resource vendor must be fully qualified and cannot contain regexes."
	msgIAMPath          = `IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`
)

const (
	version2008 = "2008-10-17"
	version2012 = "2012-10-17"
)

func malformed(msg string) *MalformedError { return &MalformedError{Message: msg} }

var (
	topLevelFields  = map[string]bool{"Version": true, "Id": true, "Statement": true}
	statementFields = map[string]bool{
		"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true,
		"Action": true, "NotAction": true, "Resource": true, "NotResource": true, "Condition": true,
	}
	reSid    = regexp.MustCompile(`^[0-9A-Za-z]*$`)
	reVendor = regexp.MustCompile(`^[a-zA-Z0-9.-]+$`)
)

// trustActions are the actions a role trust policy may name.
var trustActions = []string{
	"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
	"sts:tagsession", "sts:setsourceidentity", "sts:setcontext",
}

// Parse parses and validates a policy document of the given kind. Errors are
// *MalformedError carrying AWS's wording. Checks run in the order AWS runs
// them, so a document with several problems reports the one AWS would.
func Parse(doc string, kind Kind) (*Document, error) {
	root, err := decodeJSON(doc)
	if err != nil {
		if kind == KindTrust {
			return nil, malformed(msgInvalidJSON)
		}
		return nil, malformed(msgSyntax)
	}
	d, ok := buildDocument(root)
	if !ok {
		return nil, malformed(msgSyntax)
	}
	d.Raw = doc
	if err := validate(d, kind); err != nil {
		return nil, err
	}
	return d, nil
}

// buildDocument checks the document's shape (AWS's "Syntax errors in
// policy.") and converts it.
func buildDocument(root *jvalue) (*Document, bool) {
	if root.kind != jObject {
		return nil, false
	}
	for _, m := range root.obj {
		if !topLevelFields[m.key] {
			return nil, false
		}
	}
	d := &Document{}
	if v := root.get("Version"); v != nil {
		if v.kind != jString || (v.str != version2008 && v.str != version2012) {
			return nil, false
		}
		d.Version = v.str
	}
	if v := root.get("Id"); v != nil {
		if v.kind != jString {
			return nil, false
		}
		d.ID = v.str
	}
	st := root.get("Statement")
	var raws []*jvalue
	switch {
	case st == nil:
		return nil, false
	case st.kind == jObject:
		raws = []*jvalue{st}
	case st.kind == jArray && len(st.arr) > 0:
		raws = st.arr
	default:
		return nil, false
	}
	for _, r := range raws {
		s, ok := buildStatement(r)
		if !ok {
			return nil, false
		}
		d.Statements = append(d.Statements, s)
	}
	return d, true
}

func buildStatement(r *jvalue) (Statement, bool) {
	var s Statement
	if r.kind != jObject {
		return s, false
	}
	for _, m := range r.obj {
		if !statementFields[m.key] {
			return s, false
		}
	}
	if r.get("Action") != nil && r.get("NotAction") != nil ||
		r.get("Resource") != nil && r.get("NotResource") != nil ||
		r.get("Principal") != nil && r.get("NotPrincipal") != nil {
		return s, false
	}
	if v := r.get("Sid"); v != nil {
		if v.kind != jString {
			return s, false
		}
		s.Sid = v.str
	}
	eff := r.get("Effect")
	if eff == nil || eff.kind != jString || !(strings.EqualFold(eff.str, "Allow") || strings.EqualFold(eff.str, "Deny")) {
		return s, false
	}
	s.Effect = eff.str
	var ok bool
	for _, f := range []struct {
		name string
		dst  *[]string
	}{{"Action", &s.Action}, {"NotAction", &s.NotAction}, {"Resource", &s.Resource}, {"NotResource", &s.NotResource}} {
		if *f.dst, ok = stringList(r.get(f.name)); !ok {
			return s, false
		}
	}
	if s.Principal, ok = buildPrincipals(r.get("Principal")); !ok {
		return s, false
	}
	if s.NotPrincipal, ok = buildPrincipals(r.get("NotPrincipal")); !ok {
		return s, false
	}
	if s.Conditions, ok = buildConditions(r.get("Condition")); !ok {
		return s, false
	}
	return s, true
}

// stringList accepts a string or an array of strings. A missing field is
// (nil, true); an empty array is a non-nil empty slice so that "present but
// empty" can be told apart later.
func stringList(v *jvalue) ([]string, bool) {
	if v == nil {
		return nil, true
	}
	switch v.kind {
	case jString:
		return []string{v.str}, true
	case jArray:
		out := make([]string, 0, len(v.arr))
		for _, e := range v.arr {
			if e.kind != jString {
				return nil, false
			}
			out = append(out, e.str)
		}
		return out, true
	}
	return nil, false
}

func buildPrincipals(v *jvalue) (*Principals, bool) {
	if v == nil {
		return nil, true
	}
	if v.kind == jString {
		if v.str != "*" {
			return nil, false
		}
		return &Principals{Wildcard: true}, true
	}
	if v.kind != jObject || len(v.obj) == 0 {
		return nil, false
	}
	p := &Principals{Values: map[string][]string{}}
	for _, m := range v.obj {
		if !principalTypes[m.key] {
			return nil, false
		}
		vals, ok := stringList(m.val)
		if !ok || len(vals) == 0 {
			return nil, false
		}
		p.Values[m.key] = vals
	}
	return p, true
}

func buildConditions(v *jvalue) ([]Condition, bool) {
	if v == nil {
		return nil, true
	}
	if v.kind != jObject {
		return nil, false
	}
	var out []Condition
	for _, opm := range v.obj {
		if opm.val.kind != jObject {
			return nil, false
		}
		if _, known := parseOperator(opm.key); !known {
			// AWS tolerates an unknown operator only with an empty block.
			if len(opm.val.obj) > 0 {
				return nil, false
			}
			continue
		}
		for _, km := range opm.val.obj {
			vals, ok := conditionValues(km.val)
			if !ok {
				return nil, false
			}
			out = append(out, Condition{Operator: opm.key, Key: km.key, Values: vals})
		}
	}
	return out, true
}

// conditionValues accepts a scalar (string, bool, number) or an array of
// them, normalising everything to strings.
func conditionValues(v *jvalue) ([]string, bool) {
	scalar := func(e *jvalue) bool { return e.kind == jString || e.kind == jBool || e.kind == jNumber }
	if scalar(v) {
		return []string{v.str}, true
	}
	if v.kind != jArray {
		return nil, false
	}
	out := make([]string, 0, len(v.arr))
	for _, e := range v.arr {
		if !scalar(e) {
			return nil, false
		}
		out = append(out, e.str)
	}
	return out, true
}

// validate runs the semantic checks after the shape is known to be right.
func validate(d *Document, kind Kind) error {
	// Legacy parser: exact-case Effect and parseable Date values.
	for i := range d.Statements {
		s := &d.Statements[i]
		if s.Effect != "Allow" && s.Effect != "Deny" {
			return malformed(msgLegacy)
		}
		for _, c := range s.Conditions {
			op, _ := parseOperator(c.Operator)
			if strings.HasPrefix(op.base, "Date") {
				for _, v := range c.Values {
					if _, ok := parseDate(v); !ok && !strings.Contains(v, "${") {
						return malformed(msgLegacy)
					}
				}
			}
		}
	}
	// Resource format problems: some fail legacy parsing outright, the rest
	// are reported after the existence checks below.
	resourceErr := ""
	for i := range d.Statements {
		s := &d.Statements[i]
		for _, list := range [][]string{s.Resource, s.NotResource} {
			for _, r := range list {
				legacy, msg := checkResource(r)
				if legacy {
					return malformed(msgLegacy)
				}
				if resourceErr == "" {
					resourceErr = msg
				}
			}
		}
	}
	if kind == KindIdentity {
		for i := range d.Statements {
			if !reSid.MatchString(d.Statements[i].Sid) {
				return malformed(msgSidAlnum)
			}
		}
	}
	sids := map[string]bool{}
	for i := range d.Statements {
		sid := d.Statements[i].Sid
		if sid == "" {
			continue
		}
		if sids[sid] {
			return malformed(msgDuplicateSid)
		}
		sids[sid] = true
	}
	if err := validatePrincipalPresence(d, kind); err != nil {
		return err
	}
	for i := range d.Statements {
		s := &d.Statements[i]
		if len(s.Action) == 0 && len(s.NotAction) == 0 {
			return malformed(msgNoActions)
		}
	}
	if kind != KindTrust {
		for i := range d.Statements {
			s := &d.Statements[i]
			if len(s.Resource) == 0 && len(s.NotResource) == 0 {
				return malformed(msgNoResources)
			}
		}
	}
	if resourceErr != "" {
		return malformed(resourceErr)
	}
	for i := range d.Statements {
		s := &d.Statements[i]
		for _, list := range [][]string{s.Action, s.NotAction} {
			for _, a := range list {
				if msg := checkAction(a); msg != "" {
					return malformed(msg)
				}
			}
		}
	}
	if kind == KindTrust {
		for i := range d.Statements {
			for _, a := range d.Statements[i].Action {
				if !trustAction(a) {
					return malformed(msgTrustActions)
				}
			}
		}
	}
	if kind != KindIdentity {
		for i := range d.Statements {
			s := &d.Statements[i]
			for _, p := range []*Principals{s.Principal, s.NotPrincipal} {
				if err := validatePrincipalValues(p); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// validatePrincipalPresence applies the per-kind rules about Principal,
// NotPrincipal and (for trust policies) Resource.
func validatePrincipalPresence(d *Document, kind Kind) error {
	for i := range d.Statements {
		s := &d.Statements[i]
		switch kind {
		case KindIdentity:
			if s.Principal != nil || s.NotPrincipal != nil {
				return malformed(msgNoPrincipal)
			}
		case KindTrust:
			if s.Resource != nil || s.NotResource != nil {
				return malformed(msgTrustResource)
			}
			if s.NotPrincipal != nil {
				return malformed(msgTrustNotPrinc)
			}
			if s.Principal == nil {
				return malformed(msgMissingPrincipal)
			}
		case KindResource:
			if s.Principal == nil && s.NotPrincipal == nil {
				return malformed(msgMissingPrincipal)
			}
		}
	}
	return nil
}

func validatePrincipalValues(p *Principals) error {
	if p == nil || p.Wildcard {
		return nil
	}
	// Report in a stable type order so the message is deterministic.
	for _, typ := range []string{"AWS", "Service", "Federated", "CanonicalUser"} {
		for _, v := range p.Values[typ] {
			if !validPrincipalValue(typ, v) {
				return InvalidPrincipalError(typ, v)
			}
		}
	}
	return nil
}

// checkAction returns AWS's message for a malformed action name, or "".
func checkAction(a string) string {
	if a == "*" {
		return ""
	}
	parts := strings.Split(a, ":")
	switch {
	case len(parts) == 1:
		return msgVendorPrefix
	case len(parts) > 2:
		return msgOneColon
	}
	if parts[0] != "*" && !reVendor.MatchString(parts[0]) {
		return "Vendor " + parts[0] + " is not valid"
	}
	return ""
}

// trustAction reports whether a trust-policy action (possibly a wildcard)
// stays within the STS role-assumption actions.
func trustAction(a string) bool {
	if a == "*" {
		return true
	}
	lower := strings.ToLower(a)
	g := literalGlob(lower)
	for _, t := range trustActions {
		if lower == t || g.match(t) && strings.HasPrefix(lower, "sts:") {
			return true
		}
	}
	return false
}

var validPartitions = map[string]bool{
	"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true,
	"aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true, "*": true,
}

var iamPathPrefixes = []string{
	"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/",
	"policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/",
}

// checkResource validates one Resource/NotResource entry. legacy means the
// entry fails AWS's legacy parser outright; otherwise msg (possibly "") is
// the format error AWS reports for it.
func checkResource(r string) (legacy bool, msg string) {
	if r == "*" {
		return false, ""
	}
	parts := strings.Split(r, ":")
	if len(parts) == 1 {
		return false, `Resource ` + r + ` must be in ARN format or "*".`
	}
	if !validPartitions[parts[1]] {
		field := func(i int) string {
			if i < len(parts) && (parts[i] != "" || i < len(parts)-1) {
				if i == 5 {
					return strings.Join(parts[5:], ":")
				}
				return parts[i]
			}
			return "*"
		}
		return false, `Partition "` + parts[1] + `" is not valid for resource "arn:` + parts[1] + `:` +
			field(2) + `:` + field(3) + `:` + field(4) + `:` + field(5) + `".`
	}
	if len(parts) < 3 {
		return false, msgVendorRegex
	}
	// The legacy parser needs a service and a full six-part ARN when "::" is used.
	if parts[2] == "" || (len(parts) < 6 && strings.Contains(r, "::")) {
		return true, ""
	}
	service := parts[2]
	region := ""
	if len(parts) > 3 {
		region = parts[3]
	}
	switch service {
	case "iam":
		if region != "" {
			return false, "IAM resource " + r + " cannot contain region information."
		}
	case "s3":
		if region != "" {
			return false, "Resource " + r + " can not contain region information."
		}
	}
	if service == "iam" && len(parts) >= 6 {
		res := strings.Join(parts[5:], ":")
		ok := strings.HasPrefix(res, "*")
		for _, p := range iamPathPrefixes {
			ok = ok || strings.HasPrefix(res, p)
		}
		if !ok {
			return false, msgIAMPath
		}
	}
	return false, ""
}

// RequireCurrentVersion returns the error CreatePolicy/CreatePolicyVersion
// give for managed policies that are not Version 2012-10-17 (inline policies
// may still use 2008-10-17 or omit Version).
func (d *Document) RequireCurrentVersion() error {
	if d == nil || d.Version != version2012 {
		return malformed(msgVersion)
	}
	return nil
}

// IsMalformed reports whether err is a *MalformedError and returns its message.
func IsMalformed(err error) (string, bool) {
	var m *MalformedError
	if errors.As(err, &m) {
		return m.Message, true
	}
	return "", false
}
