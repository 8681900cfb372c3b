package awssim

import (
	"time"
)

// hasVPC says whether the VPC (account, region, ID) is one end of p.
func (p *ec2Peering) hasVPC(acct, region, vpcID string) bool {
	for _, side := range []ec2PeeringSide{p.requester, p.accepter} {
		if side.account == acct && side.region == region && side.vpcID == vpcID {
			return true
		}
	}
	return false
}

// peeringGoneAfter is how long deleted, rejected, failed and expired
// peering connections stay visible.
const peeringGoneAfter = 2 * time.Hour

// peeringExpiry is how long a request waits for acceptance.
const peeringExpiry = 7 * 24 * time.Hour

// refresh expires a request nobody accepted in time.
func (p *ec2Peering) refresh(now time.Time) {
	if p.status == "pending-acceptance" && !p.expires.IsZero() && now.After(p.expires) {
		p.status, p.message, p.ended = "expired", peeringMessage("expired", ""), p.expires
	}
}

// visiblePeering is one of the peerings the caller's account sees in the
// request's region, or nil.
func (c *call) visiblePeering(id string) *ec2Peering {
	p := c.ec2().peerings[id]
	if p == nil {
		return nil
	}
	p.refresh(c.now)
	if !p.ended.IsZero() && c.now.Sub(p.ended) > peeringGoneAfter {
		return nil
	}
	return p
}

func (c *call) peering(id string) (*ec2Peering, error) {
	if p := c.visiblePeering(id); p != nil {
		return p, nil
	}
	if err := ec2Malformed("InvalidVpcPeeringConnectionId.Malformed", "pcx-", []string{id}); err != nil {
		return nil, err
	}
	return nil, ec2IDsNotFound("InvalidVpcPeeringConnectionID.NotFound", "vpcPeeringConnection", []string{id})
}

type ec2CidrXML struct {
	CidrBlock string `xml:"cidrBlock"`
}

type ec2PeeringOptionsXML struct {
	AllowDNSResolution bool `xml:"allowDnsResolutionFromRemoteVpc"`
	AllowEgressToCL    bool `xml:"allowEgressFromLocalClassicLinkToRemoteVpc"`
	AllowEgressFromCL  bool `xml:"allowEgressFromLocalVpcToRemoteClassicLink"`
}

type ec2PeeringVpcInfoXML struct {
	CidrBlock      string                `xml:"cidrBlock,omitempty"`
	CidrBlockSet   []ec2CidrXML          `xml:"cidrBlockSet>item"`
	OwnerID        string                `xml:"ownerId"`
	PeeringOptions *ec2PeeringOptionsXML `xml:"peeringOptions"`
	VpcID          string                `xml:"vpcId"`
	Region         string                `xml:"region"`
}

type ec2PeeringStatusXML struct {
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

type ec2PeeringXML struct {
	AccepterVpcInfo  ec2PeeringVpcInfoXML `xml:"accepterVpcInfo"`
	ExpirationTime   string               `xml:"expirationTime,omitempty"`
	RequesterVpcInfo ec2PeeringVpcInfoXML `xml:"requesterVpcInfo"`
	Status           ec2PeeringStatusXML  `xml:"status"`
	Tags             []ec2Tag             `xml:"tagSet>item"`
	ID               string               `xml:"vpcPeeringConnectionId"`
}

// vpcCIDRLocked is the CIDR of a VPC anywhere in the world ("" if unknown).
func (s *Server) vpcCIDRLocked(side ec2PeeringSide) string {
	a := s.accounts[side.account]
	if a == nil {
		return ""
	}
	r := a.regions[side.region]
	if r == nil {
		return ""
	}
	if v := r.ec2.vpcs[side.vpcID]; v != nil {
		return v.cidr
	}
	return ""
}

func (c *call) peeringXML(p *ec2Peering) ec2PeeringXML {
	info := func(side ec2PeeringSide, withCIDR bool) ec2PeeringVpcInfoXML {
		x := ec2PeeringVpcInfoXML{OwnerID: side.account, VpcID: side.vpcID, Region: side.region}
		if cidr := c.s.vpcCIDRLocked(side); withCIDR && cidr != "" {
			x.CidrBlock, x.CidrBlockSet = cidr, []ec2CidrXML{{cidr}}
			x.PeeringOptions = &ec2PeeringOptionsXML{}
		}
		return x
	}
	x := ec2PeeringXML{ID: p.id, Status: ec2PeeringStatusXML{p.status, p.message}, Tags: ec2TagSet(p.tags[c.caller.account]),
		RequesterVpcInfo: info(p.requester, true), AccepterVpcInfo: info(p.accepter, p.accepted)}
	if p.status == "pending-acceptance" && !p.expires.IsZero() {
		x.ExpirationTime = xmlTime(p.expires)
	}
	return x
}

type peeringResult struct {
	ec2Meta
	Peering ec2PeeringXML `xml:"vpcPeeringConnection"`
}

func ec2CreateVpcPeeringConnection(c *call) (any, error) {
	vpcID := c.params.get("VpcId")
	if vpcID == "" {
		return nil, badRequest("VPCIdNotSpecified", "No default VPC for this user")
	}
	v, err := c.vpcByID(vpcID)
	if err != nil {
		return nil, err
	}
	peerVPC, err := c.params.required("PeerVpcId")
	if err != nil {
		return nil, err
	}
	peerOwner := c.params.get("PeerOwnerId")
	if peerOwner == "" {
		peerOwner = c.caller.account
	}
	peerRegion := c.params.get("PeerRegion")
	if peerRegion == "" {
		peerRegion = c.region
	}
	if !c.s.regionSet[peerRegion] {
		return nil, badRequest("InvalidParameterValue", "Peer region %s is invalid", peerRegion)
	}
	if err := c.canEC2("CreateVpcPeeringConnection", "vpc", v.id, v.tags); err != nil {
		return nil, err
	}
	if err := c.can("ec2:CreateVpcPeeringConnection", c.ec2ARN("vpc-peering-connection", "*")); err != nil {
		return nil, err
	}
	tags, err := c.ec2TagSpecs("vpc-peering-connection")
	if err != nil {
		return nil, err
	}
	p := &ec2Peering{seq: nextEC2Seq(), id: newEC2ID("pcx-"), tags: map[string]map[string]string{c.caller.account: tags},
		requester: ec2PeeringSide{account: c.caller.account, region: c.region, vpcID: v.id},
		accepter:  ec2PeeringSide{account: peerOwner, region: peerRegion, vpcID: peerVPC}}
	c.ec2().peerings[p.id] = p
	// A request the peer cannot receive (no such account or VPC, or
	// overlapping ranges) fails after creation, as in EC2.
	peerCIDR := c.s.vpcCIDRLocked(p.accepter)
	peer := c.s.accounts[peerOwner]
	if peer == nil || peerCIDR == "" || cidrsOverlap(v.cidr, peerCIDR) {
		p.status, p.ended = "failed", c.now
	} else {
		p.status, p.expires = "pending-acceptance", c.now.Add(peeringExpiry)
		ec2Of(peer, peerRegion).peerings[p.id] = p
	}
	p.message = peeringMessage(p.status, peerOwner)
	x := c.peeringXML(p)
	x.Status = ec2PeeringStatusXML{"initiating-request", peeringMessage("initiating-request", peerOwner)}
	x.ExpirationTime = xmlTime(c.now.Add(peeringExpiry))
	return &peeringResult{Peering: x}, nil
}

func invalidPeeringTransition(p *ec2Peering, to string) error {
	return badRequest("InvalidStateTransition", "Invalid state transition for %s, attempted to transition from %s to %s", p.id, p.status, to)
}

func ec2AcceptVpcPeeringConnection(c *call) (any, error) {
	id, err := c.params.required("VpcPeeringConnectionId")
	if err != nil {
		return nil, err
	}
	p, err := c.peering(id)
	if err != nil {
		return nil, err
	}
	if p.accepter.account != c.caller.account || p.accepter.region != c.region {
		return nil, badRequest("OperationNotPermitted", "User %s cannot accept peering %s", c.caller.account, p.id)
	}
	if err := c.canEC2("AcceptVpcPeeringConnection", "vpc-peering-connection", p.id, p.tags[c.caller.account]); err != nil {
		return nil, err
	}
	if p.status != "pending-acceptance" {
		return nil, invalidPeeringTransition(p, "active")
	}
	p.status, p.message, p.accepted, p.expires = "active", peeringMessage("active", ""), true, time.Time{}
	x := c.peeringXML(p)
	x.Status = ec2PeeringStatusXML{"provisioning", "Provisioning"}
	return &peeringResult{Peering: x}, nil
}

func ec2DeleteVpcPeeringConnection(c *call) (any, error) {
	id, err := c.params.required("VpcPeeringConnectionId")
	if err != nil {
		return nil, err
	}
	p, err := c.peering(id)
	if err != nil {
		return nil, err
	}
	if err := c.canEC2("DeleteVpcPeeringConnection", "vpc-peering-connection", p.id, p.tags[c.caller.account]); err != nil {
		return nil, err
	}
	isRequester := p.requester.account == c.caller.account && p.requester.region == c.region
	switch {
	case p.status == "active":
	case p.status == "pending-acceptance" && isRequester:
	default:
		return nil, invalidPeeringTransition(p, "deleted")
	}
	p.status, p.message, p.ended = "deleted", "Deleted by "+c.caller.account, c.now
	return nil, nil
}

type describePeeringsResult struct {
	ec2Meta
	Peerings  []ec2PeeringXML `xml:"vpcPeeringConnectionSet>item"`
	NextToken string          `xml:"nextToken,omitempty"`
}

func ec2DescribeVpcPeeringConnections(c *call) (any, error) {
	if err := c.can("ec2:DescribeVpcPeeringConnections", "*"); err != nil {
		return nil, err
	}
	filters, err := c.ec2Filters("vpc-peering-connection-id", "status-code", "status-message", "expiration-time",
		"requester-vpc-info.vpc-id", "requester-vpc-info.owner-id", "requester-vpc-info.cidr-block",
		"accepter-vpc-info.vpc-id", "accepter-vpc-info.owner-id", "accepter-vpc-info.cidr-block")
	if err != nil {
		return nil, err
	}
	var list []*ec2Peering
	if ids := c.params.list("VpcPeeringConnectionId"); len(ids) > 0 {
		var missing []string
		for _, id := range ids {
			if p := c.visiblePeering(id); p != nil {
				list = append(list, p)
			} else {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			return nil, ec2IDsNotFound("InvalidVpcPeeringConnectionID.NotFound", "vpcPeeringConnection", missing)
		}
	} else {
		for _, p := range sortedBySeq(c.ec2().peerings, func(p *ec2Peering) uint64 { return p.seq }) {
			if c.visiblePeering(p.id) != nil {
				list = append(list, p)
			}
		}
	}
	var matched []ec2PeeringXML
	for _, p := range list {
		x := c.peeringXML(p)
		attrs := func(f string) []string {
			switch f {
			case "vpc-peering-connection-id":
				return []string{x.ID}
			case "status-code":
				return []string{x.Status.Code}
			case "status-message":
				return []string{x.Status.Message}
			case "expiration-time":
				return []string{x.ExpirationTime}
			case "requester-vpc-info.vpc-id":
				return []string{x.RequesterVpcInfo.VpcID}
			case "requester-vpc-info.owner-id":
				return []string{x.RequesterVpcInfo.OwnerID}
			case "requester-vpc-info.cidr-block":
				return []string{x.RequesterVpcInfo.CidrBlock}
			case "accepter-vpc-info.vpc-id":
				return []string{x.AccepterVpcInfo.VpcID}
			case "accepter-vpc-info.owner-id":
				return []string{x.AccepterVpcInfo.OwnerID}
			}
			return []string{x.AccepterVpcInfo.CidrBlock}
		}
		if ec2Match(filters, p.tags[c.caller.account], attrs) {
			matched = append(matched, x)
		}
	}
	start, end, next, err := c.ec2Page(len(matched))
	if err != nil {
		return nil, err
	}
	return &describePeeringsResult{Peerings: matched[start:end], NextToken: next}, nil
}
