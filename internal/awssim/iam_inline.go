package awssim

import (
	"sort"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

// IAM's quotas on the inline policies of one entity, all together, in
// non-white-space characters.
const (
	iamRoleInlineMax = 10240
	iamUserInlineMax = 2048
)

type iamGetRolePolicyResult struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

type iamGetUserPolicyResult struct {
	UserName       string
	PolicyName     string
	PolicyDocument string
}

type iamListInlineResult struct {
	PolicyNames iamList[string]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// iamPutInline parses an inline policy and stores it under name, unless the
// entity's inline policies together would pass the quota.
func iamPutInline(c *call, inline *map[string]policyDoc, name, text string, max int, kind, owner string) error {
	total := iamPolicySize(text)
	for n, d := range *inline {
		if n != name {
			total += iamPolicySize(d.text)
		}
	}
	if total > max {
		return iamLimitExceeded("Maximum policy size of %d bytes exceeded for %s %s", max, kind, owner)
	}
	d, err := c.s.parsePolicy(text, policy.KindIdentity)
	if err != nil {
		return iamMalformed(err)
	}
	if *inline == nil {
		*inline = map[string]policyDoc{}
	}
	(*inline)[name] = d
	return nil
}

// iamInlinePage lists inline policy names, sorted.
func iamInlinePage(c *call, inline map[string]policyDoc) (any, error) {
	names := make([]string, 0, len(inline))
	for n := range inline {
		names = append(names, n)
	}
	sort.Strings(names)
	page, pg, err := iamPaginate(c, names, func(n string) string { return n })
	if err != nil {
		return nil, err
	}
	return &iamListInlineResult{PolicyNames: iamList[string]{Members: page}, IsTruncated: pg.truncated, Marker: pg.marker}, nil
}

// iamInlineParams reads the entity and policy names of an inline policy action.
func iamInlineParams(c *call, entityParam string, entityMax int) (entity, name string, err error) {
	if entity, err = iamName(c, entityParam, entityMax); err != nil {
		return "", "", err
	}
	if name, err = iamName(c, "PolicyName", 128); err != nil {
		return "", "", err
	}
	return entity, name, nil
}

func iamPutRolePolicy(c *call) (any, error) {
	role, name, err := iamInlineParams(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	text, err := iamRequired(c, "PolicyDocument")
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:PutRolePolicy", role)
	if err != nil {
		return nil, err
	}
	return nil, iamPutInline(c, &r.inline, name, text, iamRoleInlineMax, "role", r.name)
}

func iamGetRolePolicy(c *call) (any, error) {
	role, name, err := iamInlineParams(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:GetRolePolicy", role)
	if err != nil {
		return nil, err
	}
	d, ok := r.inline[name]
	if !ok {
		return nil, iamNoSuchEntity("The role policy with name %s cannot be found.", name)
	}
	return &iamGetRolePolicyResult{RoleName: r.name, PolicyName: name, PolicyDocument: iamURLEncode(d.text)}, nil
}

func iamListRolePolicies(c *call) (any, error) {
	role, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:ListRolePolicies", role)
	if err != nil {
		return nil, err
	}
	return iamInlinePage(c, r.inline)
}

func iamDeleteRolePolicy(c *call) (any, error) {
	role, name, err := iamInlineParams(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:DeleteRolePolicy", role)
	if err != nil {
		return nil, err
	}
	if _, ok := r.inline[name]; !ok {
		return nil, iamNoSuchEntity("The role policy with name %s cannot be found.", name)
	}
	delete(r.inline, name)
	return nil, nil
}

func iamPutUserPolicy(c *call) (any, error) {
	user, name, err := iamInlineParams(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	text, err := iamRequired(c, "PolicyDocument")
	if err != nil {
		return nil, err
	}
	u, err := iamFindUser(c, "iam:PutUserPolicy", user)
	if err != nil {
		return nil, err
	}
	return nil, iamPutInline(c, &u.inline, name, text, iamUserInlineMax, "user", u.name)
}

func iamGetUserPolicy(c *call) (any, error) {
	user, name, err := iamInlineParams(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	u, err := iamFindUser(c, "iam:GetUserPolicy", user)
	if err != nil {
		return nil, err
	}
	d, ok := u.inline[name]
	if !ok {
		return nil, iamNoSuchEntity("The user policy with name %s cannot be found.", name)
	}
	return &iamGetUserPolicyResult{UserName: u.name, PolicyName: name, PolicyDocument: iamURLEncode(d.text)}, nil
}

func iamListUserPolicies(c *call) (any, error) {
	user, err := iamName(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	u, err := iamFindUser(c, "iam:ListUserPolicies", user)
	if err != nil {
		return nil, err
	}
	return iamInlinePage(c, u.inline)
}

func iamDeleteUserPolicy(c *call) (any, error) {
	user, name, err := iamInlineParams(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	u, err := iamFindUser(c, "iam:DeleteUserPolicy", user)
	if err != nil {
		return nil, err
	}
	if _, ok := u.inline[name]; !ok {
		return nil, iamNoSuchEntity("The user policy with name %s cannot be found.", name)
	}
	delete(u.inline, name)
	return nil, nil
}
