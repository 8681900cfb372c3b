package awssim

import (
	"sort"
	"strings"
)

// ec2Taggable is a resource CreateTags and friends can name.
type ec2Taggable struct {
	id, kind string // kind is both the ARN resource type and DescribeTags' resourceType
	tags     map[string]string
}

// taggable finds one of the caller's resources by ID.
func (c *call) taggable(id string) (*ec2Taggable, error) {
	e := c.ec2()
	notFound := func(code, what string) error { return ec2IDsNotFound(code, what, []string{id}) }
	switch {
	case strings.HasPrefix(id, "i-"):
		if inst := c.visibleInstance(id); inst != nil {
			return &ec2Taggable{id, "instance", inst.tags}, nil
		}
		return nil, notFound("InvalidInstanceID.NotFound", "instance")
	case strings.HasPrefix(id, "vpc-"):
		if v := e.vpcs[id]; v != nil {
			return &ec2Taggable{id, "vpc", v.tags}, nil
		}
		return nil, notFound("InvalidVpcID.NotFound", "vpc")
	case strings.HasPrefix(id, "subnet-"):
		if s := e.subnets[id]; s != nil {
			return &ec2Taggable{id, "subnet", s.tags}, nil
		}
		return nil, notFound("InvalidSubnetID.NotFound", "subnet")
	case strings.HasPrefix(id, "sg-"):
		if g := e.securityGroups[id]; g != nil {
			return &ec2Taggable{id, "security-group", g.tags}, nil
		}
		return nil, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
	case strings.HasPrefix(id, "rtb-"):
		if rt := e.routeTables[id]; rt != nil {
			return &ec2Taggable{id, "route-table", rt.tags}, nil
		}
		return nil, notFound("InvalidRouteTableID.NotFound", "routeTable")
	case strings.HasPrefix(id, "pcx-"):
		if p := c.visiblePeering(id); p != nil {
			if p.tags[c.caller.account] == nil {
				p.tags[c.caller.account] = map[string]string{}
			}
			return &ec2Taggable{id, "vpc-peering-connection", p.tags[c.caller.account]}, nil
		}
		return nil, notFound("InvalidVpcPeeringConnectionID.NotFound", "vpcPeeringConnection")
	}
	return nil, badRequest("InvalidID", "The ID '%s' is not valid", id)
}

// taggables resolves ResourceId.N and authorizes action on each.
func (c *call) taggables(action string) ([]*ec2Taggable, error) {
	ids := c.params.list("ResourceId")
	if len(ids) == 0 {
		return nil, missingParam("ResourceId")
	}
	var out []*ec2Taggable
	for _, id := range ids {
		t, err := c.taggable(id)
		if err != nil {
			return nil, err
		}
		if err := c.canEC2(action, t.kind, t.id, t.tags); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// maxTagsPerResource is EC2's limit of user tags on one resource.
const maxTagsPerResource = 50

func ec2CreateTags(c *call) (any, error) {
	tags, err := ec2TagList(c.params, "Tag")
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, missingParam("Tag")
	}
	targets, err := c.taggables("CreateTags")
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		n := len(t.tags)
		for k := range tags {
			if _, ok := t.tags[k]; !ok {
				n++
			}
		}
		if n > maxTagsPerResource {
			return nil, badRequest("TagLimitExceeded", "Tag limit exceeded")
		}
	}
	for _, t := range targets {
		for k, v := range tags {
			t.tags[k] = v
		}
	}
	return nil, nil
}

func ec2DeleteTags(c *call) (any, error) {
	targets, err := c.taggables("DeleteTags")
	if err != nil {
		return nil, err
	}
	specs := c.params.structs("Tag")
	for _, t := range targets {
		if len(specs) == 0 {
			for k := range t.tags {
				delete(t.tags, k)
			}
			continue
		}
		for _, s := range specs {
			k := s.get("Key")
			if v, ok := t.tags[k]; ok && (!s.has("Value") || s.get("Value") == v) {
				delete(t.tags, k)
			}
		}
	}
	return nil, nil
}

type ec2TagDescriptionXML struct {
	ResourceID   string `xml:"resourceId"`
	ResourceType string `xml:"resourceType"`
	Key          string `xml:"key"`
	Value        string `xml:"value"`
}

type describeTagsResult struct {
	ec2Meta
	Tags      []ec2TagDescriptionXML `xml:"tagSet>item"`
	NextToken string                 `xml:"nextToken,omitempty"`
}

// allTaggables lists every resource the caller sees in the region.
func (c *call) allTaggables() []*ec2Taggable {
	e := c.ec2()
	var out []*ec2Taggable
	for id := range e.instances {
		if inst := c.visibleInstance(id); inst != nil {
			out = append(out, &ec2Taggable{id, "instance", inst.tags})
		}
	}
	for id, v := range e.vpcs {
		out = append(out, &ec2Taggable{id, "vpc", v.tags})
	}
	for id, s := range e.subnets {
		out = append(out, &ec2Taggable{id, "subnet", s.tags})
	}
	for id, g := range e.securityGroups {
		out = append(out, &ec2Taggable{id, "security-group", g.tags})
	}
	for id, rt := range e.routeTables {
		out = append(out, &ec2Taggable{id, "route-table", rt.tags})
	}
	for id, p := range e.peerings {
		if c.visiblePeering(id) != nil {
			out = append(out, &ec2Taggable{id, "vpc-peering-connection", p.tags[c.caller.account]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func ec2DescribeTags(c *call) (any, error) {
	if err := c.can("ec2:DescribeTags", "*"); err != nil {
		return nil, err
	}
	filters, err := c.ec2Filters("resource-id", "resource-type", "key", "value")
	if err != nil {
		return nil, err
	}
	var matched []ec2TagDescriptionXML
	for _, t := range c.allTaggables() {
		for _, tag := range ec2TagSet(t.tags) {
			d := ec2TagDescriptionXML{ResourceID: t.id, ResourceType: t.kind, Key: tag.Key, Value: tag.Value}
			attrs := func(f string) []string {
				return map[string][]string{"resource-id": {d.ResourceID}, "resource-type": {d.ResourceType}, "key": {d.Key}, "value": {d.Value}}[f]
			}
			if ec2Match(filters, t.tags, attrs) {
				matched = append(matched, d)
			}
		}
	}
	start, end, next, err := c.ec2Page(len(matched))
	if err != nil {
		return nil, err
	}
	return &describeTagsResult{Tags: matched[start:end], NextToken: next}, nil
}
