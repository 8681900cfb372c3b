package awssim

import (
	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

// ec2ProfileParam resolves IamInstanceProfile.Name or .Arn to one of the
// caller's instance profiles; nil if neither is given.
func (c *call) ec2ProfileParam() (*instanceProfile, error) {
	name, arn := c.params.get("IamInstanceProfile.Name"), c.params.get("IamInstanceProfile.Arn")
	profiles := c.account().iam.instanceProfiles
	switch {
	case name != "":
		p := profiles[name]
		if p == nil || arn != "" && p.arn != arn {
			return nil, badRequest("InvalidParameterValue", "Value (%s) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name", name)
		}
		return p, nil
	case arn != "":
		for _, p := range profiles {
			if p.arn == arn {
				return p, nil
			}
		}
		return nil, badRequest("InvalidParameterValue", "Value (%s) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN", arn)
	}
	return nil, nil
}

// canPassProfileRole checks iam:PassRole on the profile's role: giving an
// instance a profile hands its role to EC2.
func (c *call) canPassProfileRole(p *instanceProfile) error {
	if len(p.roles) == 0 {
		return nil
	}
	role := c.account().iam.roles[p.roles[0]]
	if role == nil {
		return nil
	}
	ctx := policy.Context{}
	ctx.Set("iam:PassedToService", "ec2.amazonaws.com")
	return c.authorize(authz{action: "iam:PassRole", resource: role.arn, context: ctx})
}

type ec2AssociationXML struct {
	AssociationID string        `xml:"associationId"`
	InstanceID    string        `xml:"instanceId"`
	Profile       ec2ProfileXML `xml:"iamInstanceProfile"`
	State         string        `xml:"state"`
	Timestamp     string        `xml:"timestamp"`
}

func associationXML(as *ec2ProfileAssociation, state string) ec2AssociationXML {
	return ec2AssociationXML{AssociationID: as.id, InstanceID: as.instanceID, State: state, Timestamp: xmlTime(as.when),
		Profile: ec2ProfileXML{Arn: as.profileARN, ID: as.profileID}}
}

type associationResult struct {
	ec2Meta
	Association ec2AssociationXML `xml:"iamInstanceProfileAssociation"`
}

func ec2AssociateIamInstanceProfile(c *call) (any, error) {
	id, err := c.params.required("InstanceId")
	if err != nil {
		return nil, err
	}
	insts, err := c.instancesByID([]string{id})
	if err != nil {
		return nil, err
	}
	inst := insts[0]
	if err := c.canEC2("AssociateIamInstanceProfile", "instance", inst.id, inst.tags); err != nil {
		return nil, err
	}
	profile, err := c.ec2ProfileParam()
	if err != nil {
		return nil, err
	}
	if profile == nil {
		return nil, missingParam("IamInstanceProfile")
	}
	if inst.state != "running" && inst.state != "stopped" {
		return nil, badRequest("IncorrectInstanceState", "The instance '%s' is not in a valid state for this operation.", inst.id)
	}
	if inst.profile != nil {
		return nil, badRequest("IncorrectState", "There is an existing association for instance %s", inst.id)
	}
	if err := c.canPassProfileRole(profile); err != nil {
		return nil, err
	}
	as := c.ec2().associate(inst, profile, newEC2ID("iip-assoc-"), c.now)
	return &associationResult{Association: associationXML(as, "associating")}, nil
}

// association finds one of the caller's current associations.
func (c *call) association(id string) (*ec2ProfileAssociation, error) {
	as := c.ec2().associations[id]
	if as == nil {
		return nil, badRequest("InvalidAssociationID.NotFound", "The association ID '%s' does not exist", id)
	}
	return as, nil
}

func ec2DisassociateIamInstanceProfile(c *call) (any, error) {
	id, err := c.params.required("AssociationId")
	if err != nil {
		return nil, err
	}
	as, err := c.association(id)
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	inst := e.instances[as.instanceID]
	var tags map[string]string
	if inst != nil {
		tags = inst.tags
	}
	if err := c.canEC2("DisassociateIamInstanceProfile", "instance", as.instanceID, tags); err != nil {
		return nil, err
	}
	delete(e.associations, as.id)
	if inst != nil && inst.profile == as {
		inst.profile = nil
	}
	return &associationResult{Association: associationXML(as, "disassociating")}, nil
}

func ec2ReplaceIamInstanceProfileAssociation(c *call) (any, error) {
	id, err := c.params.required("AssociationId")
	if err != nil {
		return nil, err
	}
	as, err := c.association(id)
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	inst := e.instances[as.instanceID]
	if inst == nil {
		return nil, badRequest("InvalidAssociationID.NotFound", "The association ID '%s' does not exist", id)
	}
	if err := c.canEC2("ReplaceIamInstanceProfileAssociation", "instance", inst.id, inst.tags); err != nil {
		return nil, err
	}
	profile, err := c.ec2ProfileParam()
	if err != nil {
		return nil, err
	}
	if profile == nil {
		return nil, missingParam("IamInstanceProfile")
	}
	if err := c.canPassProfileRole(profile); err != nil {
		return nil, err
	}
	delete(e.associations, as.id)
	next := e.associate(inst, profile, newEC2ID("iip-assoc-"), c.now)
	return &associationResult{Association: associationXML(next, "associating")}, nil
}

type describeAssociationsResult struct {
	ec2Meta
	Associations []ec2AssociationXML `xml:"iamInstanceProfileAssociationSet>item"`
	NextToken    string              `xml:"nextToken,omitempty"`
}

func ec2DescribeIamInstanceProfileAssociations(c *call) (any, error) {
	if err := c.can("ec2:DescribeIamInstanceProfileAssociations", "*"); err != nil {
		return nil, err
	}
	filters, err := c.ec2Filters("instance-id", "state")
	if err != nil {
		return nil, err
	}
	e := c.ec2()
	var list []*ec2ProfileAssociation
	if ids := c.params.list("AssociationId"); len(ids) > 0 {
		for _, id := range ids {
			as, err := c.association(id)
			if err != nil {
				return nil, err
			}
			list = append(list, as)
		}
	} else {
		list = sortedBySeq(e.associations, func(a *ec2ProfileAssociation) uint64 { return a.seq })
	}
	var matched []*ec2ProfileAssociation
	for _, as := range list {
		attrs := func(name string) []string {
			if name == "instance-id" {
				return []string{as.instanceID}
			}
			return []string{"associated"}
		}
		if ec2Match(filters, nil, attrs) {
			matched = append(matched, as)
		}
	}
	start, end, next, err := c.ec2Page(len(matched))
	if err != nil {
		return nil, err
	}
	out := &describeAssociationsResult{NextToken: next}
	for _, as := range matched[start:end] {
		out.Associations = append(out.Associations, associationXML(as, "associated"))
	}
	return out, nil
}
