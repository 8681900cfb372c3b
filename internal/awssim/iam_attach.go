package awssim

import (
	"slices"
	"strings"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

// IAM's default quota of managed policies attached to one user or role.
const iamAttachedPerEntity = 10

type iamListAttachedResult struct {
	AttachedPolicies iamList[iamAttachedPolicyXML]
	IsTruncated      bool
	Marker           string `xml:",omitempty"`
}

// iamAttachable reports whether arn names a policy the caller's account can
// attach: an AWS managed policy or one of its own.
func iamAttachable(c *call, arn string) bool {
	if _, ok := policy.AWSManagedInfo(arn); ok {
		return true
	}
	return iamCustomerPolicy(c, arn) != nil
}

// iamAttach adds a policy to an entity's attached list (a no-op when it is
// there already, as in IAM).
func iamAttach(c *call, attached *[]string, arn, quotaName string) error {
	if !iamAttachable(c, arn) {
		return iamNoSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	if slices.Contains(*attached, arn) {
		return nil
	}
	if len(*attached) >= iamAttachedPerEntity {
		return iamLimitExceeded("Cannot exceed quota for %s: %d", quotaName, iamAttachedPerEntity)
	}
	*attached = append(*attached, arn)
	return nil
}

func iamDetach(attached *[]string, arn string) error {
	i := slices.Index(*attached, arn)
	if i < 0 {
		return iamPolicyNotFound(arn)
	}
	*attached = slices.Delete(*attached, i, i+1)
	return nil
}

// iamAttachedPage renders an entity's attached policies, filtered by the
// policies' PathPrefix, sorted by name.
func iamAttachedPage(c *call, attached []string) (any, error) {
	prefix, err := iamPathPrefix(c)
	if err != nil {
		return nil, err
	}
	var list []iamAttachedPolicyXML
	for _, arn := range attached {
		name, path := iamPolicyNamePath(c, arn)
		if strings.HasPrefix(path, prefix) {
			list = append(list, iamAttachedPolicyXML{PolicyName: name, PolicyArn: arn})
		}
	}
	key := func(p iamAttachedPolicyXML) string { return p.PolicyName + "\x00" + p.PolicyArn }
	slices.SortFunc(list, func(x, y iamAttachedPolicyXML) int { return strings.Compare(key(x), key(y)) })
	page, pg, err := iamPaginate(c, list, key)
	if err != nil {
		return nil, err
	}
	return &iamListAttachedResult{AttachedPolicies: iamList[iamAttachedPolicyXML]{Members: page}, IsTruncated: pg.truncated, Marker: pg.marker}, nil
}

// iamPolicyNamePath is a managed policy's name and path, from its ARN when
// the simulator has no record of it (a world file may attach any ARN).
func iamPolicyNamePath(c *call, arn string) (string, string) {
	if info, ok := policy.AWSManagedInfo(arn); ok {
		return info.Name, info.Path
	}
	if a := c.s.accounts[accountOfARN(arn)]; a != nil {
		if p := a.iam.policies[arn]; p != nil {
			return p.name, p.path
		}
	}
	_, rest, _ := strings.Cut(arn, ":policy")
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		return rest, "/"
	}
	return rest[i+1:], rest[:i+1]
}

func iamAttachRolePolicy(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	arn, err := iamPolicyARN(c)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:AttachRolePolicy", name)
	if err != nil {
		return nil, err
	}
	return nil, iamAttach(c, &r.attached, arn, "PoliciesPerRole")
}

func iamDetachRolePolicy(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	arn, err := iamPolicyARN(c)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:DetachRolePolicy", name)
	if err != nil {
		return nil, err
	}
	return nil, iamDetach(&r.attached, arn)
}

func iamListAttachedRolePolicies(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	r, err := iamFindRole(c, "iam:ListAttachedRolePolicies", name)
	if err != nil {
		return nil, err
	}
	return iamAttachedPage(c, r.attached)
}

func iamAttachUserPolicy(c *call) (any, error) {
	name, err := iamName(c, "UserName", 64)
	if err != nil {
		return nil, err
	}
	arn, err := iamPolicyARN(c)
	if err != nil {
		return nil, err
	}
	u, err := iamFindUser(c, "iam:AttachUserPolicy", name)
	if err != nil {
		return nil, err
	}
	return nil, iamAttach(c, &u.attached, arn, "PoliciesPerUser")
}

func iamDetachUserPolicy(c *call) (any, error) {
	name, err := iamName(c, "UserName", 64)
	if err != nil {
		return nil, err
	}
	arn, err := iamPolicyARN(c)
	if err != nil {
		return nil, err
	}
	u, err := iamFindUser(c, "iam:DetachUserPolicy", name)
	if err != nil {
		return nil, err
	}
	return nil, iamDetach(&u.attached, arn)
}

func iamListAttachedUserPolicies(c *call) (any, error) {
	name, err := iamName(c, "UserName", 64)
	if err != nil {
		return nil, err
	}
	u, err := iamFindUser(c, "iam:ListAttachedUserPolicies", name)
	if err != nil {
		return nil, err
	}
	return iamAttachedPage(c, u.attached)
}
