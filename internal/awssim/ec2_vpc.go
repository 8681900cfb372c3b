package awssim

import (
	"net"
	"strconv"
	"strings"
)

// pickByIDs returns the resources named by ids, or EC2's not-found error
// naming all that are missing.
func pickByIDs[T any](m map[string]T, ids []string, code, what string) ([]T, error) {
	var out []T
	var missing []string
	for _, id := range ids {
		if v, ok := m[id]; ok {
			out = append(out, v)
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, ec2IDsNotFound(code, what, missing)
	}
	return out, nil
}

// parseCIDR accepts only canonical IPv4 CIDR blocks, as EC2 does.
func parseCIDR(s, param string) (*net.IPNet, error) {
	ip, n, err := net.ParseCIDR(s)
	if err != nil || ip.To4() == nil || n.String() != s {
		return nil, badRequest("InvalidParameterValue", "Value (%s) for parameter %s is invalid. This is not a valid CIDR block.", s, param)
	}
	return n, nil
}

func cidrsOverlap(a, b string) bool {
	_, na, err1 := net.ParseCIDR(a)
	_, nb, err2 := net.ParseCIDR(b)
	return err1 == nil && err2 == nil && (na.Contains(nb.IP) || nb.Contains(na.IP))
}

type ec2CidrStateXML struct {
	State string `xml:"state"`
}

type ec2CidrAssocXML struct {
	AssociationID string          `xml:"associationId"`
	CidrBlock     string          `xml:"cidrBlock"`
	State         ec2CidrStateXML `xml:"cidrBlockState"`
}

type ec2VPCXML struct {
	VpcID           string            `xml:"vpcId"`
	OwnerID         string            `xml:"ownerId"`
	State           string            `xml:"state"`
	CidrBlock       string            `xml:"cidrBlock"`
	CidrAssocs      []ec2CidrAssocXML `xml:"cidrBlockAssociationSet>item"`
	DhcpOptionsID   string            `xml:"dhcpOptionsId"`
	InstanceTenancy string            `xml:"instanceTenancy"`
	IsDefault       bool              `xml:"isDefault"`
	Tags            []ec2Tag          `xml:"tagSet>item"`
}

func (e *ec2Region) vpcXML(v *ec2VPC, state string) ec2VPCXML {
	return ec2VPCXML{VpcID: v.id, OwnerID: v.owner, State: state, CidrBlock: v.cidr,
		CidrAssocs:    []ec2CidrAssocXML{{AssociationID: v.cidrID, CidrBlock: v.cidr, State: ec2CidrStateXML{"associated"}}},
		DhcpOptionsID: e.dhcpOptionsID, InstanceTenancy: "default", IsDefault: v.isDefault, Tags: ec2TagSet(v.tags)}
}

type createVpcResult struct {
	ec2Meta
	Vpc ec2VPCXML `xml:"vpc"`
}

// maxVPCsPerRegion is EC2's default VPC quota.
const maxVPCsPerRegion = 5

func ec2CreateVpc(c *call) (any, error) {
	cidr := c.params.get("CidrBlock")
	if cidr == "" {
		return nil, badRequest("MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
	}
	n, err := parseCIDR(cidr, "cidrBlock")
	if err != nil {
		return nil, err
	}
	if ones, _ := n.Mask.Size(); ones < 16 || ones > 28 {
		return nil, badRequest("InvalidVpc.Range", "The CIDR '%s' is invalid.", cidr)
	}
	if err := c.can("ec2:CreateVpc", c.ec2ARN("vpc", "*")); err != nil {
		return nil, err
	}
	tags, err := c.ec2TagSpecs("vpc")
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	if len(e.vpcs) >= maxVPCsPerRegion {
		return nil, badRequest("VpcLimitExceeded", "The maximum number of VPCs has been reached.")
	}
	v := &ec2VPC{seq: nextEC2Seq(), id: newEC2ID("vpc-"), owner: c.caller.account, cidr: cidr, cidrID: newEC2ID("vpc-cidr-assoc-"), tags: tags}
	e.vpcs[v.id] = v
	rt := newRouteTable(newEC2ID("rtb-"), v)
	rt.main, rt.mainAssociationID = true, newEC2ID("rtbassoc-")
	e.routeTables[rt.id] = rt
	sg := defaultSecurityGroup(newEC2ID("sg-"), v)
	e.securityGroups[sg.id] = sg
	return &createVpcResult{Vpc: e.vpcXML(v, "pending")}, nil
}

type describeVpcsResult struct {
	ec2Meta
	Vpcs      []ec2VPCXML `xml:"vpcSet>item"`
	NextToken string      `xml:"nextToken,omitempty"`
}

func ec2DescribeVpcs(c *call) (any, error) {
	if err := c.can("ec2:DescribeVpcs", "*"); err != nil {
		return nil, err
	}
	filters, err := c.ec2Filters("vpc-id", "cidr", "cidr-block-association.cidr-block", "state", "owner-id", "is-default", "dhcp-options-id")
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	list := sortedBySeq(e.vpcs, func(v *ec2VPC) uint64 { return v.seq })
	if ids := c.params.list("VpcId"); len(ids) > 0 {
		if list, err = pickByIDs(e.vpcs, ids, "InvalidVpcID.NotFound", "vpc"); err != nil {
			return nil, err
		}
	}
	var matched []*ec2VPC
	for _, v := range list {
		attrs := func(f string) []string {
			switch f {
			case "vpc-id":
				return []string{v.id}
			case "cidr", "cidr-block-association.cidr-block":
				return []string{v.cidr}
			case "state":
				return []string{"available"}
			case "owner-id":
				return []string{v.owner}
			case "is-default":
				return []string{strconv.FormatBool(v.isDefault)}
			}
			return []string{e.dhcpOptionsID}
		}
		if ec2Match(filters, v.tags, attrs) {
			matched = append(matched, v)
		}
	}
	start, end, next, err := c.ec2Page(len(matched))
	if err != nil {
		return nil, err
	}
	out := &describeVpcsResult{NextToken: next}
	for _, v := range matched[start:end] {
		out.Vpcs = append(out.Vpcs, e.vpcXML(v, "available"))
	}
	return out, nil
}

// vpcByID finds one of the caller's VPCs.
func (c *call) vpcByID(id string) (*ec2VPC, error) {
	if v := c.ec2().vpcs[id]; v != nil {
		return v, nil
	}
	if err := ec2Malformed("InvalidVpcID.Malformed", "vpc-", []string{id}); err != nil {
		return nil, err
	}
	return nil, ec2IDsNotFound("InvalidVpcID.NotFound", "vpc", []string{id})
}

func ec2DeleteVpc(c *call) (any, error) {
	id, err := c.params.required("VpcId")
	if err != nil {
		return nil, err
	}
	v, err := c.vpcByID(id)
	if err != nil {
		return nil, err
	}
	if err := c.canEC2("DeleteVpc", "vpc", v.id, v.tags); err != nil {
		return nil, err
	}
	e := c.ec2()
	busy := false
	for _, s := range e.subnets {
		busy = busy || s.vpcID == v.id
	}
	for _, g := range e.securityGroups {
		busy = busy || g.vpcID == v.id && g.name != "default"
	}
	for _, rt := range e.routeTables {
		busy = busy || rt.vpcID == v.id && !rt.main
	}
	for _, inst := range e.instances {
		busy = busy || inst.vpcID == v.id && inst.state != "terminated"
	}
	if busy {
		return nil, badRequest("DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted.", v.id)
	}
	for id, g := range e.securityGroups {
		if g.vpcID == v.id {
			delete(e.securityGroups, id)
		}
	}
	for id, rt := range e.routeTables {
		if rt.vpcID == v.id {
			delete(e.routeTables, id)
		}
	}
	delete(e.vpcs, v.id)
	return nil, nil
}

type ec2SubnetXML struct {
	SubnetID                string   `xml:"subnetId"`
	SubnetArn               string   `xml:"subnetArn"`
	State                   string   `xml:"state"`
	VpcID                   string   `xml:"vpcId"`
	OwnerID                 string   `xml:"ownerId"`
	CidrBlock               string   `xml:"cidrBlock"`
	AvailableIPAddressCount int      `xml:"availableIpAddressCount"`
	AvailabilityZone        string   `xml:"availabilityZone"`
	AvailabilityZoneID      string   `xml:"availabilityZoneId"`
	DefaultForAz            bool     `xml:"defaultForAz"`
	MapPublicIPOnLaunch     bool     `xml:"mapPublicIpOnLaunch"`
	AssignIpv6OnCreation    bool     `xml:"assignIpv6AddressOnCreation"`
	Tags                    []ec2Tag `xml:"tagSet>item"`
}

// zoneID is the zone ID of one of a region's zones ("" if unknown).
func zoneID(region, zone string) string {
	for _, z := range ec2Zones(region) {
		if z.ZoneName == zone {
			return z.ZoneID
		}
	}
	return ""
}

func (e *ec2Region) subnetXML(region string, s *ec2Subnet, state string) ec2SubnetXML {
	free := 0
	if _, n, err := net.ParseCIDR(s.cidr); err == nil {
		ones, bits := n.Mask.Size()
		free = 1<<uint(bits-ones) - 5
		for _, inst := range e.instances {
			if inst.subnetID == s.id && inst.state != "terminated" {
				free--
			}
		}
	}
	return ec2SubnetXML{SubnetID: s.id, SubnetArn: ec2ARN(region, s.owner, "subnet", s.id), State: state, VpcID: s.vpcID,
		OwnerID: s.owner, CidrBlock: s.cidr, AvailableIPAddressCount: max(free, 0), AvailabilityZone: s.az,
		AvailabilityZoneID: zoneID(region, s.az), Tags: ec2TagSet(s.tags)}
}

type createSubnetResult struct {
	ec2Meta
	Subnet ec2SubnetXML `xml:"subnet"`
}

func ec2CreateSubnet(c *call) (any, error) {
	vpcID, err := c.params.required("VpcId")
	if err != nil {
		return nil, err
	}
	cidr, err := c.params.required("CidrBlock")
	if err != nil {
		return nil, err
	}
	v, err := c.vpcByID(vpcID)
	if err != nil {
		return nil, err
	}
	n, err := parseCIDR(cidr, "cidrBlock")
	if err != nil {
		return nil, err
	}
	_, vn, _ := net.ParseCIDR(v.cidr)
	vOnes, _ := vn.Mask.Size()
	if ones, _ := n.Mask.Size(); ones < vOnes || ones > 28 || !vn.Contains(n.IP) {
		return nil, badRequest("InvalidSubnet.Range", "The CIDR '%s' is invalid.", cidr)
	}
	e := c.ec2()
	for _, s := range e.subnets {
		if s.vpcID == v.id && cidrsOverlap(s.cidr, cidr) {
			return nil, badRequest("InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet", cidr)
		}
	}
	az := c.params.get("AvailabilityZone")
	zones := ec2Zones(c.region)
	if zid := c.params.get("AvailabilityZoneId"); az == "" && zid != "" {
		for _, z := range zones {
			if z.ZoneID == zid {
				az = z.ZoneName
			}
		}
		if az == "" {
			return nil, badRequest("InvalidParameterValue", "Value (%s) for parameter availabilityZoneId is invalid.", zid)
		}
	}
	if az == "" {
		az = zones[0].ZoneName
	}
	if zoneID(c.region, az) == "" {
		var names []string
		for _, z := range zones {
			names = append(names, z.ZoneName)
		}
		return nil, badRequest("InvalidParameterValue", "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s.", az, strings.Join(names, ", "))
	}
	if err := c.can("ec2:CreateSubnet", c.ec2ARN("subnet", "*")); err != nil {
		return nil, err
	}
	tags, err := c.ec2TagSpecs("subnet")
	if err != nil {
		return nil, err
	}
	s := &ec2Subnet{seq: nextEC2Seq(), id: newEC2ID("subnet-"), vpcID: v.id, owner: c.caller.account, cidr: cidr, az: az, tags: tags}
	e.subnets[s.id] = s
	return &createSubnetResult{Subnet: e.subnetXML(c.region, s, "pending")}, nil
}

type describeSubnetsResult struct {
	ec2Meta
	Subnets   []ec2SubnetXML `xml:"subnetSet>item"`
	NextToken string         `xml:"nextToken,omitempty"`
}

func ec2DescribeSubnets(c *call) (any, error) {
	if err := c.can("ec2:DescribeSubnets", "*"); err != nil {
		return nil, err
	}
	filters, err := c.ec2Filters("subnet-id", "vpc-id", "cidr-block", "cidr", "cidrBlock", "availability-zone",
		"availability-zone-id", "state", "owner-id", "default-for-az", "subnet-arn")
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	list := sortedBySeq(e.subnets, func(s *ec2Subnet) uint64 { return s.seq })
	if ids := c.params.list("SubnetId"); len(ids) > 0 {
		if list, err = pickByIDs(e.subnets, ids, "InvalidSubnetID.NotFound", "subnet"); err != nil {
			return nil, err
		}
	}
	var matched []*ec2Subnet
	for _, s := range list {
		attrs := func(f string) []string {
			switch f {
			case "subnet-id":
				return []string{s.id}
			case "vpc-id":
				return []string{s.vpcID}
			case "cidr-block", "cidr", "cidrBlock":
				return []string{s.cidr}
			case "availability-zone":
				return []string{s.az}
			case "availability-zone-id":
				return []string{zoneID(c.region, s.az)}
			case "state":
				return []string{"available"}
			case "owner-id":
				return []string{s.owner}
			case "default-for-az":
				return []string{"false"}
			}
			return []string{ec2ARN(c.region, s.owner, "subnet", s.id)}
		}
		if ec2Match(filters, s.tags, attrs) {
			matched = append(matched, s)
		}
	}
	start, end, next, err := c.ec2Page(len(matched))
	if err != nil {
		return nil, err
	}
	out := &describeSubnetsResult{NextToken: next}
	for _, s := range matched[start:end] {
		out.Subnets = append(out.Subnets, e.subnetXML(c.region, s, "available"))
	}
	return out, nil
}

func ec2DeleteSubnet(c *call) (any, error) {
	id, err := c.params.required("SubnetId")
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	s := e.subnets[id]
	if s == nil {
		return nil, ec2IDsNotFound("InvalidSubnetID.NotFound", "subnet", []string{id})
	}
	if err := c.canEC2("DeleteSubnet", "subnet", s.id, s.tags); err != nil {
		return nil, err
	}
	for _, inst := range e.instances {
		if inst.subnetID == s.id && inst.state != "terminated" {
			return nil, badRequest("DependencyViolation", "The subnet '%s' has dependencies and cannot be deleted.", s.id)
		}
	}
	for _, rt := range e.routeTables {
		kept := rt.associations[:0]
		for _, as := range rt.associations {
			if as.subnetID != s.id {
				kept = append(kept, as)
			}
		}
		rt.associations = kept
	}
	delete(e.subnets, s.id)
	return nil, nil
}
