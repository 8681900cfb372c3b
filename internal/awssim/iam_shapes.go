package awssim

import "time"

// XML shapes of IAM's responses, named as in the service model. IAM names
// every list member "member".

// iamList is a list element that is present even when empty (<Roles/>),
// as IAM renders required and result lists. Optional lists are pointers to
// one: encoding/xml writes the parent of an empty "a>b" field regardless of
// omitempty.
type iamList[T any] struct {
	Members []T `xml:"member"`
}

type iamTagXML struct {
	Key   string
	Value string
}

type iamUserXML struct {
	Path       string `xml:",omitempty"`
	UserName   string `xml:",omitempty"`
	UserID     string `xml:"UserId"`
	Arn        string
	CreateDate string
	Tags       *iamList[iamTagXML] `xml:",omitempty"`
}

func iamUserOut(u *iamUser, withTags bool) iamUserXML {
	out := iamUserXML{Path: u.path, UserName: u.name, UserID: u.id, Arn: u.arn, CreateDate: xmlTime(u.created)}
	if withTags {
		out.Tags = iamTagList(u.tags)
	}
	return out
}

type iamRoleLastUsedXML struct {
	LastUsedDate string `xml:",omitempty"`
	Region       string `xml:",omitempty"`
}

type iamRoleXML struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string              `xml:",omitempty"`
	Description              string              `xml:",omitempty"`
	MaxSessionDuration       int32               `xml:",omitempty"`
	Tags                     *iamList[iamTagXML] `xml:",omitempty"`
	RoleLastUsed             *iamRoleLastUsedXML
}

// iamRoleOut renders a role. full adds what GetRole and CreateRole show
// and the List actions leave out (tags, last use).
func iamRoleOut(r *iamRole, full bool) iamRoleXML {
	out := iamRoleXML{
		Path: r.path, RoleName: r.name, RoleID: r.id, Arn: r.arn, CreateDate: xmlTime(r.created),
		AssumeRolePolicyDocument: iamURLEncode(r.trust.text), Description: r.description, MaxSessionDuration: r.maxSession,
	}
	if full {
		out.Tags = iamTagList(r.tags)
		out.RoleLastUsed = &iamRoleLastUsedXML{}
		if !r.lastUsed.IsZero() {
			out.RoleLastUsed.LastUsedDate = xmlTime(r.lastUsed)
		}
	}
	return out
}

type iamPolicyXML struct {
	PolicyName                    string
	PolicyID                      string `xml:"PolicyId"`
	Arn                           string
	Path                          string
	DefaultVersionID              string `xml:"DefaultVersionId"`
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    string
	UpdateDate                    string
	Tags                          *iamList[iamTagXML] `xml:",omitempty"`
}

type iamPolicyVersionXML struct {
	Document         string `xml:",omitempty"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool
	CreateDate       string
}

type iamAttachedPolicyXML struct {
	PolicyName string
	PolicyArn  string
}

type iamAccessKeyXML struct {
	UserName        string
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string
	SecretAccessKey string `xml:",omitempty"`
	CreateDate      string
}

func iamKeyStatus(k *accessKey) string {
	if k.active {
		return "Active"
	}
	return "Inactive"
}

type iamInstanceProfileXML struct {
	Path                string
	InstanceProfileName string
	InstanceProfileID   string `xml:"InstanceProfileId"`
	Arn                 string
	CreateDate          string
	Roles               iamList[iamRoleXML]
	Tags                *iamList[iamTagXML] `xml:",omitempty"`
}

type iamVirtualMFADeviceXML struct {
	SerialNumber     string
	Base32StringSeed string              `xml:",omitempty"`
	User             *iamUserXML         `xml:",omitempty"`
	EnableDate       string              `xml:",omitempty"`
	Tags             *iamList[iamTagXML] `xml:",omitempty"`
}

type iamMFADeviceXML struct {
	UserName     string
	SerialNumber string
	EnableDate   string
}

// iamAWSManagedCreated is the creation date IAM shows for the AWS managed
// policies (the day managed policies were introduced).
var iamAWSManagedCreated = time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)
