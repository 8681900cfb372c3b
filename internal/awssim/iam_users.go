package awssim

import (
	"strings"
)

type iamUserResult struct {
	User iamUserXML
}

type iamListUsersResult struct {
	Users       iamList[iamUserXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

type iamTagsResult struct {
	Tags        iamList[iamTagXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

// iamUserARN is the ARN a user action is authorized against: the user's
// own, or the path-less form for a user that doesn't exist.
func iamUserARN(c *call, name string) string {
	if u := c.account().iam.users[name]; u != nil {
		return u.arn
	}
	return iamARN(c.caller.account, "user", "/", name)
}

// iamFindUser authorizes action on the named user and returns it.
func iamFindUser(c *call, action, name string) (*iamUser, error) {
	if err := c.can(action, iamUserARN(c, name)); err != nil {
		return nil, err
	}
	u := c.account().iam.users[name]
	if u == nil {
		return nil, iamUserNotFound(name)
	}
	return u, nil
}

func iamCreateUser(c *call) (any, error) {
	name, err := iamName(c, "UserName", 64)
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
	arn := iamARN(c.caller.account, "user", path, name)
	if err := c.can("iam:CreateUser", arn); err != nil {
		return nil, err
	}
	users := c.account().iam.users
	for existing := range users {
		if strings.EqualFold(existing, name) {
			return nil, iamAlreadyExists("User with name %s already exists.", name)
		}
	}
	u := &iamUser{name: name, path: path, id: stableID("AIDA", arn+c.now.String()), arn: arn, created: c.now,
		inline: map[string]policyDoc{}, tags: map[string]string{}}
	if err := iamApplyTags(u.tags, tags); err != nil {
		return nil, err
	}
	users[name] = u
	return &iamUserResult{User: iamUserOut(u, true)}, nil
}

func iamGetUser(c *call) (any, error) {
	name, err := iamOptionalName(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	if name == "" {
		switch c.caller.kind {
		case kindRoot:
			// The root user has no user name or path.
			if err := c.can("iam:GetUser", c.caller.arn); err != nil {
				return nil, err
			}
			return &iamUserResult{User: iamUserXML{UserID: c.caller.account, Arn: c.caller.arn, CreateDate: xmlTime(c.account().joined)}}, nil
		case kindRoleSession:
			return nil, validationError("Must specify userName when calling with non-User credentials")
		}
		name = c.caller.userName
	}
	u, err := iamFindUser(c, "iam:GetUser", name)
	if err != nil {
		return nil, err
	}
	return &iamUserResult{User: iamUserOut(u, true)}, nil
}

func iamListUsers(c *call) (any, error) {
	prefix, err := iamPathPrefix(c)
	if err != nil {
		return nil, err
	}
	if err := c.can("iam:ListUsers", "*"); err != nil {
		return nil, err
	}
	var users []*iamUser
	for _, u := range iamSorted(c.account().iam.users) {
		if strings.HasPrefix(u.path, prefix) {
			users = append(users, u)
		}
	}
	page, pg, err := iamPaginate(c, users, func(u *iamUser) string { return u.name })
	if err != nil {
		return nil, err
	}
	out := &iamListUsersResult{IsTruncated: pg.truncated, Marker: pg.marker}
	for _, u := range page {
		out.Users.Members = append(out.Users.Members, iamUserOut(u, false))
	}
	return out, nil
}

func iamDeleteUser(c *call) (any, error) {
	name, err := iamName(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	u, err := iamFindUser(c, "iam:DeleteUser", name)
	if err != nil {
		return nil, err
	}
	a := c.account()
	switch {
	case len(u.keys) > 0:
		return nil, iamDeleteConflict("Cannot delete entity, must delete access keys first.")
	case len(u.attached) > 0:
		return nil, iamDeleteConflict("Cannot delete entity, must detach all policies first.")
	case len(u.inline) > 0:
		return nil, iamDeleteConflict("Cannot delete entity, must delete policies first.")
	}
	for _, d := range a.iam.mfaDevices {
		if d.user == name {
			return nil, iamDeleteConflict("Cannot delete entity, must delete MFA device first.")
		}
	}
	delete(a.iam.users, name)
	return nil, nil
}

func iamTagUser(c *call) (any, error) {
	name, err := iamName(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	tags, err := iamTags(c)
	if err != nil {
		return nil, err
	}
	u, err := iamFindUser(c, "iam:TagUser", name)
	if err != nil {
		return nil, err
	}
	if u.tags == nil {
		u.tags = map[string]string{}
	}
	return nil, iamApplyTags(u.tags, tags)
}

func iamUntagUser(c *call) (any, error) {
	name, err := iamName(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	keys, err := iamTagKeys(c)
	if err != nil {
		return nil, err
	}
	u, err := iamFindUser(c, "iam:UntagUser", name)
	if err != nil {
		return nil, err
	}
	iamRemoveTags(u.tags, keys)
	return nil, nil
}

func iamListUserTags(c *call) (any, error) {
	name, err := iamName(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	u, err := iamFindUser(c, "iam:ListUserTags", name)
	if err != nil {
		return nil, err
	}
	return iamTagsPage(c, u.tags)
}

// iamTagsPage is the answer of the ListXTags actions.
func iamTagsPage(c *call, tags map[string]string) (any, error) {
	page, pg, err := iamPaginate(c, iamSortedTags(tags), func(t iamTagXML) string { return t.Key })
	if err != nil {
		return nil, err
	}
	return &iamTagsResult{Tags: iamList[iamTagXML]{Members: page}, IsTruncated: pg.truncated, Marker: pg.marker}, nil
}
