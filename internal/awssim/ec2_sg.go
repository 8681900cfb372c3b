package awssim

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// normalizeProtocol turns an IpProtocol value into EC2's canonical form.
func normalizeProtocol(p string) (string, error) {
	switch strings.ToLower(p) {
	case "tcp", "6":
		return "tcp", nil
	case "udp", "17":
		return "udp", nil
	case "icmp", "1":
		return "icmp", nil
	case "-1", "all":
		return "-1", nil
	}
	if n, err := strconv.Atoi(p); err == nil && n >= 0 && n <= 255 {
		return p, nil
	}
	return "", badRequest("InvalidParameterValue", "Invalid value '%s' for IP protocol. Unknown protocol.", p)
}

func (r *ec2Rule) sameAs(o *ec2Rule) bool {
	return r.protocol == o.protocol && r.from == o.from && r.to == o.to && r.cidr == o.cidr && r.groupID == o.groupID
}

// String is the rule as EC2 names it in InvalidPermission.Duplicate.
func (r *ec2Rule) String() string {
	peer := r.cidr
	if peer == "" {
		peer = r.groupID
	}
	if r.protocol == "-1" {
		return fmt.Sprintf("peer: %s, ALL, ALLOW", peer)
	}
	return fmt.Sprintf("peer: %s, %s, from port: %d, to port: %d, ALLOW", peer, strings.ToUpper(r.protocol), r.from, r.to)
}

// securityGroup finds one of the caller's groups by ID.
func (c *call) securityGroup(id string) (*ec2SecurityGroup, error) {
	if g := c.ec2().securityGroups[id]; g != nil {
		return g, nil
	}
	if err := ec2Malformed("InvalidGroupId.Malformed", "sg-", []string{id}); err != nil {
		return nil, err
	}
	return nil, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
}

// targetGroup is the group an Authorize or Revoke call names.
func (c *call) targetGroup() (*ec2SecurityGroup, error) {
	if id := c.params.get("GroupId"); id != "" {
		return c.securityGroup(id)
	}
	if c.params.get("GroupName") != "" {
		return nil, badRequest("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
	}
	return nil, badRequest("MissingParameter", "The request must contain the parameter groupId")
}

// ec2Permissions reads IpPermissions.N (or the legacy flat parameters) as
// one rule per source.
func (c *call) ec2Permissions(g *ec2SecurityGroup) ([]*ec2Rule, error) {
	perms := c.params.structs("IpPermissions")
	if len(perms) == 0 && c.params.get("IpProtocol") != "" {
		flat := params{"IpProtocol": {c.params.get("IpProtocol")}, "FromPort": {c.params.get("FromPort")}, "ToPort": {c.params.get("ToPort")}}
		if cidr := c.params.get("CidrIp"); cidr != "" {
			flat["IpRanges.1.CidrIp"] = []string{cidr}
		}
		perms = []params{flat}
	}
	if len(perms) == 0 {
		return nil, badRequest("MissingParameter", "No ip permissions specified")
	}
	var out []*ec2Rule
	for _, p := range perms {
		proto, err := normalizeProtocol(p.get("IpProtocol"))
		if err != nil {
			return nil, err
		}
		from, err := p.int32("FromPort", -1)
		if err != nil {
			return nil, err
		}
		to, err := p.int32("ToPort", -1)
		if err != nil {
			return nil, err
		}
		switch proto {
		case "-1":
			from, to = -1, -1
		case "tcp", "udp":
			if !p.has("FromPort") || !p.has("ToPort") || from < 0 || to > 65535 || from > to {
				return nil, badRequest("InvalidParameterValue", "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.")
			}
		}
		n := len(out)
		for _, r := range p.structs("IpRanges") {
			cidr := r.get("CidrIp")
			if _, _, err := net.ParseCIDR(cidr); err != nil {
				return nil, badRequest("InvalidParameterValue", "CIDR block %s is malformed", cidr)
			}
			out = append(out, &ec2Rule{protocol: proto, from: from, to: to, cidr: cidr, description: r.get("Description")})
		}
		for _, r := range p.structs("Groups") {
			id, owner := r.get("GroupId"), r.get("UserId")
			if owner == "" {
				owner = c.caller.account
			}
			var src *ec2SecurityGroup
			if a := c.s.accounts[owner]; a != nil {
				e := ec2Of(a, c.region)
				src = e.securityGroups[id]
				if id == "" && r.get("GroupName") != "" && owner == c.caller.account {
					for _, cand := range e.securityGroups {
						if cand.vpcID == g.vpcID && cand.name == r.get("GroupName") {
							src = cand
						}
					}
				}
			}
			if src == nil {
				if id == "" {
					id = r.get("GroupName")
				}
				return nil, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
			}
			out = append(out, &ec2Rule{protocol: proto, from: from, to: to, groupID: src.id, groupOwner: src.owner, description: r.get("Description")})
		}
		if len(out) == n {
			return nil, badRequest("InvalidParameterValue", "The request must contain a source (ipRanges, groups or prefixListIds) for each permission")
		}
	}
	return out, nil
}

type ec2RuleXML struct {
	RuleID      string              `xml:"securityGroupRuleId"`
	GroupID     string              `xml:"groupId"`
	GroupOwner  string              `xml:"groupOwnerId"`
	IsEgress    bool                `xml:"isEgress"`
	IPProtocol  string              `xml:"ipProtocol"`
	FromPort    int32               `xml:"fromPort"`
	ToPort      int32               `xml:"toPort"`
	CidrIPv4    string              `xml:"cidrIpv4,omitempty"`
	Referenced  *ec2ReferencedGroup `xml:"referencedGroupInfo"`
	Description string              `xml:"description,omitempty"`
}

type ec2ReferencedGroup struct {
	GroupID string `xml:"groupId"`
	UserID  string `xml:"userId"`
}

type authorizeIngressResult struct {
	ec2Meta
	Return bool         `xml:"return"`
	Rules  []ec2RuleXML `xml:"securityGroupRuleSet>item"`
}

func ec2AuthorizeSecurityGroupIngress(c *call) (any, error) {
	g, err := c.targetGroup()
	if err != nil {
		return nil, err
	}
	rules, err := c.ec2Permissions(g)
	if err != nil {
		return nil, err
	}
	if err := c.canEC2("AuthorizeSecurityGroupIngress", "security-group", g.id, g.tags); err != nil {
		return nil, err
	}
	for i, r := range rules {
		for _, have := range append(append([]*ec2Rule(nil), g.ingress...), rules[:i]...) {
			if r.sameAs(have) {
				return nil, badRequest("InvalidPermission.Duplicate", "the specified rule \"%s\" already exists", r)
			}
		}
	}
	out := &authorizeIngressResult{Return: true}
	for _, r := range rules {
		r.id = newEC2ID("sgr-")
		g.ingress = append(g.ingress, r)
		x := ec2RuleXML{RuleID: r.id, GroupID: g.id, GroupOwner: g.owner, IPProtocol: r.protocol, FromPort: r.from, ToPort: r.to,
			CidrIPv4: r.cidr, Description: r.description}
		if r.groupID != "" {
			x.Referenced = &ec2ReferencedGroup{GroupID: r.groupID, UserID: r.groupOwner}
		}
		out.Rules = append(out.Rules, x)
	}
	return out, nil
}

func ec2RevokeSecurityGroupIngress(c *call) (any, error) {
	g, err := c.targetGroup()
	if err != nil {
		return nil, err
	}
	var doomed []*ec2Rule
	if ids := c.params.list("SecurityGroupRuleId"); len(ids) > 0 {
		for _, id := range ids {
			var found *ec2Rule
			for _, r := range g.ingress {
				if r.id == id {
					found = r
				}
			}
			if found == nil {
				return nil, badRequest("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
			}
			doomed = append(doomed, found)
		}
	} else {
		rules, err := c.ec2Permissions(g)
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			var found *ec2Rule
			for _, have := range g.ingress {
				if r.sameAs(have) {
					found = have
				}
			}
			if found == nil {
				return nil, badRequest("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
			}
			doomed = append(doomed, found)
		}
	}
	if err := c.canEC2("RevokeSecurityGroupIngress", "security-group", g.id, g.tags); err != nil {
		return nil, err
	}
	kept := g.ingress[:0]
	for _, r := range g.ingress {
		drop := false
		for _, d := range doomed {
			drop = drop || d == r
		}
		if !drop {
			kept = append(kept, r)
		}
	}
	g.ingress = kept
	return nil, nil
}

type createSecurityGroupResult struct {
	ec2Meta
	GroupID string   `xml:"groupId"`
	Tags    []ec2Tag `xml:"tagSet>item"`
}

func ec2CreateSecurityGroup(c *call) (any, error) {
	name, err := c.params.required("GroupName")
	if err != nil {
		return nil, err
	}
	desc, err := c.params.required("GroupDescription")
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(name, "sg-") {
		return nil, badRequest("InvalidParameterValue", "Group names may not be in the format sg-*")
	}
	if len(name) > 255 || len(desc) > 255 {
		return nil, badRequest("InvalidParameterValue", "Value for parameter groupName or groupDescription exceeds 255 characters")
	}
	vpcID := c.params.get("VpcId")
	if vpcID == "" {
		return nil, badRequest("VPCIdNotSpecified", "No default VPC for this user")
	}
	v, err := c.vpcByID(vpcID)
	if err != nil {
		return nil, err
	}
	if err := c.can("ec2:CreateSecurityGroup", c.ec2ARN("security-group", "*")); err != nil {
		return nil, err
	}
	tags, err := c.ec2TagSpecs("security-group")
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	for _, g := range e.securityGroups {
		if g.vpcID == v.id && g.name == name {
			return nil, badRequest("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, v.id)
		}
	}
	g := &ec2SecurityGroup{seq: nextEC2Seq(), id: newEC2ID("sg-"), name: name, description: desc, vpcID: v.id, owner: c.caller.account,
		egress: []*ec2Rule{allowAllEgress(newEC2ID("sgr-"))}, tags: tags}
	e.securityGroups[g.id] = g
	return &createSecurityGroupResult{GroupID: g.id, Tags: ec2TagSet(tags)}, nil
}

type ec2IPRangeXML struct {
	CidrIP      string `xml:"cidrIp"`
	Description string `xml:"description,omitempty"`
}

type ec2GroupPairXML struct {
	UserID      string `xml:"userId"`
	GroupID     string `xml:"groupId"`
	Description string `xml:"description,omitempty"`
}

type ec2PermissionXML struct {
	IPProtocol string            `xml:"ipProtocol"`
	FromPort   *int32            `xml:"fromPort,omitempty"`
	ToPort     *int32            `xml:"toPort,omitempty"`
	Groups     []ec2GroupPairXML `xml:"groups>item"`
	IPRanges   []ec2IPRangeXML   `xml:"ipRanges>item"`
}

type ec2SecurityGroupXML struct {
	OwnerID     string             `xml:"ownerId"`
	GroupID     string             `xml:"groupId"`
	GroupName   string             `xml:"groupName"`
	Description string             `xml:"groupDescription"`
	VpcID       string             `xml:"vpcId"`
	Ingress     []ec2PermissionXML `xml:"ipPermissions>item"`
	Egress      []ec2PermissionXML `xml:"ipPermissionsEgress>item"`
	Tags        []ec2Tag           `xml:"tagSet>item"`
}

// permissionsXML folds rules into IpPermissions, one per protocol and port
// range, as EC2 reports them.
func permissionsXML(rules []*ec2Rule) []ec2PermissionXML {
	var out []ec2PermissionXML
	index := map[string]int{}
	for _, r := range rules {
		key := fmt.Sprint(r.protocol, "/", r.from, "/", r.to)
		i, ok := index[key]
		if !ok {
			p := ec2PermissionXML{IPProtocol: r.protocol}
			if r.protocol != "-1" {
				from, to := r.from, r.to
				p.FromPort, p.ToPort = &from, &to
			}
			i = len(out)
			index[key] = i
			out = append(out, p)
		}
		if r.groupID != "" {
			out[i].Groups = append(out[i].Groups, ec2GroupPairXML{UserID: r.groupOwner, GroupID: r.groupID, Description: r.description})
		} else {
			out[i].IPRanges = append(out[i].IPRanges, ec2IPRangeXML{CidrIP: r.cidr, Description: r.description})
		}
	}
	return out
}

type describeSecurityGroupsResult struct {
	ec2Meta
	Groups    []ec2SecurityGroupXML `xml:"securityGroupInfo>item"`
	NextToken string                `xml:"nextToken,omitempty"`
}

func (g *ec2SecurityGroup) filterValues(f string) []string {
	var out []string
	switch f {
	case "group-id":
		return []string{g.id}
	case "group-name":
		return []string{g.name}
	case "vpc-id":
		return []string{g.vpcID}
	case "description":
		return []string{g.description}
	case "owner-id":
		return []string{g.owner}
	}
	for _, r := range g.ingress {
		switch f {
		case "ip-permission.cidr":
			out = append(out, r.cidr)
		case "ip-permission.group-id":
			out = append(out, r.groupID)
		case "ip-permission.protocol":
			out = append(out, r.protocol)
		case "ip-permission.from-port":
			out = append(out, strconv.Itoa(int(r.from)))
		case "ip-permission.to-port":
			out = append(out, strconv.Itoa(int(r.to)))
		}
	}
	return out
}

func ec2DescribeSecurityGroups(c *call) (any, error) {
	if err := c.can("ec2:DescribeSecurityGroups", "*"); err != nil {
		return nil, err
	}
	filters, err := c.ec2Filters("group-id", "group-name", "vpc-id", "description", "owner-id", "ip-permission.cidr",
		"ip-permission.group-id", "ip-permission.protocol", "ip-permission.from-port", "ip-permission.to-port")
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	list := sortedBySeq(e.securityGroups, func(g *ec2SecurityGroup) uint64 { return g.seq })
	if ids := c.params.list("GroupId"); len(ids) > 0 {
		list = nil
		for _, id := range ids {
			g, err := c.securityGroup(id)
			if err != nil {
				return nil, err
			}
			list = append(list, g)
		}
	}
	if names := c.params.list("GroupName"); len(names) > 0 {
		var named []*ec2SecurityGroup
		for _, n := range names {
			found := false
			for _, g := range list {
				if g.name == n {
					named, found = append(named, g), true
				}
			}
			if !found {
				return nil, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist", n)
			}
		}
		list = named
	}
	var matched []*ec2SecurityGroup
	for _, g := range list {
		if ec2Match(filters, g.tags, g.filterValues) {
			matched = append(matched, g)
		}
	}
	start, end, next, err := c.ec2Page(len(matched))
	if err != nil {
		return nil, err
	}
	out := &describeSecurityGroupsResult{NextToken: next}
	for _, g := range matched[start:end] {
		out.Groups = append(out.Groups, ec2SecurityGroupXML{OwnerID: g.owner, GroupID: g.id, GroupName: g.name, Description: g.description,
			VpcID: g.vpcID, Ingress: permissionsXML(g.ingress), Egress: permissionsXML(g.egress), Tags: ec2TagSet(g.tags)})
	}
	return out, nil
}
