package awssim

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// loadEC2 turns the account's declared VPCs, instances and peerings into
// state. IAM is loaded first, so instance profiles can be resolved.
func (s *Server) loadEC2(a *account, w *world.Account) error {
	now := s.now()
	for _, wv := range w.VPCs {
		if err := s.loadVPC(a, wv); err != nil {
			return err
		}
	}
	launched := now.Add(-7 * 24 * time.Hour)
	for _, wi := range w.EC2Instances {
		if err := loadInstance(a, wi, launched); err != nil {
			return err
		}
	}
	for _, wp := range w.VPCPeerings {
		peerAcct := wp.PeerAccount
		if peerAcct == "" {
			peerAcct = a.id
		}
		peer := s.accounts[peerAcct]
		if peer == nil {
			return fmt.Errorf("account %s: peering %s: peer account %s does not exist", a.id, wp.ID, peerAcct)
		}
		peerRegion := wp.PeerRegion
		if peerRegion == "" {
			peerRegion = wp.Region
		}
		p := &ec2Peering{
			seq: nextEC2Seq(), id: wp.ID, status: wp.Status, tags: map[string]map[string]string{},
			requester: ec2PeeringSide{account: a.id, region: wp.Region, vpcID: wp.VPC},
			accepter:  ec2PeeringSide{account: peerAcct, region: peerRegion, vpcID: wp.PeerVPC},
		}
		if p.status == "" {
			p.status = "active"
		}
		p.message = peeringMessage(p.status, peerAcct)
		p.accepted = p.status == "active"
		if p.status == "pending-acceptance" {
			p.expires = now.Add(7 * 24 * time.Hour)
		}
		ec2Of(a, wp.Region).peerings[p.id] = p
		ec2Of(peer, peerRegion).peerings[p.id] = p
	}
	return nil
}

func (s *Server) loadVPC(a *account, wv world.VPC) error {
	e := ec2Of(a, wv.Region)
	v := &ec2VPC{seq: nextEC2Seq(), id: wv.ID, owner: a.id, cidr: wv.CIDR,
		cidrID: stableEC2ID("vpc-cidr-assoc-", a.id+wv.ID), tags: copyTags(wv.Tags)}
	e.vpcs[v.id] = v
	rt := newRouteTable(stableEC2ID("rtb-", a.id+wv.ID), v)
	rt.main, rt.mainAssociationID = true, stableEC2ID("rtbassoc-", a.id+wv.ID)
	for _, r := range wv.Routes {
		rt.routes = append(rt.routes, &ec2Route{destination: r.Destination, peeringID: r.PeeringID, gatewayID: r.GatewayID, origin: "CreateRoute"})
	}
	e.routeTables[rt.id] = rt
	zones := []string{"a", "b", "c"}
	for i, ws := range wv.Subnets {
		az := ws.AvailabilityZone
		if az == "" {
			az = wv.Region + zones[i%len(zones)]
		}
		e.subnets[ws.ID] = &ec2Subnet{seq: nextEC2Seq(), id: ws.ID, vpcID: v.id, owner: a.id, cidr: ws.CIDR, az: az, tags: map[string]string{}}
	}
	hasDefault := false
	for _, g := range wv.SecurityGroups {
		hasDefault = hasDefault || g.Name == "default"
	}
	if !hasDefault {
		e.securityGroups[defaultGroupID(a.id, v.id)] = defaultSecurityGroup(defaultGroupID(a.id, v.id), v)
	}
	for _, wg := range wv.SecurityGroups {
		g := &ec2SecurityGroup{seq: nextEC2Seq(), id: wg.ID, name: wg.Name, description: wg.Name, vpcID: v.id, owner: a.id,
			egress: []*ec2Rule{allowAllEgress(stableEC2ID("sgr-", a.id+wg.ID+"egress"))}, tags: map[string]string{}}
		if wg.Name == "default" {
			g.description = "default VPC security group"
		}
		for j, r := range wg.Ingress {
			proto, err := normalizeProtocol(r.Protocol)
			if r.Protocol == "" {
				proto, err = "tcp", nil
			}
			if err != nil {
				return fmt.Errorf("account %s: security group %s: %v", a.id, wg.ID, err)
			}
			rule := &ec2Rule{id: stableEC2ID("sgr-", fmt.Sprint(a.id, wg.ID, j)), protocol: proto, from: r.FromPort, to: r.ToPort, cidr: r.CIDR}
			if r.Group != "" {
				rule.groupID, rule.groupOwner = r.Group, a.id
			}
			if proto == "-1" {
				rule.from, rule.to = -1, -1
			}
			g.ingress = append(g.ingress, rule)
		}
		e.securityGroups[g.id] = g
	}
	return nil
}

func defaultGroupID(acct, vpcID string) string { return stableEC2ID("sg-", acct+vpcID+"default") }

// defaultSecurityGroup is the group every VPC is born with: all traffic from
// its own members in, everything out.
func defaultSecurityGroup(id string, v *ec2VPC) *ec2SecurityGroup {
	return &ec2SecurityGroup{seq: nextEC2Seq(), id: id, name: "default", description: "default VPC security group",
		vpcID: v.id, owner: v.owner, tags: map[string]string{},
		ingress: []*ec2Rule{{id: stableEC2ID("sgr-", id+"self"), protocol: "-1", from: -1, to: -1, groupID: id, groupOwner: v.owner}},
		egress:  []*ec2Rule{allowAllEgress(stableEC2ID("sgr-", id+"egress"))}}
}

func allowAllEgress(id string) *ec2Rule {
	return &ec2Rule{id: id, protocol: "-1", from: -1, to: -1, cidr: "0.0.0.0/0"}
}

// newRouteTable is a route table with the VPC's local route.
func newRouteTable(id string, v *ec2VPC) *ec2RouteTable {
	return &ec2RouteTable{seq: nextEC2Seq(), id: id, vpcID: v.id, owner: v.owner, tags: map[string]string{},
		routes: []*ec2Route{{destination: v.cidr, gatewayID: "local", origin: "CreateRouteTable"}}}
}

func loadInstance(a *account, wi world.EC2Instance, launched time.Time) error {
	e := ec2Of(a, wi.Region)
	inst := &ec2Instance{
		seq: nextEC2Seq(), id: wi.ID, region: wi.Region, owner: a.id, itype: wi.InstanceType,
		imageID: stableEC2ID("ami-", wi.Region), vpcID: wi.VPC, subnetID: wi.Subnet, privateIP: wi.PrivateIP,
		mac: stableMAC(a.id + wi.ID), reservationID: stableEC2ID("r-", a.id+wi.ID), state: "running",
		launched: launched, stateChanged: launched, tags: copyTags(wi.Tags), az: wi.Region + "a",
	}
	if inst.itype == "" {
		inst.itype = "t3.micro"
	}
	sub := e.subnets[wi.Subnet]
	if sub == nil && wi.Subnet == "" && wi.VPC != "" {
		for _, s := range sortedBySeq(e.subnets, func(s *ec2Subnet) uint64 { return s.seq }) {
			if s.vpcID == wi.VPC {
				sub = s
				break
			}
		}
	}
	if sub != nil {
		inst.subnetID, inst.vpcID, inst.az = sub.id, sub.vpcID, sub.az
	}
	if inst.privateIP == "" {
		if sub != nil {
			inst.privateIP = e.allocateIP(sub)
		}
		if inst.privateIP == "" {
			h := sha1.Sum([]byte(a.id + wi.ID))
			inst.privateIP = fmt.Sprintf("172.31.%d.%d", h[0], 4+h[1]%250)
		}
	}
	if g := e.securityGroups[defaultGroupID(a.id, inst.vpcID)]; g != nil {
		inst.groups = []string{g.id}
	}
	if wi.InstanceProfile != "" {
		p := a.iam.instanceProfiles[wi.InstanceProfile]
		if p == nil {
			return fmt.Errorf("account %s: instance %s: instance profile %s does not exist", a.id, wi.ID, wi.InstanceProfile)
		}
		e.associate(inst, p, stableEC2ID("iip-assoc-", a.id+wi.ID), launched)
	}
	e.instances[inst.id] = inst
	return nil
}

// associate records inst's association with an instance profile.
func (e *ec2Region) associate(inst *ec2Instance, p *instanceProfile, id string, when time.Time) *ec2ProfileAssociation {
	as := &ec2ProfileAssociation{seq: nextEC2Seq(), id: id, instanceID: inst.id, account: inst.owner,
		profileName: p.name, profileARN: p.arn, profileID: p.id, when: when}
	e.associations[id] = as
	inst.profile = as
	return as
}

// stableMAC is a locally administered unicast MAC derived from seed, in
// EC2's 0e:… style.
func stableMAC(seed string) string {
	h := sha1.Sum([]byte(seed))
	return fmt.Sprintf("0e:%02x:%02x:%02x:%02x:%02x", h[0], h[1], h[2], h[3], h[4])
}

// allocateIP hands out the subnet's next free private address; AWS keeps
// the first four and the last one. "" if the subnet is full or malformed.
func (e *ec2Region) allocateIP(sub *ec2Subnet) string {
	_, n, err := net.ParseCIDR(sub.cidr)
	if err != nil || n.IP.To4() == nil {
		return ""
	}
	ones, bits := n.Mask.Size()
	size := uint32(1) << uint(bits-ones)
	base := binary.BigEndian.Uint32(n.IP.To4())
	used := map[string]bool{}
	for _, inst := range e.instances {
		if inst.subnetID == sub.id {
			used[inst.privateIP] = true
		}
	}
	for i := uint32(0); i < size; i++ {
		off := 4 + (sub.nextHost+i)%size
		if off >= size-1 {
			continue
		}
		ip := make(net.IP, 4)
		binary.BigEndian.PutUint32(ip, base+off)
		if !used[ip.String()] {
			sub.nextHost = off - 4 + 1
			return ip.String()
		}
	}
	return ""
}

// peeringMessage is the status message AWS shows for a peering status.
func peeringMessage(status, accepter string) string {
	switch status {
	case "active":
		return "Active"
	case "pending-acceptance":
		return "Pending Acceptance by " + accepter
	case "initiating-request":
		return "Initiating Request to " + accepter
	case "failed":
		return "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"
	case "expired":
		return "Expired"
	case "":
		return ""
	}
	return strings.ToUpper(status[:1]) + status[1:]
}
