package awssim

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"sort"
	"sync/atomic"
	"time"
)

// ec2Region is an account's EC2 resources in one region. Peering
// connections are shared: the same value sits in the requester's and the
// accepter's ec2Region.
type ec2Region struct {
	instances      map[string]*ec2Instance
	associations   map[string]*ec2ProfileAssociation // current IAM instance profile associations, by ID
	vpcs           map[string]*ec2VPC
	subnets        map[string]*ec2Subnet
	routeTables    map[string]*ec2RouteTable
	securityGroups map[string]*ec2SecurityGroup
	peerings       map[string]*ec2Peering
	launches       map[string]*runInstancesResult // by ClientToken
	dhcpOptionsID  string
}

// ready makes the maps; a region's state may be created by another
// account's peering before its own account is loaded.
func (e *ec2Region) ready() *ec2Region {
	if e.instances == nil {
		e.instances = map[string]*ec2Instance{}
		e.associations = map[string]*ec2ProfileAssociation{}
		e.vpcs = map[string]*ec2VPC{}
		e.subnets = map[string]*ec2Subnet{}
		e.routeTables = map[string]*ec2RouteTable{}
		e.securityGroups = map[string]*ec2SecurityGroup{}
		e.peerings = map[string]*ec2Peering{}
		e.launches = map[string]*runInstancesResult{}
		e.dhcpOptionsID = newEC2ID("dopt-")
	}
	return e
}

// ec2Of is an account's EC2 state in a region.
func ec2Of(a *account, region string) *ec2Region { return a.regionLocked(region).ec2.ready() }

// ec2 is the caller's EC2 state in the request's region.
func (c *call) ec2() *ec2Region { return ec2Of(c.account(), c.region) }

type ec2Instance struct {
	seq                                   uint64
	id, region, owner, az, imageID, itype string
	vpcID, subnetID, privateIP, mac       string
	reservationID, state, reason          string
	launched, stateChanged                time.Time
	launchIndex                           int
	groups                                []string
	tags                                  map[string]string
	profile                               *ec2ProfileAssociation // nil when none is associated
}

type ec2ProfileAssociation struct {
	seq                                uint64
	id, instanceID, account            string
	profileName, profileARN, profileID string
	when                               time.Time
}

type ec2VPC struct {
	seq                     uint64
	id, owner, cidr, cidrID string
	isDefault               bool
	tags                    map[string]string
}

type ec2Subnet struct {
	seq                        uint64
	id, vpcID, owner, cidr, az string
	tags                       map[string]string
	nextHost                   uint32 // next private address offset to hand out
}

type ec2RouteTable struct {
	seq               uint64
	id, vpcID, owner  string
	main              bool
	mainAssociationID string
	routes            []*ec2Route
	associations      []*ec2RouteAssociation // explicit subnet associations
	tags              map[string]string
}

type ec2Route struct {
	destination, gatewayID, peeringID, origin string
}

type ec2RouteAssociation struct{ id, subnetID string }

type ec2SecurityGroup struct {
	seq                                 uint64
	id, name, description, vpcID, owner string
	ingress, egress                     []*ec2Rule
	tags                                map[string]string
}

// ec2Rule is one security group rule: a protocol and port range from one
// CIDR or one group.
type ec2Rule struct {
	id, protocol        string
	from, to            int32
	cidr, description   string
	groupID, groupOwner string
}

// ec2PeeringSide is one end of a peering connection.
type ec2PeeringSide struct{ account, region, vpcID string }

type ec2Peering struct {
	seq                 uint64
	id                  string
	requester, accepter ec2PeeringSide
	status, message     string
	accepted            bool                         // the accepter's CIDR is shown once accepted
	expires, ended      time.Time                    // pending requests expire; deleted ones linger a while
	tags                map[string]map[string]string // by account: tags are not shared across accounts
}

// ec2Seq orders resources by creation for stable Describe output.
var ec2Seq atomic.Uint64

func nextEC2Seq() uint64 { return ec2Seq.Add(1) }

// newEC2ID is a fresh AWS-style resource ID: prefix plus 17 hex digits.
func newEC2ID(prefix string) string {
	b := make([]byte, 9)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)[:17]
}

// stableEC2ID derives a resource ID from a seed, so a world always gets the
// same IDs for what it implies (main route tables, default groups).
func stableEC2ID(prefix, seed string) string {
	sum := sha1.Sum([]byte(seed))
	return prefix + hex.EncodeToString(sum[:])[:17]
}

func ec2ARN(region, acct, kind, id string) string {
	return "arn:aws:ec2:" + region + ":" + acct + ":" + kind + "/" + id
}

func (c *call) ec2ARN(kind, id string) string { return ec2ARN(c.region, c.caller.account, kind, id) }

// canEC2 authorizes a mutating action on one of the caller's resources,
// with its tags as aws:ResourceTag keys.
func (c *call) canEC2(action, kind, id string, tags map[string]string) error {
	return c.authorize(authz{action: "ec2:" + action, resource: c.ec2ARN(kind, id), context: tagContext(nil, tags)})
}

func (s *Server) ec2Actions() map[string]handler {
	return map[string]handler{
		"RunInstances":                           ec2RunInstances,
		"DescribeInstances":                      ec2DescribeInstances,
		"TerminateInstances":                     ec2TerminateInstances,
		"StopInstances":                          ec2StopInstances,
		"StartInstances":                         ec2StartInstances,
		"AssociateIamInstanceProfile":            ec2AssociateIamInstanceProfile,
		"DescribeIamInstanceProfileAssociations": ec2DescribeIamInstanceProfileAssociations,
		"DisassociateIamInstanceProfile":         ec2DisassociateIamInstanceProfile,
		"ReplaceIamInstanceProfileAssociation":   ec2ReplaceIamInstanceProfileAssociation,
		"DescribeRegions":                        ec2DescribeRegions,
		"DescribeAvailabilityZones":              ec2DescribeAvailabilityZones,
		"CreateVpc":                              ec2CreateVpc,
		"DescribeVpcs":                           ec2DescribeVpcs,
		"DeleteVpc":                              ec2DeleteVpc,
		"CreateSubnet":                           ec2CreateSubnet,
		"DescribeSubnets":                        ec2DescribeSubnets,
		"DeleteSubnet":                           ec2DeleteSubnet,
		"CreateRouteTable":                       ec2CreateRouteTable,
		"DescribeRouteTables":                    ec2DescribeRouteTables,
		"CreateRoute":                            ec2CreateRoute,
		"DeleteRoute":                            ec2DeleteRoute,
		"AssociateRouteTable":                    ec2AssociateRouteTable,
		"CreateSecurityGroup":                    ec2CreateSecurityGroup,
		"DescribeSecurityGroups":                 ec2DescribeSecurityGroups,
		"AuthorizeSecurityGroupIngress":          ec2AuthorizeSecurityGroupIngress,
		"RevokeSecurityGroupIngress":             ec2RevokeSecurityGroupIngress,
		"CreateVpcPeeringConnection":             ec2CreateVpcPeeringConnection,
		"AcceptVpcPeeringConnection":             ec2AcceptVpcPeeringConnection,
		"DescribeVpcPeeringConnections":          ec2DescribeVpcPeeringConnections,
		"DeleteVpcPeeringConnection":             ec2DeleteVpcPeeringConnection,
		"CreateTags":                             ec2CreateTags,
		"DeleteTags":                             ec2DeleteTags,
		"DescribeTags":                           ec2DescribeTags,
	}
}

// sortedBySeq returns a map's values in creation order.
func sortedBySeq[T any](m map[string]T, seq func(T) uint64) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return seq(out[i]) < seq(out[j]) })
	return out
}
