package awssim

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

const (
	// IAM's quota on a managed policy, in non-white-space characters.
	iamManagedPolicyMax = 6144
	// A managed policy keeps at most five versions.
	iamMaxPolicyVersions = 5
)

type iamPolicyResult struct {
	Policy iamPolicyXML
}

type iamListPoliciesResult struct {
	Policies    iamList[iamPolicyXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

type iamPolicyVersionResult struct {
	PolicyVersion iamPolicyVersionXML
}

type iamListPolicyVersionsResult struct {
	Versions    iamList[iamPolicyVersionXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

var (
	iamPolicyARNPattern = regexp.MustCompile(`^arn:aws:iam::(aws|\d{12}):policy/`)
	iamVersionPattern   = regexp.MustCompile(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)
)

// iamPolicyARN reads a PolicyArn parameter; IAM refuses anything that is
// not a policy ARN before looking it up.
func iamPolicyARN(c *call) (string, error) {
	arn, err := iamRequired(c, "PolicyArn")
	if err != nil {
		return "", err
	}
	if len(arn) < 20 {
		return "", validationError("1 validation error detected: Value '%s' at 'policyArn' failed to satisfy constraint: Member must have length greater than or equal to 20", arn)
	}
	if !iamPolicyARNPattern.MatchString(arn) {
		return "", iamInvalidInput("ARN %s is not valid.", arn)
	}
	return arn, nil
}

func iamVersionID(c *call) (string, error) {
	v, err := iamRequired(c, "VersionId")
	if err != nil {
		return "", err
	}
	if !iamVersionPattern.MatchString(v) {
		return "", validationError("1 validation error detected: Value '%s' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?", v)
	}
	return v, nil
}

func iamPolicyNotFound(arn string) *APIError {
	return iamNoSuchEntity("Policy %s was not found.", arn)
}

// iamAttachmentCount is how many users and roles of the account have the
// policy attached.
func iamAttachmentCount(a *account, arn string) int {
	n := 0
	for _, u := range a.iam.users {
		if slices.Contains(u.attached, arn) {
			n++
		}
	}
	for _, r := range a.iam.roles {
		if slices.Contains(r.attached, arn) {
			n++
		}
	}
	return n
}

// iamManagedOut renders a customer managed policy. full adds what only
// GetPolicy shows.
func iamManagedOut(a *account, p *managedPolicy, full bool) iamPolicyXML {
	out := iamPolicyXML{
		PolicyName: p.name, PolicyID: p.id, Arn: p.arn, Path: p.path, DefaultVersionID: p.defaultVersion,
		AttachmentCount: iamAttachmentCount(a, p.arn), IsAttachable: true,
		CreateDate: xmlTime(p.created), UpdateDate: xmlTime(p.updated),
	}
	if full {
		out.Description = p.description
		out.Tags = iamTagList(iamPolicyTags(p))
	}
	return out
}

// iamAWSManagedOut renders an AWS managed policy as the caller's account
// sees it (attachment counts are per account).
func iamAWSManagedOut(a *account, info policy.ManagedPolicyInfo, full bool) iamPolicyXML {
	out := iamPolicyXML{
		PolicyName: info.Name, PolicyID: stableID("ANPA", info.ARN), Arn: info.ARN, Path: info.Path, DefaultVersionID: info.VersionID,
		AttachmentCount: iamAttachmentCount(a, info.ARN), IsAttachable: true,
		CreateDate: xmlTime(iamAWSManagedCreated), UpdateDate: xmlTime(iamAWSManagedCreated),
	}
	if full {
		out.Description = info.Description
	}
	return out
}

// iamIsAWSManaged reports whether arn names an AWS managed policy (one this
// simulator knows or not).
func iamIsAWSManaged(arn string) bool { return strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") }

// iamCustomerPolicy finds a customer managed policy of the caller's account.
func iamCustomerPolicy(c *call, arn string) *managedPolicy {
	if accountOfARN(arn) != c.caller.account {
		return nil
	}
	return c.account().iam.policies[arn]
}

// iamAWSManagedDenied is IAM's answer to changing an AWS managed policy:
// it belongs to AWS, not to the caller's account.
func iamAWSManagedDenied(c *call, action, arn string) *APIError {
	return apiErr(http.StatusForbidden, "AccessDenied", "User: %s is not authorized to perform: %s on resource: policy %s", c.caller.arn, action, arn)
}

// iamManagedDocument parses a managed policy document with IAM's rules:
// the size quota, identity-policy grammar, and Version 2012-10-17.
func iamManagedDocument(c *call, text string) (policyDoc, error) {
	if iamPolicySize(text) > iamManagedPolicyMax {
		return policyDoc{}, iamLimitExceeded("Cannot exceed quota for PolicySize: %d", iamManagedPolicyMax)
	}
	d, err := c.s.parsePolicy(text, policy.KindIdentity)
	if err != nil {
		return policyDoc{}, iamMalformed(err)
	}
	if err := d.doc.RequireCurrentVersion(); err != nil {
		return policyDoc{}, iamMalformed(err)
	}
	return d, nil
}

func iamCreatePolicy(c *call) (any, error) {
	name, err := iamName(c, "PolicyName", 128)
	if err != nil {
		return nil, err
	}
	text, err := iamRequired(c, "PolicyDocument")
	if err != nil {
		return nil, err
	}
	path, err := iamPath(c, true)
	if err != nil {
		return nil, err
	}
	desc, _, err := iamDescription(c, 1000)
	if err != nil {
		return nil, err
	}
	tags, err := iamTags(c)
	if err != nil {
		return nil, err
	}
	a := c.account()
	arn := "arn:aws:iam::" + a.id + ":policy" + path + name
	if err := c.can("iam:CreatePolicy", arn); err != nil {
		return nil, err
	}
	for _, p := range a.iam.policies {
		if strings.EqualFold(p.name, name) {
			return nil, iamAlreadyExists("A policy called %s already exists. Duplicate names are not allowed.", name)
		}
	}
	doc, err := iamManagedDocument(c, text)
	if err != nil {
		return nil, err
	}
	p := &managedPolicy{name: name, path: path, id: stableID("ANPA", arn+c.now.String()), arn: arn, description: desc,
		created: c.now, updated: c.now, defaultVersion: "v1",
		versions: []*policyVersion{{id: "v1", doc: doc, created: c.now}}}
	tagMap := map[string]string{}
	if err := iamApplyTags(tagMap, tags); err != nil {
		return nil, err
	}
	a.iam.policies[arn] = p
	iamSetPolicyTags(p, tagMap)
	out := iamManagedOut(a, p, true)
	out.Description = "" // only GetPolicy shows the description
	return &iamPolicyResult{Policy: out}, nil
}

func iamGetPolicy(c *call) (any, error) {
	arn, err := iamPolicyARN(c)
	if err != nil {
		return nil, err
	}
	if err := c.can("iam:GetPolicy", arn); err != nil {
		return nil, err
	}
	if info, ok := policy.AWSManagedInfo(arn); ok {
		return &iamPolicyResult{Policy: iamAWSManagedOut(c.account(), info, true)}, nil
	}
	p := iamCustomerPolicy(c, arn)
	if p == nil {
		return nil, iamPolicyNotFound(arn)
	}
	return &iamPolicyResult{Policy: iamManagedOut(c.account(), p, true)}, nil
}

func iamVersionOut(p *managedPolicy, v *policyVersion, withDoc bool) iamPolicyVersionXML {
	out := iamPolicyVersionXML{VersionID: v.id, IsDefaultVersion: v.id == p.defaultVersion, CreateDate: xmlTime(v.created)}
	if withDoc {
		out.Document = iamURLEncode(v.doc.text)
	}
	return out
}

func iamVersionNotFound(arn, version string) *APIError {
	return iamNoSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, version)
}

func iamGetPolicyVersion(c *call) (any, error) {
	arn, err := iamPolicyARN(c)
	if err != nil {
		return nil, err
	}
	version, err := iamVersionID(c)
	if err != nil {
		return nil, err
	}
	if err := c.can("iam:GetPolicyVersion", arn); err != nil {
		return nil, err
	}
	if info, ok := policy.AWSManagedInfo(arn); ok {
		d, _ := policy.AWSManaged(arn)
		if version != info.VersionID || d == nil {
			return nil, iamVersionNotFound(arn, version)
		}
		return &iamPolicyVersionResult{PolicyVersion: iamPolicyVersionXML{
			Document: iamURLEncode(d.Raw), VersionID: info.VersionID, IsDefaultVersion: true, CreateDate: xmlTime(iamAWSManagedCreated),
		}}, nil
	}
	p := iamCustomerPolicy(c, arn)
	if p == nil {
		return nil, iamPolicyNotFound(arn)
	}
	for _, v := range p.versions {
		if v.id == version {
			return &iamPolicyVersionResult{PolicyVersion: iamVersionOut(p, v, true)}, nil
		}
	}
	return nil, iamVersionNotFound(arn, version)
}

func iamListPolicies(c *call) (any, error) {
	scope := c.params.get("Scope")
	switch scope {
	case "":
		scope = "All"
	case "All", "AWS", "Local":
	default:
		return nil, validationError("1 validation error detected: Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", scope)
	}
	onlyAttached, _, err := c.params.bool("OnlyAttached")
	if err != nil {
		return nil, err
	}
	prefix, err := iamPathPrefix(c)
	if err != nil {
		return nil, err
	}
	usage := c.params.get("PolicyUsageFilter")
	if usage != "" && usage != "PermissionsPolicy" && usage != "PermissionsBoundary" {
		return nil, validationError("1 validation error detected: Value '%s' at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]", usage)
	}
	if err := c.can("iam:ListPolicies", "*"); err != nil {
		return nil, err
	}
	a := c.account()
	var all []iamPolicyXML
	if usage != "PermissionsBoundary" { // no entity here has a permissions boundary
		if scope != "Local" {
			for _, arn := range policy.AWSManagedARNs() {
				if info, ok := policy.AWSManagedInfo(arn); ok {
					all = append(all, iamAWSManagedOut(a, info, false))
				}
			}
		}
		if scope != "AWS" {
			for _, p := range a.iam.policies {
				all = append(all, iamManagedOut(a, p, false))
			}
		}
	}
	var list []iamPolicyXML
	for _, p := range all {
		if strings.HasPrefix(p.Path, prefix) && (!onlyAttached || p.AttachmentCount > 0) {
			list = append(list, p)
		}
	}
	key := func(p iamPolicyXML) string { return p.PolicyName + "\x00" + p.Arn }
	slices.SortFunc(list, func(x, y iamPolicyXML) int { return strings.Compare(key(x), key(y)) })
	page, pg, err := iamPaginate(c, list, key)
	if err != nil {
		return nil, err
	}
	return &iamListPoliciesResult{Policies: iamList[iamPolicyXML]{Members: page}, IsTruncated: pg.truncated, Marker: pg.marker}, nil
}

// iamWritablePolicy authorizes a change to a customer managed policy and
// returns it.
func iamWritablePolicy(c *call, action, arn string) (*managedPolicy, error) {
	if err := c.can(action, arn); err != nil {
		return nil, err
	}
	if iamIsAWSManaged(arn) {
		if _, ok := policy.AWSManagedInfo(arn); ok {
			return nil, iamAWSManagedDenied(c, action, arn)
		}
	}
	p := iamCustomerPolicy(c, arn)
	if p == nil {
		return nil, iamPolicyNotFound(arn)
	}
	return p, nil
}

func iamCreatePolicyVersion(c *call) (any, error) {
	arn, err := iamPolicyARN(c)
	if err != nil {
		return nil, err
	}
	text, err := iamRequired(c, "PolicyDocument")
	if err != nil {
		return nil, err
	}
	setDefault, _, err := c.params.bool("SetAsDefault")
	if err != nil {
		return nil, err
	}
	p, err := iamWritablePolicy(c, "iam:CreatePolicyVersion", arn)
	if err != nil {
		return nil, err
	}
	doc, err := iamManagedDocument(c, text)
	if err != nil {
		return nil, err
	}
	if len(p.versions) >= iamMaxPolicyVersions {
		return nil, iamLimitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", iamMaxPolicyVersions)
	}
	v := &policyVersion{id: fmt.Sprintf("v%d", iamNextVersionID(p)), doc: doc, created: c.now}
	p.versions = append(p.versions, v)
	if setDefault {
		p.defaultVersion = v.id
	}
	p.updated = c.now
	return &iamPolicyVersionResult{PolicyVersion: iamVersionOut(p, v, false)}, nil
}

func iamListPolicyVersions(c *call) (any, error) {
	arn, err := iamPolicyARN(c)
	if err != nil {
		return nil, err
	}
	if err := c.can("iam:ListPolicyVersions", arn); err != nil {
		return nil, err
	}
	var versions []iamPolicyVersionXML
	if info, ok := policy.AWSManagedInfo(arn); ok {
		versions = append(versions, iamPolicyVersionXML{VersionID: info.VersionID, IsDefaultVersion: true, CreateDate: xmlTime(iamAWSManagedCreated)})
	} else {
		p := iamCustomerPolicy(c, arn)
		if p == nil {
			return nil, iamPolicyNotFound(arn)
		}
		// Newest first, as IAM lists them.
		for i := len(p.versions) - 1; i >= 0; i-- {
			versions = append(versions, iamVersionOut(p, p.versions[i], false))
		}
	}
	index := map[string]int{}
	for i, v := range versions {
		index[v.VersionID] = i
	}
	page, pg, err := iamPaginate(c, versions, func(v iamPolicyVersionXML) string { return fmt.Sprintf("%06d", index[v.VersionID]) })
	if err != nil {
		return nil, err
	}
	return &iamListPolicyVersionsResult{Versions: iamList[iamPolicyVersionXML]{Members: page}, IsTruncated: pg.truncated, Marker: pg.marker}, nil
}

func iamDeletePolicyVersion(c *call) (any, error) {
	arn, err := iamPolicyARN(c)
	if err != nil {
		return nil, err
	}
	version, err := iamVersionID(c)
	if err != nil {
		return nil, err
	}
	p, err := iamWritablePolicy(c, "iam:DeletePolicyVersion", arn)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(p.versions, func(v *policyVersion) bool { return v.id == version })
	if i < 0 {
		return nil, iamVersionNotFound(arn, version)
	}
	if version == p.defaultVersion {
		return nil, iamDeleteConflict("Cannot delete the default version of a policy.")
	}
	p.versions = slices.Delete(p.versions, i, i+1)
	return nil, nil
}

func iamSetDefaultPolicyVersion(c *call) (any, error) {
	arn, err := iamPolicyARN(c)
	if err != nil {
		return nil, err
	}
	version, err := iamVersionID(c)
	if err != nil {
		return nil, err
	}
	p, err := iamWritablePolicy(c, "iam:SetDefaultPolicyVersion", arn)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(p.versions, func(v *policyVersion) bool { return v.id == version }) {
		return nil, iamVersionNotFound(arn, version)
	}
	p.defaultVersion = version
	p.updated = c.now
	return nil, nil
}

func iamDeletePolicy(c *call) (any, error) {
	arn, err := iamPolicyARN(c)
	if err != nil {
		return nil, err
	}
	p, err := iamWritablePolicy(c, "iam:DeletePolicy", arn)
	if err != nil {
		return nil, err
	}
	a := c.account()
	if iamAttachmentCount(a, arn) > 0 {
		return nil, iamDeleteConflict("Cannot delete a policy attached to entities.")
	}
	if len(p.versions) > 1 {
		return nil, iamDeleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	delete(a.iam.policies, arn)
	iamSetPolicyTags(p, nil)
	return nil, nil
}
