package awssim

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func ec2F(name string, values ...string) types.Filter {
	return types.Filter{Name: aws.String(name), Values: values}
}

// mainRouteTable is the main route table of a VPC, as a client finds it.
func mainRouteTable(t *testing.T, c *ec2.Client, vpcID string) types.RouteTable {
	t.Helper()
	out, err := c.DescribeRouteTables(context.Background(), &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		ec2F("vpc-id", vpcID), ec2F("association.main", "true")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.RouteTables) != 1 {
		t.Fatalf("main route tables of %s = %+v", vpcID, out.RouteTables)
	}
	return out.RouteTables[0]
}

func routeTo(rt types.RouteTable, dest string) *types.Route {
	for _, r := range rt.Routes {
		if aws.ToString(r.DestinationCidrBlock) == dest {
			return &r
		}
	}
	return nil
}

func TestEC2VPCPeeringAcrossAccounts(t *testing.T) {
	ts := startSim(t, ec2World, Options{})
	ctx := context.Background()
	mgmt, app := mgmtEC2(t, ts), appEC2(t, ts)
	const mgmtVPC, appVPC = "vpc-0a000000000000001", "vpc-0b000000000000001"

	// The world's peering shows on both sides, and its route in the main table.
	for _, c := range []*ec2.Client{mgmt, app} {
		out, err := c.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{VpcPeeringConnectionIds: []string{"pcx-0a000000000000001"}})
		if err != nil {
			t.Fatal(err)
		}
		p := out.VpcPeeringConnections[0]
		if p.Status.Code != types.VpcPeeringConnectionStateReasonCodeActive || aws.ToString(p.AccepterVpcInfo.CidrBlock) != "10.2.0.0/16" ||
			aws.ToString(p.RequesterVpcInfo.OwnerId) != "999999999999" {
			t.Fatalf("world peering = %+v", p)
		}
	}
	rt := mainRouteTable(t, mgmt, mgmtVPC)
	if r := routeTo(rt, "10.2.0.0/16"); r == nil || aws.ToString(r.VpcPeeringConnectionId) != "pcx-0a000000000000001" || r.State != types.RouteStateActive {
		t.Fatalf("world route = %+v", rt.Routes)
	}
	if r := routeTo(rt, "10.0.0.0/16"); r == nil || aws.ToString(r.GatewayId) != "local" {
		t.Fatalf("local route = %+v", rt.Routes)
	}

	created, err := mgmt.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{
		VpcId: aws.String(mgmtVPC), PeerVpcId: aws.String(appVPC), PeerOwnerId: aws.String("222222222222")})
	if err != nil {
		t.Fatal(err)
	}
	pcx := aws.ToString(created.VpcPeeringConnection.VpcPeeringConnectionId)
	if created.VpcPeeringConnection.Status.Code != types.VpcPeeringConnectionStateReasonCodeInitiatingRequest {
		t.Fatalf("created = %+v", created.VpcPeeringConnection.Status)
	}
	pending, err := app.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{Filters: []types.Filter{
		ec2F("status-code", "pending-acceptance"), ec2F("accepter-vpc-info.vpc-id", appVPC)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pending.VpcPeeringConnections) != 1 || aws.ToString(pending.VpcPeeringConnections[0].VpcPeeringConnectionId) != pcx ||
		aws.ToString(pending.VpcPeeringConnections[0].RequesterVpcInfo.CidrBlock) != "10.0.0.0/16" {
		t.Fatalf("accepter's pending view = %+v", pending.VpcPeeringConnections)
	}
	if _, err := mgmt.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(pcx)}); apiCode(err) != "OperationNotPermitted" {
		t.Fatalf("requester accepting: %v", err)
	}
	acc, err := app.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(pcx)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(acc.VpcPeeringConnection.AccepterVpcInfo.CidrBlock) != "10.1.0.0/16" {
		t.Fatalf("accepted = %+v", acc.VpcPeeringConnection.AccepterVpcInfo)
	}
	if _, err := app.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(pcx)}); apiCode(err) != "InvalidStateTransition" {
		t.Fatalf("accepting twice: %v", err)
	}

	// Each side routes to the other through the peering.
	if _, err := mgmt.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTableId, DestinationCidrBlock: aws.String("10.1.0.0/16"), VpcPeeringConnectionId: aws.String(pcx)}); err != nil {
		t.Fatal(err)
	}
	if _, err := mgmt.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTableId, DestinationCidrBlock: aws.String("10.1.0.0/16"), VpcPeeringConnectionId: aws.String(pcx)}); apiCode(err) != "RouteAlreadyExists" {
		t.Fatalf("duplicate route: %v", err)
	}
	appRT := mainRouteTable(t, app, appVPC)
	if _, err := app.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: appRT.RouteTableId, DestinationCidrBlock: aws.String("10.0.0.0/16"), VpcPeeringConnectionId: aws.String(pcx)}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: appRT.RouteTableId, DestinationCidrBlock: aws.String("10.9.0.0/16"), VpcPeeringConnectionId: aws.String("pcx-0fffffffffffffff0")}); apiCode(err) != "InvalidVpcPeeringConnectionID.NotFound" {
		t.Fatalf("route to a missing peering: %v", err)
	}
	for side, c := range map[string]*ec2.Client{"requester": mgmt, "accepter": app} {
		out, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{ec2F("route.vpc-peering-connection-id", pcx)}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.RouteTables) != 1 {
			t.Fatalf("%s route tables via %s = %+v", side, pcx, out.RouteTables)
		}
		p, err := c.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{Filters: []types.Filter{ec2F("status-code", "active"), ec2F("vpc-peering-connection-id", pcx)}})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.VpcPeeringConnections) != 1 || aws.ToString(p.VpcPeeringConnections[0].AccepterVpcInfo.OwnerId) != "222222222222" {
			t.Fatalf("%s view = %+v", side, p.VpcPeeringConnections)
		}
	}

	if _, err := app.DeleteVpcPeeringConnection(ctx, &ec2.DeleteVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(pcx)}); err != nil {
		t.Fatal(err)
	}
	if r := routeTo(mainRouteTable(t, mgmt, mgmtVPC), "10.1.0.0/16"); r == nil || r.State != types.RouteStateBlackhole {
		t.Fatalf("route after deletion = %+v", r)
	}
	if _, err := mgmt.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{VpcPeeringConnectionIds: []string{"pcx-0fffffffffffffff0"}}); apiCode(err) != "InvalidVpcPeeringConnectionID.NotFound" {
		t.Fatalf("missing peering: %v", err)
	}
}

func TestEC2VPCResources(t *testing.T) {
	ts := startSim(t, ec2World, Options{})
	ctx := context.Background()
	c := mgmtEC2(t, ts)

	vpc, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("172.20.0.0/16"), TagSpecifications: []types.TagSpecification{
		{ResourceType: types.ResourceTypeVpc, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("lab")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	if _, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")}); apiCode(err) != "InvalidVpc.Range" {
		t.Fatalf("a /8 VPC: %v", err)
	}
	vpcs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{ec2F("tag:Name", "la*")}})
	if err != nil || len(vpcs.Vpcs) != 1 || aws.ToString(vpcs.Vpcs[0].VpcId) != vpcID {
		t.Fatalf("vpcs by tag: %v %+v", err, vpcs)
	}
	if _, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0fffffffffffffff0"}}); apiCode(err) != "InvalidVpcID.NotFound" {
		t.Fatalf("missing vpc: %v", err)
	}

	sub, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("172.20.1.0/24"), AvailabilityZone: aws.String("us-east-1c")})
	if err != nil {
		t.Fatal(err)
	}
	subnetID := aws.ToString(sub.Subnet.SubnetId)
	if aws.ToInt32(sub.Subnet.AvailableIpAddressCount) != 251 || aws.ToString(sub.Subnet.AvailabilityZoneId) != "use1-az3" {
		t.Fatalf("subnet = %+v", sub.Subnet)
	}
	if _, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("172.20.1.128/25")}); apiCode(err) != "InvalidSubnet.Conflict" {
		t.Fatalf("overlapping subnet: %v", err)
	}
	if _, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("192.168.0.0/24")}); apiCode(err) != "InvalidSubnet.Range" {
		t.Fatalf("subnet outside the VPC: %v", err)
	}

	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web tier"), VpcId: aws.String(vpcID)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("again"), VpcId: aws.String(vpcID)}); apiCode(err) != "InvalidGroup.Duplicate" {
		t.Fatalf("duplicate group: %v", err)
	}
	perm := types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
		IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.0/16")}}, UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String("sg-0a000000000000001")}}}
	auth, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{perm}})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(auth.Return) || len(auth.SecurityGroupRules) != 2 {
		t.Fatalf("authorize = %+v", auth)
	}
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{perm}}); apiCode(err) != "InvalidPermission.Duplicate" {
		t.Fatalf("duplicate rule: %v", err)
	}
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String("sg-0fffffffffffffff0"), IpPermissions: []types.IpPermission{perm}}); apiCode(err) != "InvalidGroup.NotFound" {
		t.Fatalf("missing group: %v", err)
	}
	groups, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{aws.ToString(sg.GroupId)}})
	if err != nil {
		t.Fatal(err)
	}
	g := groups.SecurityGroups[0]
	if len(g.IpPermissions) != 1 || len(g.IpPermissions[0].IpRanges) != 1 || len(g.IpPermissions[0].UserIdGroupPairs) != 1 || len(g.IpPermissionsEgress) != 1 {
		t.Fatalf("group = %+v", g)
	}
	if _, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{perm}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{perm}}); apiCode(err) != "InvalidPermission.NotFound" {
		t.Fatalf("revoking twice: %v", err)
	}
	defaults, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{ec2F("vpc-id", vpcID), ec2F("group-name", "default")}})
	if err != nil || len(defaults.SecurityGroups) != 1 {
		t.Fatalf("default group: %v %+v", err, defaults)
	}

	rt, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpcID)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: aws.String(subnetID)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: aws.String(subnetID)}); apiCode(err) != "Resource.AlreadyAssociated" {
		t.Fatalf("associating twice: %v", err)
	}
	if _, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String("igw-0123456789abcdef0")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("172.20.0.0/16")}); apiCode(err) != "InvalidParameterValue" {
		t.Fatalf("deleting the local route: %v", err)
	}
	if _, err := c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0")}); err != nil {
		t.Fatal(err)
	}

	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0123456789abcdef0"), InstanceType: types.InstanceTypeT3Micro,
		MinCount: aws.Int32(1), MaxCount: aws.Int32(7), SubnetId: aws.String(subnetID),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("db")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Instances) != 7 || aws.ToString(run.Instances[0].PrivateIpAddress) != "172.20.1.4" || run.Instances[0].State.Name != types.InstanceStateNamePending {
		t.Fatalf("run = %+v", run.Instances[0])
	}
	var ids []string
	pages := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), Filters: []types.Filter{ec2F("tag:team", "db"), ec2F("instance-state-name", "running")}})
	npages := 0
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		npages++
		for _, r := range p.Reservations {
			if aws.ToString(r.ReservationId) != aws.ToString(run.ReservationId) {
				t.Fatalf("reservation %s", aws.ToString(r.ReservationId))
			}
			for _, i := range r.Instances {
				ids = append(ids, aws.ToString(i.InstanceId))
			}
		}
	}
	if len(ids) != 7 || npages != 2 {
		t.Fatalf("paged %d instances in %d pages", len(ids), npages)
	}
	if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0fffffffffffffff0"}}); apiCode(err) != "InvalidInstanceID.NotFound" {
		t.Fatalf("missing instance: %v", err)
	}

	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{ids[0], subnetID}, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("lab")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"subnet-0fffffffffffffff0"}, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("lab")}}}); apiCode(err) != "InvalidSubnetID.NotFound" {
		t.Fatalf("tagging a missing subnet: %v", err)
	}
	tags, err := c.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{ec2F("key", "env")}})
	if err != nil || len(tags.Tags) != 2 {
		t.Fatalf("tags: %v %+v", err, tags)
	}
	if _, err := c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{subnetID}, Tags: []types.Tag{{Key: aws.String("env")}}}); err != nil {
		t.Fatal(err)
	}
	tags, err = c.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{ec2F("key", "env")}})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].ResourceId) != ids[0] || tags.Tags[0].ResourceType != types.ResourceTypeInstance {
		t.Fatalf("tags after delete: %v %+v", err, tags)
	}

	if _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)}); apiCode(err) != "DependencyViolation" {
		t.Fatalf("deleting a busy VPC: %v", err)
	}
	term, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids})
	if err != nil {
		t.Fatal(err)
	}
	if term.TerminatingInstances[0].CurrentState.Name != types.InstanceStateNameShuttingDown || term.TerminatingInstances[0].PreviousState.Name != types.InstanceStateNameRunning {
		t.Fatalf("terminate = %+v", term.TerminatingInstances[0])
	}
	gone, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{ec2F("instance-state-name", "terminated")}})
	if err != nil || len(gone.Reservations) != 1 || len(gone.Reservations[0].Instances) != 7 {
		t.Fatalf("terminated: %v %+v", err, gone)
	}
	if _, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: ids[:1]}); apiCode(err) != "IncorrectInstanceState" {
		t.Fatalf("starting a terminated instance: %v", err)
	}
}
