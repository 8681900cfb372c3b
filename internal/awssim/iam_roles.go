package awssim

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

// IAM's quota on a role's trust policy, in non-white-space characters.
const iamTrustPolicyMax = 2048

type iamRoleResult struct {
	Role iamRoleXML
}

type iamListRolesResult struct {
	Roles       iamList[iamRoleXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// iamRoleARN is the ARN a role action is authorized against.
func iamRoleARN(c *call, name string) string {
	if r := c.account().iam.roles[name]; r != nil {
		return r.arn
	}
	return iamARN(c.caller.account, "role", "/", name)
}

// iamFindRole authorizes action on the named role and returns it.
func iamFindRole(c *call, action, name string) (*iamRole, error) {
	if err := c.can(action, iamRoleARN(c, name)); err != nil {
		return nil, err
	}
	r := c.account().iam.roles[name]
	if r == nil {
		return nil, iamRoleNotFound(name)
	}
	return r, nil
}

// iamMaxSession reads MaxSessionDuration (3600–43200 seconds).
func iamMaxSession(c *call) (int32, bool, error) {
	if !c.params.has("MaxSessionDuration") {
		return 0, false, nil
	}
	d, err := c.params.int32("MaxSessionDuration", 3600)
	if err != nil {
		return 0, false, err
	}
	if d < 3600 {
		return 0, false, validationError("1 validation error detected: Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600", d)
	}
	if d > 43200 {
		return 0, false, validationError("1 validation error detected: Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200", d)
	}
	return d, true, nil
}

func iamDescription(c *call, max int) (string, bool, error) {
	if !c.params.has("Description") {
		return "", false, nil
	}
	d := c.params.get("Description")
	if utf8.RuneCountInString(d) > max {
		return "", false, validationError("1 validation error detected: Value '%s' at 'description' failed to satisfy constraint: Member must have length less than or equal to %d", d, max)
	}
	return d, true, nil
}

var iamEntityARN = regexp.MustCompile(`^arn:aws:iam::(\d{12}):(user|role)(/.*)?/([\w+=,.@-]+)$`)

// iamTrustPolicy parses a role trust policy as IAM does when it is saved:
// the size quota, the policy rules, then every user and role it names in
// a simulated account must exist.
func iamTrustPolicy(c *call, text string) (policyDoc, error) {
	if iamPolicySize(text) > iamTrustPolicyMax {
		return policyDoc{}, iamLimitExceeded("Cannot exceed quota for ACLSizePerRole: %d", iamTrustPolicyMax)
	}
	d, err := c.s.parsePolicy(text, policy.KindTrust)
	if err != nil {
		return policyDoc{}, iamMalformed(err)
	}
	for _, v := range d.doc.AWSPrincipals() {
		m := iamEntityARN.FindStringSubmatch(v)
		if m == nil {
			continue
		}
		a := c.s.accounts[m[1]]
		if a == nil {
			continue
		}
		exists := false
		if m[2] == "user" {
			u := a.iam.users[m[4]]
			exists = u != nil && u.arn == v
		} else {
			r := a.iam.roles[m[4]]
			exists = r != nil && r.arn == v
		}
		if !exists {
			return policyDoc{}, iamMalformed(policy.InvalidPrincipalError("AWS", v))
		}
	}
	return d, nil
}

func iamCreateRole(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	text, err := iamRequired(c, "AssumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	path, err := iamPath(c, false)
	if err != nil {
		return nil, err
	}
	desc, _, err := iamDescription(c, 1000)
	if err != nil {
		return nil, err
	}
	maxSession, set, err := iamMaxSession(c)
	if err != nil {
		return nil, err
	}
	if !set {
		maxSession = 3600
	}
	tags, err := iamTags(c)
	if err != nil {
		return nil, err
	}
	arn := iamARN(c.caller.account, "role", path, name)
	if err := c.can("iam:CreateRole", arn); err != nil {
		return nil, err
	}
	roles := c.account().iam.roles
	for existing := range roles {
		if strings.EqualFold(existing, name) {
			return nil, iamAlreadyExists("Role with name %s already exists.", name)
		}
	}
	trust, err := iamTrustPolicy(c, text)
	if err != nil {
		return nil, err
	}
	r := &iamRole{name: name, path: path, id: stableID("AROA", arn+c.now.String()), arn: arn, description: desc,
		created: c.now, trust: trust, inline: map[string]policyDoc{}, maxSession: maxSession, tags: map[string]string{}}
	if err := iamApplyTags(r.tags, tags); err != nil {
		return nil, err
	}
	roles[name] = r
	out := iamRoleOut(r, true)
	out.RoleLastUsed = nil // CreateRole doesn't report last use
	return &iamRoleResult{Role: out}, nil
}

func iamGetRole(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:GetRole", name)
	if err != nil {
		return nil, err
	}
	return &iamRoleResult{Role: iamRoleOut(r, true)}, nil
}

func iamListRoles(c *call) (any, error) {
	prefix, err := iamPathPrefix(c)
	if err != nil {
		return nil, err
	}
	if err := c.can("iam:ListRoles", "*"); err != nil {
		return nil, err
	}
	var roles []*iamRole
	for _, r := range iamSorted(c.account().iam.roles) {
		if strings.HasPrefix(r.path, prefix) {
			roles = append(roles, r)
		}
	}
	page, pg, err := iamPaginate(c, roles, func(r *iamRole) string { return r.name })
	if err != nil {
		return nil, err
	}
	out := &iamListRolesResult{IsTruncated: pg.truncated, Marker: pg.marker}
	for _, r := range page {
		out.Roles.Members = append(out.Roles.Members, iamRoleOut(r, false))
	}
	return out, nil
}

func iamDeleteRole(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:DeleteRole", name)
	if err != nil {
		return nil, err
	}
	a := c.account()
	for _, p := range a.iam.instanceProfiles {
		if slices.Contains(p.roles, name) {
			return nil, iamDeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
		}
	}
	if len(r.attached) > 0 {
		return nil, iamDeleteConflict("Cannot delete entity, must detach all policies first.")
	}
	if len(r.inline) > 0 {
		return nil, iamDeleteConflict("Cannot delete entity, must delete policies first.")
	}
	delete(a.iam.roles, name)
	return nil, nil
}

func iamUpdateAssumeRolePolicy(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	text, err := iamRequired(c, "PolicyDocument")
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:UpdateAssumeRolePolicy", name)
	if err != nil {
		return nil, err
	}
	trust, err := iamTrustPolicy(c, text)
	if err != nil {
		return nil, err
	}
	r.trust = trust
	return nil, nil
}

func iamUpdateRole(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	desc, descSet, err := iamDescription(c, 1000)
	if err != nil {
		return nil, err
	}
	maxSession, maxSet, err := iamMaxSession(c)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:UpdateRole", name)
	if err != nil {
		return nil, err
	}
	if descSet {
		r.description = desc
	}
	if maxSet {
		r.maxSession = maxSession
	}
	return &struct{}{}, nil
}

func iamTagRole(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	tags, err := iamTags(c)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:TagRole", name)
	if err != nil {
		return nil, err
	}
	if r.tags == nil {
		r.tags = map[string]string{}
	}
	return nil, iamApplyTags(r.tags, tags)
}

func iamUntagRole(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	keys, err := iamTagKeys(c)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:UntagRole", name)
	if err != nil {
		return nil, err
	}
	iamRemoveTags(r.tags, keys)
	return nil, nil
}

func iamListRoleTags(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:ListRoleTags", name)
	if err != nil {
		return nil, err
	}
	return iamTagsPage(c, r.tags)
}
