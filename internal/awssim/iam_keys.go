package awssim

import "slices"

// IAM allows two access keys per user.
const iamKeysPerUser = 2

type iamCreateAccessKeyResult struct {
	AccessKey iamAccessKeyXML
}

type iamListAccessKeysResult struct {
	AccessKeyMetadata iamList[iamAccessKeyXML]
	IsTruncated       bool
	Marker            string `xml:",omitempty"`
}

// iamKeyUser is the user a key action names, or the caller.
func iamKeyUser(c *call, action string) (*iamUser, error) {
	name, err := iamOptionalName(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	if name == "" {
		if name, err = iamCallerUser(c); err != nil {
			return nil, err
		}
	}
	return iamFindUser(c, action, name)
}

func newAccessKeyID() string { return "AKIA" + randomString(10)[:16] }

func iamCreateAccessKey(c *call) (any, error) {
	u, err := iamKeyUser(c, "iam:CreateAccessKey")
	if err != nil {
		return nil, err
	}
	if len(u.keys) >= iamKeysPerUser {
		return nil, iamLimitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", iamKeysPerUser)
	}
	id := newAccessKeyID()
	for c.s.keys[id] != nil {
		id = newAccessKeyID()
	}
	p := &principal{kind: kindUser, account: c.caller.account, arn: u.arn, userID: u.id, userName: u.name}
	k := &accessKey{id: id, secret: newSecret(), principal: p, active: true, created: c.now}
	u.keys = append(u.keys, k)
	c.s.keys[id] = k
	return &iamCreateAccessKeyResult{AccessKey: iamAccessKeyXML{
		UserName: u.name, AccessKeyID: k.id, Status: "Active", SecretAccessKey: k.secret, CreateDate: xmlTime(k.created),
	}}, nil
}

func iamListAccessKeys(c *call) (any, error) {
	u, err := iamKeyUser(c, "iam:ListAccessKeys")
	if err != nil {
		return nil, err
	}
	keys := slices.Clone(u.keys)
	slices.SortFunc(keys, func(a, b *accessKey) int {
		if a.id < b.id {
			return -1
		}
		if a.id > b.id {
			return 1
		}
		return 0
	})
	page, pg, err := iamPaginate(c, keys, func(k *accessKey) string { return k.id })
	if err != nil {
		return nil, err
	}
	out := &iamListAccessKeysResult{IsTruncated: pg.truncated, Marker: pg.marker}
	for _, k := range page {
		out.AccessKeyMetadata.Members = append(out.AccessKeyMetadata.Members, iamAccessKeyXML{
			UserName: u.name, AccessKeyID: k.id, Status: iamKeyStatus(k), CreateDate: xmlTime(k.created),
		})
	}
	return out, nil
}

// iamFindKey finds one of the user's keys by ID.
func iamFindKey(c *call, u *iamUser) (int, error) {
	id, err := iamRequired(c, "AccessKeyId")
	if err != nil {
		return 0, err
	}
	for i, k := range u.keys {
		if k.id == id {
			return i, nil
		}
	}
	return 0, iamNoSuchEntity("The Access Key with id %s cannot be found.", id)
}

func iamUpdateAccessKey(c *call) (any, error) {
	if _, err := iamRequired(c, "AccessKeyId"); err != nil {
		return nil, err
	}
	status, err := iamRequired(c, "Status")
	if err != nil {
		return nil, err
	}
	if status != "Active" && status != "Inactive" {
		return nil, validationError("1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", status)
	}
	u, err := iamKeyUser(c, "iam:UpdateAccessKey")
	if err != nil {
		return nil, err
	}
	i, err := iamFindKey(c, u)
	if err != nil {
		return nil, err
	}
	u.keys[i].active = status == "Active"
	return nil, nil
}

func iamDeleteAccessKey(c *call) (any, error) {
	if _, err := iamRequired(c, "AccessKeyId"); err != nil {
		return nil, err
	}
	u, err := iamKeyUser(c, "iam:DeleteAccessKey")
	if err != nil {
		return nil, err
	}
	i, err := iamFindKey(c, u)
	if err != nil {
		return nil, err
	}
	delete(c.s.keys, u.keys[i].id)
	u.keys = slices.Delete(u.keys, i, i+1)
	return nil, nil
}
