package awssim

import (
	"net"
	"strconv"
	"strings"
)

type ec2RouteXML struct {
	DestinationCidrBlock string `xml:"destinationCidrBlock"`
	GatewayID            string `xml:"gatewayId,omitempty"`
	PeeringID            string `xml:"vpcPeeringConnectionId,omitempty"`
	State                string `xml:"state"`
	Origin               string `xml:"origin"`
}

type ec2AssocStateXML struct {
	State string `xml:"state"`
}

type ec2RouteAssocXML struct {
	Main          bool             `xml:"main"`
	AssociationID string           `xml:"routeTableAssociationId"`
	RouteTableID  string           `xml:"routeTableId"`
	SubnetID      string           `xml:"subnetId,omitempty"`
	State         ec2AssocStateXML `xml:"associationState"`
}

type ec2RouteTableXML struct {
	RouteTableID string             `xml:"routeTableId"`
	VpcID        string             `xml:"vpcId"`
	OwnerID      string             `xml:"ownerId"`
	Routes       []ec2RouteXML      `xml:"routeSet>item"`
	Associations []ec2RouteAssocXML `xml:"associationSet>item"`
	Tags         []ec2Tag           `xml:"tagSet>item"`
}

// routeState is active unless the route's peering is gone or not active.
func (e *ec2Region) routeState(r *ec2Route) string {
	if r.peeringID == "" {
		return "active"
	}
	if p := e.peerings[r.peeringID]; p != nil && p.status == "active" {
		return "active"
	}
	return "blackhole"
}

func (e *ec2Region) routeTableXML(rt *ec2RouteTable) ec2RouteTableXML {
	x := ec2RouteTableXML{RouteTableID: rt.id, VpcID: rt.vpcID, OwnerID: rt.owner, Tags: ec2TagSet(rt.tags)}
	for _, r := range rt.routes {
		x.Routes = append(x.Routes, ec2RouteXML{DestinationCidrBlock: r.destination, GatewayID: r.gatewayID, PeeringID: r.peeringID,
			State: e.routeState(r), Origin: r.origin})
	}
	if rt.main {
		x.Associations = append(x.Associations, ec2RouteAssocXML{Main: true, AssociationID: rt.mainAssociationID, RouteTableID: rt.id, State: ec2AssocStateXML{"associated"}})
	}
	for _, as := range rt.associations {
		x.Associations = append(x.Associations, ec2RouteAssocXML{AssociationID: as.id, RouteTableID: rt.id, SubnetID: as.subnetID, State: ec2AssocStateXML{"associated"}})
	}
	return x
}

func (e *ec2Region) routeTableValues(rt *ec2RouteTable, f string) []string {
	var out []string
	switch f {
	case "route-table-id", "association.route-table-id":
		return []string{rt.id}
	case "vpc-id":
		return []string{rt.vpcID}
	case "owner-id":
		return []string{rt.owner}
	case "association.main":
		return []string{strconv.FormatBool(rt.main)}
	case "association.subnet-id":
		for _, as := range rt.associations {
			out = append(out, as.subnetID)
		}
	case "association.route-table-association-id":
		if rt.main {
			out = append(out, rt.mainAssociationID)
		}
		for _, as := range rt.associations {
			out = append(out, as.id)
		}
	}
	for _, r := range rt.routes {
		switch f {
		case "route.destination-cidr-block":
			out = append(out, r.destination)
		case "route.vpc-peering-connection-id":
			out = append(out, r.peeringID)
		case "route.gateway-id":
			out = append(out, r.gatewayID)
		case "route.state":
			out = append(out, e.routeState(r))
		case "route.origin":
			out = append(out, r.origin)
		}
	}
	return out
}

type describeRouteTablesResult struct {
	ec2Meta
	RouteTables []ec2RouteTableXML `xml:"routeTableSet>item"`
	NextToken   string             `xml:"nextToken,omitempty"`
}

func ec2DescribeRouteTables(c *call) (any, error) {
	if err := c.can("ec2:DescribeRouteTables", "*"); err != nil {
		return nil, err
	}
	filters, err := c.ec2Filters("route-table-id", "association.route-table-id", "vpc-id", "owner-id", "association.main",
		"association.subnet-id", "association.route-table-association-id", "route.destination-cidr-block",
		"route.vpc-peering-connection-id", "route.gateway-id", "route.state", "route.origin")
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	list := sortedBySeq(e.routeTables, func(rt *ec2RouteTable) uint64 { return rt.seq })
	if ids := c.params.list("RouteTableId"); len(ids) > 0 {
		if list, err = pickByIDs(e.routeTables, ids, "InvalidRouteTableID.NotFound", "routeTable"); err != nil {
			return nil, err
		}
	}
	var matched []*ec2RouteTable
	for _, rt := range list {
		if ec2Match(filters, rt.tags, func(f string) []string { return e.routeTableValues(rt, f) }) {
			matched = append(matched, rt)
		}
	}
	start, end, next, err := c.ec2Page(len(matched))
	if err != nil {
		return nil, err
	}
	out := &describeRouteTablesResult{NextToken: next}
	for _, rt := range matched[start:end] {
		out.RouteTables = append(out.RouteTables, e.routeTableXML(rt))
	}
	return out, nil
}

type createRouteTableResult struct {
	ec2Meta
	RouteTable ec2RouteTableXML `xml:"routeTable"`
}

func ec2CreateRouteTable(c *call) (any, error) {
	vpcID, err := c.params.required("VpcId")
	if err != nil {
		return nil, err
	}
	v, err := c.vpcByID(vpcID)
	if err != nil {
		return nil, err
	}
	if err := c.can("ec2:CreateRouteTable", c.ec2ARN("route-table", "*")); err != nil {
		return nil, err
	}
	tags, err := c.ec2TagSpecs("route-table")
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	rt := newRouteTable(newEC2ID("rtb-"), v)
	rt.tags = tags
	e.routeTables[rt.id] = rt
	return &createRouteTableResult{RouteTable: e.routeTableXML(rt)}, nil
}

// routeTable finds one of the caller's route tables.
func (c *call) routeTable(id string) (*ec2RouteTable, error) {
	if rt := c.ec2().routeTables[id]; rt != nil {
		return rt, nil
	}
	return nil, ec2IDsNotFound("InvalidRouteTableID.NotFound", "routeTable", []string{id})
}

func ec2CreateRoute(c *call) (any, error) {
	rtID, err := c.params.required("RouteTableId")
	if err != nil {
		return nil, err
	}
	rt, err := c.routeTable(rtID)
	if err != nil {
		return nil, err
	}
	dest := c.params.get("DestinationCidrBlock")
	if dest == "" {
		return nil, badRequest("MissingParameter", "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock or destinationPrefixListId")
	}
	n, err := parseCIDR(dest, "destinationCidrBlock")
	if err != nil {
		return nil, err
	}
	gw, pcx := c.params.get("GatewayId"), c.params.get("VpcPeeringConnectionId")
	if (gw == "") == (pcx == "") {
		return nil, badRequest("InvalidParameterCombination", "The request must contain exactly one of gatewayId, natGatewayId, networkInterfaceId, vpcPeeringConnectionId, egressOnlyInternetGatewayId, transitGatewayId, localGatewayId, carrierGatewayId, or instanceId")
	}
	if err := c.canEC2("CreateRoute", "route-table", rt.id, rt.tags); err != nil {
		return nil, err
	}
	e := c.ec2()
	if v := e.vpcs[rt.vpcID]; v != nil {
		if _, vn, err := net.ParseCIDR(v.cidr); err == nil && vn.Contains(n.IP) {
			return nil, badRequest("InvalidParameterValue", "The destination CIDR block %s is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.", dest)
		}
	}
	for _, r := range rt.routes {
		if r.destination == dest {
			return nil, badRequest("RouteAlreadyExists", "The route identified by %s already exists.", dest)
		}
	}
	switch {
	case pcx != "":
		p := e.peerings[pcx]
		if p == nil {
			return nil, ec2IDsNotFound("InvalidVpcPeeringConnectionID.NotFound", "vpcPeeringConnection", []string{pcx})
		}
		if !p.hasVPC(c.caller.account, c.region, rt.vpcID) {
			return nil, badRequest("InvalidParameterValue", "route table %s and network gateway %s belong to different networks", rt.id, pcx)
		}
	case !strings.HasPrefix(gw, "igw-") && !strings.HasPrefix(gw, "vgw-"):
		return nil, badRequest("InvalidGatewayID.NotFound", "The gateway ID '%s' does not exist", gw)
	}
	rt.routes = append(rt.routes, &ec2Route{destination: dest, gatewayID: gw, peeringID: pcx, origin: "CreateRoute"})
	return nil, nil
}

func ec2DeleteRoute(c *call) (any, error) {
	rtID, err := c.params.required("RouteTableId")
	if err != nil {
		return nil, err
	}
	rt, err := c.routeTable(rtID)
	if err != nil {
		return nil, err
	}
	dest, err := c.params.required("DestinationCidrBlock")
	if err != nil {
		return nil, err
	}
	if err := c.canEC2("DeleteRoute", "route-table", rt.id, rt.tags); err != nil {
		return nil, err
	}
	for i, r := range rt.routes {
		if r.destination != dest {
			continue
		}
		if r.gatewayID == "local" {
			return nil, badRequest("InvalidParameterValue", "cannot remove local route %s in route table %s", dest, rt.id)
		}
		rt.routes = append(rt.routes[:i], rt.routes[i+1:]...)
		return nil, nil
	}
	return nil, badRequest("InvalidRoute.NotFound", "no route with destination-cidr-block %s in route table %s", dest, rt.id)
}

type associateRouteTableResult struct {
	ec2Meta
	AssociationID string           `xml:"associationId"`
	State         ec2AssocStateXML `xml:"associationState"`
}

func ec2AssociateRouteTable(c *call) (any, error) {
	rtID, err := c.params.required("RouteTableId")
	if err != nil {
		return nil, err
	}
	rt, err := c.routeTable(rtID)
	if err != nil {
		return nil, err
	}
	subnetID, err := c.params.required("SubnetId")
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	s := e.subnets[subnetID]
	if s == nil {
		return nil, ec2IDsNotFound("InvalidSubnetID.NotFound", "subnet", []string{subnetID})
	}
	if s.vpcID != rt.vpcID {
		return nil, badRequest("InvalidParameterValue", "route table %s and subnet %s belong to different networks", rt.id, s.id)
	}
	if err := c.canEC2("AssociateRouteTable", "route-table", rt.id, rt.tags); err != nil {
		return nil, err
	}
	for _, other := range e.routeTables {
		for _, as := range other.associations {
			if as.subnetID == s.id {
				return nil, badRequest("Resource.AlreadyAssociated", "the specified association for route table %s conflicts with an existing association", rt.id)
			}
		}
	}
	as := &ec2RouteAssociation{id: newEC2ID("rtbassoc-"), subnetID: s.id}
	rt.associations = append(rt.associations, as)
	return &associateRouteTableResult{AssociationID: as.id, State: ec2AssocStateXML{"associated"}}, nil
}
