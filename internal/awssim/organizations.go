package awssim

import (
	"regexp"
	"sort"
	"strings"
)

func (s *Server) orgActions() map[string]handler {
	return map[string]handler{
		"DescribeOrganization":             orgDescribeOrganization,
		"ListAccounts":                     orgListAccounts,
		"DescribeAccount":                  orgDescribeAccount,
		"ListRoots":                        orgListRoots,
		"ListParents":                      orgListParents,
		"ListChildren":                     orgListChildren,
		"ListOrganizationalUnitsForParent": orgListOUsForParent,
		"DescribeOrganizationalUnit":       orgDescribeOU,
		"ListAccountsForParent":            orgListAccountsForParent,
		"ListTagsForResource":              orgListTagsForResource,
	}
}

var (
	reOrgAccountID = regexp.MustCompile(`^\d{12}$`)
	reOrgRootID    = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
	reOrgOUID      = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
)

// orgInput is the union of the Organizations inputs the simulator reads.
type orgInput struct {
	AccountId            string
	ChildId              string
	ParentId             string
	ChildType            string
	OrganizationalUnitId string
	ResourceId           string
	MaxResults           *int
	NextToken            string
}

// orgCall checks that the caller's account is in the organization and,
// unless memberOK, is its management account, then reads the input.
func (c *call) orgCall(memberOK bool) (*organization, orgInput, error) {
	var in orgInput
	o := c.s.org
	if o == nil || c.s.accounts[c.caller.account] == nil {
		return nil, in, badRequest("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	if !memberOK && c.caller.account != o.managementAccount {
		return nil, in, badRequest("AccessDeniedException", "You don't have permissions to access this resource.")
	}
	if err := c.decodeJSON(&in); err != nil {
		return nil, in, err
	}
	return o, in, nil
}

func (o *organization) accountARN(id string) string {
	return "arn:aws:organizations::" + o.managementAccount + ":account/" + o.id + "/" + id
}

func (o *organization) rootARN() string {
	return "arn:aws:organizations::" + o.managementAccount + ":root/" + o.id + "/" + o.rootID
}

// parentARN is the ARN of the root or an OU; "" if it doesn't exist.
func (o *organization) parentARN(id string) string {
	if id == o.rootID {
		return o.rootARN()
	}
	if ou := o.ous[id]; ou != nil {
		return ou.arn
	}
	return ""
}

type orgAccount struct {
	Id              string    `json:"Id"`
	Arn             string    `json:"Arn"`
	Email           string    `json:"Email"`
	Name            string    `json:"Name"`
	Status          string    `json:"Status"`
	State           string    `json:"State"`
	JoinedMethod    string    `json:"JoinedMethod"`
	JoinedTimestamp epochTime `json:"JoinedTimestamp"`
}

func (o *organization) account(a *account) orgAccount {
	method := "CREATED"
	if a.id == o.managementAccount {
		// The management account created the organization: AWS records it as invited.
		method = "INVITED"
	}
	return orgAccount{Id: a.id, Arn: o.accountARN(a.id), Email: a.email, Name: a.name, Status: a.status, State: a.status,
		JoinedMethod: method, JoinedTimestamp: epochTime(a.joined)}
}

// orgPage applies MaxResults (1–20, default 20) and NextToken to n items.
func orgPage(in orgInput, n int) (start, end int, next string, err error) {
	limit := 20
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 20 {
			return 0, 0, "", badRequest("InvalidInputException", "You provided a value that is outside the allowed range for MaxResults: it must be between 1 and 20.")
		}
		limit = *in.MaxResults
	}
	if in.NextToken != "" {
		m, ok := decodePageToken(in.NextToken)
		if !ok || m > n {
			return 0, 0, "", badRequest("InvalidInputException", "The NextToken value is not valid.")
		}
		start = m
	}
	end = min(start+limit, n)
	if end < n {
		next = encodePageToken(end)
	}
	return start, end, next, nil
}

func errInvalidOrgID(field string) *APIError {
	return badRequest("InvalidInputException", "You specified an invalid value for %s.", field)
}

func orgDescribeOrganization(c *call) (any, error) {
	o, _, err := c.orgCall(true)
	if err != nil {
		return nil, err
	}
	if err := c.can("organizations:DescribeOrganization", "*"); err != nil {
		return nil, err
	}
	mgmt := c.s.accounts[o.managementAccount]
	email := ""
	if mgmt != nil {
		email = mgmt.email
	}
	mgmtARN := o.accountARN(o.managementAccount)
	return map[string]any{"Organization": map[string]any{
		"Id": o.id, "Arn": o.arn, "FeatureSet": "ALL",
		"MasterAccountArn": mgmtARN, "MasterAccountId": o.managementAccount, "MasterAccountEmail": email,
		"AvailablePolicyTypes": []map[string]string{{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}},
	}}, nil
}

// orgAccounts lists the organization's accounts, optionally under one parent.
func (c *call) orgAccounts(o *organization, parent string) []orgAccount {
	var out []orgAccount
	for _, id := range c.s.accountIDsLocked() {
		a := c.s.accounts[id]
		if parent == "" || a.ouID == parent {
			out = append(out, o.account(a))
		}
	}
	return out
}

func orgListAccounts(c *call) (any, error) {
	o, in, err := c.orgCall(false)
	if err != nil {
		return nil, err
	}
	if err := c.can("organizations:ListAccounts", "*"); err != nil {
		return nil, err
	}
	return pagedAccounts(in, c.orgAccounts(o, ""))
}

func pagedAccounts(in orgInput, list []orgAccount) (any, error) {
	start, end, next, err := orgPage(in, len(list))
	if err != nil {
		return nil, err
	}
	return struct {
		Accounts  []orgAccount `json:"Accounts"`
		NextToken string       `json:"NextToken,omitempty"`
	}{append([]orgAccount{}, list[start:end]...), next}, nil
}

func orgDescribeAccount(c *call) (any, error) {
	o, in, err := c.orgCall(false)
	if err != nil {
		return nil, err
	}
	if !reOrgAccountID.MatchString(in.AccountId) {
		return nil, errInvalidOrgID("AccountId")
	}
	if err := c.can("organizations:DescribeAccount", o.accountARN(in.AccountId)); err != nil {
		return nil, err
	}
	a := c.s.accounts[in.AccountId]
	if a == nil {
		return nil, badRequest("AccountNotFoundException", "You specified an account that doesn't exist.")
	}
	return map[string]any{"Account": o.account(a)}, nil
}

func orgListRoots(c *call) (any, error) {
	o, in, err := c.orgCall(false)
	if err != nil {
		return nil, err
	}
	if err := c.can("organizations:ListRoots", "*"); err != nil {
		return nil, err
	}
	if _, _, _, err := orgPage(in, 1); err != nil {
		return nil, err
	}
	return map[string]any{"Roots": []map[string]any{{
		"Id": o.rootID, "Arn": o.rootARN(), "Name": "Root",
		"PolicyTypes": []map[string]string{{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}},
	}}}, nil
}

type orgRef struct {
	Id   string `json:"Id"`
	Type string `json:"Type"`
}

func (o *organization) parentType(id string) string {
	if id == o.rootID {
		return "ROOT"
	}
	return "ORGANIZATIONAL_UNIT"
}

func orgListParents(c *call) (any, error) {
	o, in, err := c.orgCall(false)
	if err != nil {
		return nil, err
	}
	var parent, arn string
	switch {
	case reOrgAccountID.MatchString(in.ChildId):
		arn = o.accountARN(in.ChildId)
		if a := c.s.accounts[in.ChildId]; a != nil {
			parent = a.ouID
		}
	case reOrgOUID.MatchString(in.ChildId):
		if ou := o.ous[in.ChildId]; ou != nil {
			parent, arn = ou.parentID, ou.arn
		}
	default:
		return nil, errInvalidOrgID("ChildId")
	}
	if arn == "" {
		arn = "*"
	}
	if err := c.can("organizations:ListParents", arn); err != nil {
		return nil, err
	}
	if parent == "" {
		return nil, badRequest("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
	}
	if _, _, _, err := orgPage(in, 1); err != nil {
		return nil, err
	}
	return map[string]any{"Parents": []orgRef{{Id: parent, Type: o.parentType(parent)}}}, nil
}

// orgParent validates ParentId and authorizes action on it.
func (c *call) orgParent(o *organization, in orgInput, action string) error {
	if !reOrgRootID.MatchString(in.ParentId) && !reOrgOUID.MatchString(in.ParentId) {
		return errInvalidOrgID("ParentId")
	}
	arn := o.parentARN(in.ParentId)
	res := arn
	if res == "" {
		res = "*"
	}
	if err := c.can(action, res); err != nil {
		return err
	}
	if arn == "" {
		return badRequest("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	}
	return nil
}

type orgOU struct {
	Id   string `json:"Id"`
	Arn  string `json:"Arn"`
	Name string `json:"Name"`
}

// childOUs lists the OUs directly under parent, by name.
func (o *organization) childOUs(parent string) []orgOU {
	var out []orgOU
	for _, ou := range o.ous {
		if ou.parentID == parent {
			out = append(out, orgOU{Id: ou.id, Arn: ou.arn, Name: ou.name})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Id < out[j].Id
	})
	return out
}

func orgListOUsForParent(c *call) (any, error) {
	o, in, err := c.orgCall(false)
	if err != nil {
		return nil, err
	}
	if err := c.orgParent(o, in, "organizations:ListOrganizationalUnitsForParent"); err != nil {
		return nil, err
	}
	list := o.childOUs(in.ParentId)
	start, end, next, err := orgPage(in, len(list))
	if err != nil {
		return nil, err
	}
	return struct {
		OrganizationalUnits []orgOU `json:"OrganizationalUnits"`
		NextToken           string  `json:"NextToken,omitempty"`
	}{append([]orgOU{}, list[start:end]...), next}, nil
}

func orgListAccountsForParent(c *call) (any, error) {
	o, in, err := c.orgCall(false)
	if err != nil {
		return nil, err
	}
	if err := c.orgParent(o, in, "organizations:ListAccountsForParent"); err != nil {
		return nil, err
	}
	return pagedAccounts(in, c.orgAccounts(o, in.ParentId))
}

func orgListChildren(c *call) (any, error) {
	o, in, err := c.orgCall(false)
	if err != nil {
		return nil, err
	}
	if in.ChildType != "ACCOUNT" && in.ChildType != "ORGANIZATIONAL_UNIT" {
		return nil, badRequest("InvalidInputException", "You specified an invalid value for ChildType.")
	}
	if err := c.orgParent(o, in, "organizations:ListChildren"); err != nil {
		return nil, err
	}
	var list []orgRef
	if in.ChildType == "ACCOUNT" {
		for _, a := range c.orgAccounts(o, in.ParentId) {
			list = append(list, orgRef{Id: a.Id, Type: "ACCOUNT"})
		}
	} else {
		for _, ou := range o.childOUs(in.ParentId) {
			list = append(list, orgRef{Id: ou.Id, Type: "ORGANIZATIONAL_UNIT"})
		}
	}
	start, end, next, err := orgPage(in, len(list))
	if err != nil {
		return nil, err
	}
	return struct {
		Children  []orgRef `json:"Children"`
		NextToken string   `json:"NextToken,omitempty"`
	}{append([]orgRef{}, list[start:end]...), next}, nil
}

func orgDescribeOU(c *call) (any, error) {
	o, in, err := c.orgCall(false)
	if err != nil {
		return nil, err
	}
	if !reOrgOUID.MatchString(in.OrganizationalUnitId) {
		return nil, errInvalidOrgID("OrganizationalUnitId")
	}
	ou := o.ous[in.OrganizationalUnitId]
	res := "*"
	if ou != nil {
		res = ou.arn
	}
	if err := c.can("organizations:DescribeOrganizationalUnit", res); err != nil {
		return nil, err
	}
	if ou == nil {
		return nil, badRequest("OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified.")
	}
	return map[string]any{"OrganizationalUnit": orgOU{Id: ou.id, Arn: ou.arn, Name: ou.name}}, nil
}

type orgTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func orgListTagsForResource(c *call) (any, error) {
	o, in, err := c.orgCall(false)
	if err != nil {
		return nil, err
	}
	id := in.ResourceId
	var arn string
	var tags map[string]string
	switch {
	case reOrgAccountID.MatchString(id):
		if a := c.s.accounts[id]; a != nil {
			arn, tags = o.accountARN(id), a.tags
		}
	case reOrgRootID.MatchString(id), reOrgOUID.MatchString(id):
		arn = o.parentARN(id)
	case strings.HasPrefix(id, "p-"):
	default:
		return nil, errInvalidOrgID("ResourceId")
	}
	res := arn
	if res == "" {
		res = "*"
	}
	if err := c.can("organizations:ListTagsForResource", res); err != nil {
		return nil, err
	}
	if arn == "" {
		return nil, badRequest("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.")
	}
	list := make([]orgTag, 0, len(tags))
	for k, v := range tags {
		list = append(list, orgTag{k, v})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Key < list[j].Key })
	return map[string]any{"Tags": list}, nil
}
