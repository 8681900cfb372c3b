package awssim

import (
	"slices"
	"strings"
)

type iamInstanceProfileResult struct {
	InstanceProfile iamInstanceProfileXML
}

type iamListInstanceProfilesResult struct {
	InstanceProfiles iamList[iamInstanceProfileXML]
	IsTruncated      bool
	Marker           string `xml:",omitempty"`
}

// iamProfileOut renders an instance profile with its role. Roles that no
// longer exist (a world file may name any) are left out.
func iamProfileOut(a *account, p *instanceProfile, withTags bool) iamInstanceProfileXML {
	out := iamInstanceProfileXML{Path: p.path, InstanceProfileName: p.name, InstanceProfileID: p.id, Arn: p.arn, CreateDate: xmlTime(p.created)}
	out.Roles.Members = []iamRoleXML{}
	for _, name := range p.roles {
		if r := a.iam.roles[name]; r != nil {
			out.Roles.Members = append(out.Roles.Members, iamRoleOut(r, false))
		}
	}
	if withTags {
		out.Tags = iamTagList(iamProfileTags(p))
	}
	return out
}

func iamProfileARN(c *call, name string) string {
	if p := c.account().iam.instanceProfiles[name]; p != nil {
		return p.arn
	}
	return iamARN(c.caller.account, "instance-profile", "/", name)
}

// iamFindProfile authorizes action on the named instance profile and returns it.
func iamFindProfile(c *call, action, name string) (*instanceProfile, error) {
	if err := c.can(action, iamProfileARN(c, name)); err != nil {
		return nil, err
	}
	p := c.account().iam.instanceProfiles[name]
	if p == nil {
		return nil, iamNoSuchEntity("Instance Profile %s cannot be found.", name)
	}
	return p, nil
}

func iamCreateInstanceProfile(c *call) (any, error) {
	name, err := iamName(c, "InstanceProfileName", 128)
	if err != nil {
		return nil, err
	}
	path, err := iamPath(c, false)
	if err != nil {
		return nil, err
	}
	tags, err := iamTags(c)
	if err != nil {
		return nil, err
	}
	a := c.account()
	arn := iamARN(a.id, "instance-profile", path, name)
	if err := c.can("iam:CreateInstanceProfile", arn); err != nil {
		return nil, err
	}
	for existing := range a.iam.instanceProfiles {
		if strings.EqualFold(existing, name) {
			return nil, iamAlreadyExists("Instance Profile %s already exists.", name)
		}
	}
	tagMap := map[string]string{}
	if err := iamApplyTags(tagMap, tags); err != nil {
		return nil, err
	}
	p := &instanceProfile{name: name, path: path, id: stableID("AIPA", arn+c.now.String()), arn: arn, created: c.now}
	a.iam.instanceProfiles[name] = p
	iamSetProfileTags(p, tagMap)
	return &iamInstanceProfileResult{InstanceProfile: iamProfileOut(a, p, true)}, nil
}

func iamGetInstanceProfile(c *call) (any, error) {
	name, err := iamName(c, "InstanceProfileName", 128)
	if err != nil {
		return nil, err
	}
	p, err := iamFindProfile(c, "iam:GetInstanceProfile", name)
	if err != nil {
		return nil, err
	}
	return &iamInstanceProfileResult{InstanceProfile: iamProfileOut(c.account(), p, true)}, nil
}

// iamProfilesPage lists instance profiles sorted by name.
func iamProfilesPage(c *call, keep func(*instanceProfile) bool) (any, error) {
	a := c.account()
	var list []*instanceProfile
	for _, p := range iamSorted(a.iam.instanceProfiles) {
		if keep(p) {
			list = append(list, p)
		}
	}
	page, pg, err := iamPaginate(c, list, func(p *instanceProfile) string { return p.name })
	if err != nil {
		return nil, err
	}
	out := &iamListInstanceProfilesResult{IsTruncated: pg.truncated, Marker: pg.marker}
	for _, p := range page {
		out.InstanceProfiles.Members = append(out.InstanceProfiles.Members, iamProfileOut(a, p, false))
	}
	return out, nil
}

func iamListInstanceProfiles(c *call) (any, error) {
	prefix, err := iamPathPrefix(c)
	if err != nil {
		return nil, err
	}
	if err := c.can("iam:ListInstanceProfiles", "*"); err != nil {
		return nil, err
	}
	return iamProfilesPage(c, func(p *instanceProfile) bool { return strings.HasPrefix(p.path, prefix) })
}

func iamListInstanceProfilesForRole(c *call) (any, error) {
	name, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, err
	}
	if _, err := iamFindRole(c, "iam:ListInstanceProfilesForRole", name); err != nil {
		return nil, err
	}
	return iamProfilesPage(c, func(p *instanceProfile) bool { return slices.Contains(p.roles, name) })
}

// iamProfileRoleParams reads and authorizes the instance profile and role
// of AddRoleToInstanceProfile and RemoveRoleFromInstanceProfile.
func iamProfileRoleParams(c *call, action string) (*instanceProfile, *iamRole, error) {
	profileName, err := iamName(c, "InstanceProfileName", 128)
	if err != nil {
		return nil, nil, err
	}
	roleName, err := iamName(c, "RoleName", 64)
	if err != nil {
		return nil, nil, err
	}
	p, err := iamFindProfile(c, action, profileName)
	if err != nil {
		return nil, nil, err
	}
	r := c.account().iam.roles[roleName]
	if r == nil {
		return nil, nil, iamRoleNotFound(roleName)
	}
	return p, r, nil
}

func iamAddRoleToInstanceProfile(c *call) (any, error) {
	p, r, err := iamProfileRoleParams(c, "iam:AddRoleToInstanceProfile")
	if err != nil {
		return nil, err
	}
	// Passing the role to whatever uses the profile needs iam:PassRole.
	if err := c.can("iam:PassRole", r.arn); err != nil {
		return nil, err
	}
	if slices.Contains(p.roles, r.name) {
		return nil, iamAlreadyExists("Role %s is already associated with instance profile %s.", r.name, p.name)
	}
	if len(p.roles) >= 1 {
		return nil, iamLimitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
	}
	p.roles = append(p.roles, r.name)
	return nil, nil
}

func iamRemoveRoleFromInstanceProfile(c *call) (any, error) {
	p, r, err := iamProfileRoleParams(c, "iam:RemoveRoleFromInstanceProfile")
	if err != nil {
		return nil, err
	}
	i := slices.Index(p.roles, r.name)
	if i < 0 {
		return nil, iamNoSuchEntity("Role %s in Instance Profile %s cannot be found.", r.name, p.name)
	}
	p.roles = slices.Delete(p.roles, i, i+1)
	return nil, nil
}

func iamDeleteInstanceProfile(c *call) (any, error) {
	name, err := iamName(c, "InstanceProfileName", 128)
	if err != nil {
		return nil, err
	}
	p, err := iamFindProfile(c, "iam:DeleteInstanceProfile", name)
	if err != nil {
		return nil, err
	}
	if len(p.roles) > 0 {
		return nil, iamDeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
	}
	delete(c.account().iam.instanceProfiles, name)
	iamSetProfileTags(p, nil)
	return nil, nil
}
