package awssim

import (
	"net"
	"strconv"
	"strings"
	"time"
)

type ec2StateXML struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

var ec2StateCodes = map[string]int{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

func ec2State(name string) ec2StateXML { return ec2StateXML{Code: ec2StateCodes[name], Name: name} }

type ec2GroupIdentifier struct {
	GroupID   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

type ec2ProfileXML struct {
	Arn string `xml:"arn"`
	ID  string `xml:"id"`
}

type ec2InstanceXML struct {
	InstanceID      string               `xml:"instanceId"`
	ImageID         string               `xml:"imageId"`
	State           ec2StateXML          `xml:"instanceState"`
	PrivateDNSName  string               `xml:"privateDnsName"`
	DNSName         string               `xml:"dnsName"`
	Reason          string               `xml:"reason"`
	AmiLaunchIndex  int                  `xml:"amiLaunchIndex"`
	InstanceType    string               `xml:"instanceType"`
	LaunchTime      string               `xml:"launchTime"`
	Placement       ec2Placement         `xml:"placement"`
	Monitoring      ec2Monitoring        `xml:"monitoring"`
	SubnetID        string               `xml:"subnetId,omitempty"`
	VpcID           string               `xml:"vpcId,omitempty"`
	PrivateIP       string               `xml:"privateIpAddress,omitempty"`
	SourceDestCheck bool                 `xml:"sourceDestCheck"`
	Groups          []ec2GroupIdentifier `xml:"groupSet>item"`
	Architecture    string               `xml:"architecture"`
	RootDeviceType  string               `xml:"rootDeviceType"`
	RootDeviceName  string               `xml:"rootDeviceName"`
	Virtualization  string               `xml:"virtualizationType"`
	Hypervisor      string               `xml:"hypervisor"`
	Profile         *ec2ProfileXML       `xml:"iamInstanceProfile"`
	Tags            []ec2Tag             `xml:"tagSet>item"`
	EbsOptimized    bool                 `xml:"ebsOptimized"`
	EnaSupport      bool                 `xml:"enaSupport"`
}

type ec2Placement struct {
	AvailabilityZone string `xml:"availabilityZone"`
	GroupName        string `xml:"groupName"`
	Tenancy          string `xml:"tenancy"`
}

type ec2Monitoring struct {
	State string `xml:"state"`
}

type ec2ReservationXML struct {
	ReservationID string               `xml:"reservationId"`
	OwnerID       string               `xml:"ownerId"`
	Groups        []ec2GroupIdentifier `xml:"groupSet>item"`
	Instances     []ec2InstanceXML     `xml:"instancesSet>item"`
}

func (e *ec2Region) instanceXML(inst *ec2Instance) ec2InstanceXML {
	x := ec2InstanceXML{
		InstanceID: inst.id, ImageID: inst.imageID, State: ec2State(inst.state), Reason: inst.reason,
		AmiLaunchIndex: inst.launchIndex, InstanceType: inst.itype, LaunchTime: xmlTime(inst.launched),
		Placement:  ec2Placement{AvailabilityZone: inst.az, Tenancy: "default"},
		Monitoring: ec2Monitoring{State: "disabled"},
		SubnetID:   inst.subnetID, VpcID: inst.vpcID, SourceDestCheck: true,
		Architecture: "x86_64", RootDeviceType: "ebs", RootDeviceName: "/dev/xvda",
		Virtualization: "hvm", Hypervisor: "xen", Tags: ec2TagSet(inst.tags), EnaSupport: true,
	}
	if inst.state != "terminated" {
		x.PrivateIP = inst.privateIP
		x.PrivateDNSName = privateDNSName(inst.region, inst.privateIP)
	}
	for _, g := range inst.groups {
		gi := ec2GroupIdentifier{GroupID: g}
		if sg := e.securityGroups[g]; sg != nil {
			gi.GroupName = sg.name
		}
		x.Groups = append(x.Groups, gi)
	}
	if as := inst.profile; as != nil {
		x.Profile = &ec2ProfileXML{Arn: as.profileARN, ID: as.profileID}
	}
	return x
}

// privateDNSName is EC2's internal host name for a private address.
func privateDNSName(region, ip string) string {
	if ip == "" {
		return ""
	}
	host := "ip-" + strings.ReplaceAll(ip, ".", "-")
	if region == "us-east-1" {
		return host + ".ec2.internal"
	}
	return host + "." + region + ".compute.internal"
}

// terminatedVisibleFor is how long a terminated instance still shows in
// DescribeInstances, as in EC2.
const terminatedVisibleFor = time.Hour

// visibleInstance is the caller's instance id, or nil if it does not exist
// (or was terminated long enough ago to be gone).
func (c *call) visibleInstance(id string) *ec2Instance {
	inst := c.ec2().instances[id]
	if inst == nil || inst.state == "terminated" && c.now.Sub(inst.stateChanged) > terminatedVisibleFor {
		return nil
	}
	return inst
}

// instancesByID looks up InstanceId.N, failing as EC2 does for unknown IDs.
func (c *call) instancesByID(ids []string) ([]*ec2Instance, error) {
	var out []*ec2Instance
	var missing []string
	for _, id := range ids {
		if inst := c.visibleInstance(id); inst != nil {
			out = append(out, inst)
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		if err := ec2Malformed("InvalidInstanceID.Malformed", "i-", missing); err != nil {
			return nil, err
		}
		return nil, ec2IDsNotFound("InvalidInstanceID.NotFound", "instance", missing)
	}
	return out, nil
}

var instanceFilters = []string{"instance-id", "instance-state-name", "instance-state-code", "instance-type", "vpc-id",
	"subnet-id", "private-ip-address", "availability-zone", "image-id", "reservation-id", "owner-id",
	"iam-instance-profile.arn", "iam-instance-profile.id", "instance.group-id", "network-interface.mac-address"}

func (inst *ec2Instance) filterValues(name string) []string {
	switch name {
	case "instance-id":
		return []string{inst.id}
	case "instance-state-name":
		return []string{inst.state}
	case "instance-state-code":
		return []string{strconv.Itoa(ec2StateCodes[inst.state])}
	case "instance-type":
		return []string{inst.itype}
	case "vpc-id":
		return []string{inst.vpcID}
	case "subnet-id":
		return []string{inst.subnetID}
	case "private-ip-address":
		return []string{inst.privateIP}
	case "availability-zone":
		return []string{inst.az}
	case "image-id":
		return []string{inst.imageID}
	case "reservation-id":
		return []string{inst.reservationID}
	case "owner-id":
		return []string{inst.owner}
	case "instance.group-id":
		return inst.groups
	case "network-interface.mac-address":
		return []string{inst.mac}
	case "iam-instance-profile.arn":
		if inst.profile != nil {
			return []string{inst.profile.profileARN}
		}
	case "iam-instance-profile.id":
		if inst.profile != nil {
			return []string{inst.profile.profileID}
		}
	}
	return nil
}

type describeInstancesResult struct {
	ec2Meta
	Reservations []ec2ReservationXML `xml:"reservationSet>item"`
	NextToken    string              `xml:"nextToken,omitempty"`
}

func ec2DescribeInstances(c *call) (any, error) {
	if err := c.can("ec2:DescribeInstances", "*"); err != nil {
		return nil, err
	}
	filters, err := c.ec2Filters(instanceFilters...)
	if err != nil {
		return nil, err
	}
	ids := c.params.list("InstanceId")
	if len(ids) > 0 && c.params.has("MaxResults") {
		return nil, badRequest("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults")
	}
	e := c.ec2()
	var candidates []*ec2Instance
	if len(ids) > 0 {
		if candidates, err = c.instancesByID(ids); err != nil {
			return nil, err
		}
	} else {
		for _, inst := range sortedBySeq(e.instances, func(i *ec2Instance) uint64 { return i.seq }) {
			if c.visibleInstance(inst.id) != nil {
				candidates = append(candidates, inst)
			}
		}
	}
	var matched []*ec2Instance
	for _, inst := range candidates {
		if ec2Match(filters, inst.tags, inst.filterValues) {
			matched = append(matched, inst)
		}
	}
	start, end, next, err := c.ec2Page(len(matched))
	if err != nil {
		return nil, err
	}
	out := &describeInstancesResult{NextToken: next}
	index := map[string]int{}
	for _, inst := range matched[start:end] {
		i, ok := index[inst.reservationID]
		if !ok {
			i = len(out.Reservations)
			index[inst.reservationID] = i
			out.Reservations = append(out.Reservations, ec2ReservationXML{ReservationID: inst.reservationID, OwnerID: inst.owner})
		}
		out.Reservations[i].Instances = append(out.Reservations[i].Instances, e.instanceXML(inst))
	}
	return out, nil
}

type runInstancesResult struct {
	ec2Meta
	ec2ReservationXML
}

// maxRunInstances stands for the account's vCPU-based instance limit.
const maxRunInstances = 20

func ec2RunInstances(c *call) (any, error) {
	image, err := c.params.required("ImageId")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(image, "ami-") {
		return nil, badRequest("InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", image)
	}
	minCount, err := c.params.int32("MinCount", 0)
	if err != nil {
		return nil, err
	}
	maxCount, err := c.params.int32("MaxCount", 0)
	if err != nil {
		return nil, err
	}
	if minCount < 1 {
		return nil, badRequest("InvalidParameterValue", "Value (%d) for parameter minCount is invalid. Expected a positive integer.", minCount)
	}
	if maxCount < minCount {
		return nil, badRequest("InvalidParameterValue", "Value (%d) for parameter maxCount is invalid. Expected a value greater than or equal to minCount.", maxCount)
	}
	if minCount > maxRunInstances {
		return nil, badRequest("InstanceLimitExceeded", "You have requested more instances (%d) than your current instance limit of %d allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.", minCount, maxRunInstances)
	}
	count := min(maxCount, maxRunInstances)
	itype := c.params.get("InstanceType")
	if itype == "" {
		itype = "m1.small"
	}
	if err := c.can("ec2:RunInstances", c.ec2ARN("instance", "*")); err != nil {
		return nil, err
	}
	e := c.ec2()
	// A repeated client token returns the first launch, so retries don't
	// launch twice.
	token := c.params.get("ClientToken")
	if prev := e.launches[token]; token != "" && prev != nil {
		return prev, nil
	}
	subnetID := c.params.get("SubnetId")
	if subnetID == "" {
		return nil, badRequest("VPCIdNotSpecified", "No default VPC for this user")
	}
	sub := e.subnets[subnetID]
	if sub == nil {
		return nil, ec2IDsNotFound("InvalidSubnetID.NotFound", "subnet", []string{subnetID})
	}
	var groups []string
	for _, g := range c.params.list("SecurityGroupId") {
		sg := e.securityGroups[g]
		if sg == nil || sg.vpcID != sub.vpcID {
			return nil, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'", g, sub.vpcID)
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		for _, sg := range e.securityGroups {
			if sg.vpcID == sub.vpcID && sg.name == "default" {
				groups = []string{sg.id}
			}
		}
	}
	ip := c.params.get("PrivateIpAddress")
	if ip != "" {
		if count > 1 {
			return nil, badRequest("InvalidParameterCombination", "Network interfaces and an instance-level private IP address should not be specified on the same request")
		}
		_, n, _ := net.ParseCIDR(sub.cidr)
		if parsed := net.ParseIP(ip); parsed == nil || n == nil || !n.Contains(parsed) {
			return nil, badRequest("InvalidParameterValue", "Address %s does not fall within the subnet's address range", ip)
		}
		for _, inst := range e.instances {
			if inst.subnetID == sub.id && inst.privateIP == ip && inst.state != "terminated" {
				return nil, badRequest("InvalidIPAddress.InUse", "Address %s is in use.", ip)
			}
		}
	}
	profile, err := c.ec2ProfileParam()
	if err != nil {
		return nil, err
	}
	if profile != nil {
		if err := c.canPassProfileRole(profile); err != nil {
			return nil, err
		}
	}
	tags, err := c.ec2TagSpecs("instance")
	if err != nil {
		return nil, err
	}
	res := &runInstancesResult{ec2ReservationXML: ec2ReservationXML{ReservationID: newEC2ID("r-"), OwnerID: c.caller.account}}
	for i := 0; i < int(count); i++ {
		inst := &ec2Instance{
			seq: nextEC2Seq(), id: newEC2ID("i-"), region: c.region, owner: c.caller.account, az: sub.az,
			imageID: image, itype: itype, vpcID: sub.vpcID, subnetID: sub.id, reservationID: res.ReservationID,
			state: "running", launched: c.now, stateChanged: c.now, launchIndex: i,
			groups: append([]string(nil), groups...), tags: copyTags(tags),
		}
		inst.mac = stableMAC(inst.id)
		inst.privateIP = ip
		if ip == "" {
			inst.privateIP = e.allocateIP(sub)
			if inst.privateIP == "" {
				return nil, badRequest("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet '%s' to satisfy the requested number of instances.", sub.id)
			}
		}
		e.instances[inst.id] = inst
		if profile != nil {
			e.associate(inst, profile, newEC2ID("iip-assoc-"), c.now)
		}
		x := e.instanceXML(inst)
		x.State = ec2State("pending")
		res.Instances = append(res.Instances, x)
	}
	if token != "" {
		e.launches[token] = res
	}
	return res, nil
}

type ec2StateChangeXML struct {
	InstanceID    string      `xml:"instanceId"`
	CurrentState  ec2StateXML `xml:"currentState"`
	PreviousState ec2StateXML `xml:"previousState"`
}

type instanceStateChangeResult struct {
	ec2Meta
	Instances []ec2StateChangeXML `xml:"instancesSet>item"`
}

func ec2TerminateInstances(c *call) (any, error) {
	return c.changeInstanceStates("TerminateInstances", func(inst *ec2Instance) (string, string, error) {
		if inst.state == "terminated" {
			return "terminated", "terminated", nil
		}
		return "shutting-down", "terminated", nil
	})
}

func ec2StopInstances(c *call) (any, error) {
	return c.changeInstanceStates("StopInstances", func(inst *ec2Instance) (string, string, error) {
		switch inst.state {
		case "stopped":
			return "stopped", "stopped", nil
		case "running", "pending":
			return "stopping", "stopped", nil
		}
		return "", "", badRequest("IncorrectInstanceState", "This instance '%s' is not in a state from which it can be stopped.", inst.id)
	})
}

func ec2StartInstances(c *call) (any, error) {
	return c.changeInstanceStates("StartInstances", func(inst *ec2Instance) (string, string, error) {
		switch inst.state {
		case "running":
			return "running", "running", nil
		case "stopped":
			return "pending", "running", nil
		}
		return "", "", badRequest("IncorrectInstanceState", "The instance '%s' is not in a state from which it can be started.", inst.id)
	})
}

// changeInstanceStates runs a state change over InstanceId.N: next says
// what the response shows and where the instance ends up. All instances are
// checked before any changes, as EC2 refuses the whole call.
func (c *call) changeInstanceStates(action string, next func(*ec2Instance) (shown, final string, err error)) (any, error) {
	ids := c.params.list("InstanceId")
	if len(ids) == 0 {
		return nil, missingParam("InstanceId")
	}
	insts, err := c.instancesByID(ids)
	if err != nil {
		return nil, err
	}
	for _, inst := range insts {
		if err := c.canEC2(action, "instance", inst.id, inst.tags); err != nil {
			return nil, err
		}
		if _, _, err := next(inst); err != nil {
			return nil, err
		}
	}
	e := c.ec2()
	out := &instanceStateChangeResult{}
	for _, inst := range insts {
		shown, final, _ := next(inst)
		out.Instances = append(out.Instances, ec2StateChangeXML{InstanceID: inst.id, CurrentState: ec2State(shown), PreviousState: ec2State(inst.state)})
		if final != inst.state {
			inst.state, inst.stateChanged = final, c.now
			inst.reason = "User initiated (" + c.now.UTC().Format("2006-01-02 15:04:05 MST") + ")"
		}
		if final == "terminated" && inst.profile != nil {
			// A terminated instance loses its instance profile association.
			delete(e.associations, inst.profile.id)
			inst.profile = nil
		}
	}
	return out, nil
}
