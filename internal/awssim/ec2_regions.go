package awssim

import (
	"slices"
	"strings"
)

// optInRegions are the AWS regions an account must opt in to; enabled ones
// show as opted-in rather than opt-in-not-required.
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-south-2": true, "ap-southeast-3": true,
	"ap-southeast-4": true, "ap-southeast-5": true, "ap-southeast-6": true, "ap-southeast-7": true,
	"ca-west-1": true, "eu-central-2": true, "eu-south-1": true, "eu-south-2": true, "il-central-1": true,
	"me-central-1": true, "me-south-1": true, "mx-central-1": true,
}

type ec2RegionXML struct {
	RegionName  string `xml:"regionName"`
	Endpoint    string `xml:"regionEndpoint"`
	OptInStatus string `xml:"optInStatus"`
}

type describeRegionsResult struct {
	ec2Meta
	Regions []ec2RegionXML `xml:"regionInfo>item"`
}

func ec2DescribeRegions(c *call) (any, error) {
	if err := c.can("ec2:DescribeRegions", "*"); err != nil {
		return nil, err
	}
	filters, err := c.ec2Filters("region-name", "opt-in-status", "endpoint")
	if err != nil {
		return nil, err
	}
	all, _, err := c.params.bool("AllRegions")
	if err != nil {
		return nil, err
	}
	names := c.params.list("RegionName")
	for _, n := range names {
		if !c.s.regionSet[n] {
			return nil, badRequest("InvalidParameterValue", "Invalid region names specified: %s", n)
		}
	}
	a := c.account()
	out := &describeRegionsResult{}
	for _, name := range c.s.regionNames {
		if len(names) > 0 && !slices.Contains(names, name) {
			continue
		}
		status := "opt-in-not-required"
		switch {
		case a.disabled[name]:
			if !all && len(names) == 0 {
				continue
			}
			status = "not-opted-in"
		case optInRegions[name]:
			status = "opted-in"
		}
		r := ec2RegionXML{RegionName: name, Endpoint: "ec2." + name + ".amazonaws.com", OptInStatus: status}
		attrs := func(f string) []string {
			switch f {
			case "region-name":
				return []string{r.RegionName}
			case "opt-in-status":
				return []string{r.OptInStatus}
			}
			return []string{r.Endpoint}
		}
		if ec2Match(filters, nil, attrs) {
			out.Regions = append(out.Regions, r)
		}
	}
	return out, nil
}

type ec2ZoneXML struct {
	State              string `xml:"zoneState"`
	OptInStatus        string `xml:"optInStatus"`
	RegionName         string `xml:"regionName"`
	ZoneName           string `xml:"zoneName"`
	ZoneID             string `xml:"zoneId"`
	GroupName          string `xml:"groupName"`
	NetworkBorderGroup string `xml:"networkBorderGroup"`
	ZoneType           string `xml:"zoneType"`
}

type describeZonesResult struct {
	ec2Meta
	Zones []ec2ZoneXML `xml:"availabilityZoneInfo>item"`
}

// zoneIDPrefix abbreviates a region as zone IDs do: us-east-1 → use1,
// ap-southeast-2 → apse2.
func zoneIDPrefix(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) < 3 {
		return region
	}
	dir := map[string]string{"north": "n", "south": "s", "east": "e", "west": "w", "central": "c",
		"northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw"}[parts[1]]
	if dir == "" {
		dir = parts[1][:1]
	}
	return parts[0] + dir + parts[len(parts)-1]
}

// ec2Zones are the availability zones of a region: a, b and c.
func ec2Zones(region string) []ec2ZoneXML {
	var out []ec2ZoneXML
	for i, z := range []string{"a", "b", "c"} {
		out = append(out, ec2ZoneXML{State: "available", OptInStatus: "opt-in-not-required", RegionName: region,
			ZoneName: region + z, ZoneID: zoneIDPrefix(region) + "-az" + string(rune('1'+i)),
			GroupName: region, NetworkBorderGroup: region, ZoneType: "availability-zone"})
	}
	return out
}

func ec2DescribeAvailabilityZones(c *call) (any, error) {
	if err := c.can("ec2:DescribeAvailabilityZones", "*"); err != nil {
		return nil, err
	}
	filters, err := c.ec2Filters("zone-name", "zone-id", "region-name", "state", "zone-type", "group-name", "opt-in-status")
	if err != nil {
		return nil, err
	}
	names, ids := c.params.list("ZoneName"), c.params.list("ZoneId")
	zones := ec2Zones(c.region)
	for _, n := range names {
		found := false
		for _, z := range zones {
			found = found || z.ZoneName == n
		}
		if !found {
			return nil, badRequest("InvalidParameterValue", "The zone '%s' does not exist.", n)
		}
	}
	out := &describeZonesResult{}
	for _, z := range zones {
		if (len(names) > 0 || len(ids) > 0) && !slices.Contains(names, z.ZoneName) && !slices.Contains(ids, z.ZoneID) {
			continue
		}
		attrs := func(f string) []string {
			return map[string][]string{"zone-name": {z.ZoneName}, "zone-id": {z.ZoneID}, "region-name": {z.RegionName},
				"state": {z.State}, "zone-type": {z.ZoneType}, "group-name": {z.GroupName}, "opt-in-status": {z.OptInStatus}}[f]
		}
		if ec2Match(filters, nil, attrs) {
			out.Zones = append(out.Zones, z)
		}
	}
	return out, nil
}
