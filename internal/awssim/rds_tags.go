package awssim

import (
	"sort"
	"strings"
)

type xmlTagListMessage struct {
	TagList xmlTagList
}

// rdsTagged finds the resource an RDS ARN names and its tags, authorizing
// action on it first (with its tags and extra request keys as context).
func (c *call) rdsTagged(action string, request map[string]string, removing []string) (*map[string]string, error) {
	ref, err := c.params.required("ResourceName")
	if err != nil {
		return nil, err
	}
	parts := strings.SplitN(ref, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "rds" || parts[3] != c.region || parts[4] != c.caller.account || parts[6] == "" {
		if err := c.can(action, ref); err != nil {
			return nil, err
		}
		return nil, invalidParam("The specified resource name does not match an RDS resource in this region.")
	}
	r := c.rds()
	kind, id := parts[5], strings.ToLower(parts[6])
	var tags *map[string]string
	var missing *APIError
	switch kind {
	case "db":
		if d := r.instances[id]; d != nil {
			tags = &d.tags
		} else {
			missing = rdsInstanceNotFound(parts[6])
		}
	case "cluster":
		if cl := r.clusters[id]; cl != nil {
			tags = &cl.tags
		} else {
			missing = rdsClusterNotFound(parts[6])
		}
	case "snapshot":
		if sn := r.snapshots[id]; sn != nil {
			tags = &sn.tags
		} else {
			missing = rdsSnapshotNotFound(parts[6])
		}
	case "cluster-snapshot":
		if sn := r.clusterSnapshots[id]; sn != nil {
			tags = &sn.tags
		} else {
			missing = rdsClusterSnapshotNotFound(parts[6])
		}
	default:
		if err := c.can(action, ref); err != nil {
			return nil, err
		}
		return nil, invalidParam("The specified resource name does not match an RDS resource in this region.")
	}
	var current map[string]string
	if tags != nil {
		current = *tags
	}
	ctx := tagContext(nil, current)
	for k, v := range current {
		ctx.Set("rds:"+kind+"-tag/"+k, v)
	}
	var keys []string
	for k, v := range request {
		ctx.Set("aws:RequestTag/"+k, v)
		ctx.Set("rds:req-tag/"+k, v)
		keys = append(keys, k)
	}
	keys = append(keys, removing...)
	if len(keys) > 0 {
		sort.Strings(keys)
		ctx.Set("aws:TagKeys", keys...)
	}
	if err := c.authorize(authz{action: action, resource: rdsARN(c.region, c.caller.account, kind, id), context: ctx}); err != nil {
		return nil, err
	}
	if missing != nil {
		return nil, missing
	}
	if *tags == nil {
		*tags = map[string]string{}
	}
	return tags, nil
}

func rdsListTagsForResource(c *call) (any, error) {
	tags, err := c.rdsTagged("rds:ListTagsForResource", nil, nil)
	if err != nil {
		return nil, err
	}
	return &xmlTagListMessage{TagList: sortedTags(*tags)}, nil
}

func rdsAddTagsToResource(c *call) (any, error) {
	add := c.params.tags("Tags.Tag")
	for k := range add {
		if k == "" || len(k) > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, invalidParam("Tag keys must be 1 to 128 characters and must not begin with aws:.")
		}
	}
	tags, err := c.rdsTagged("rds:AddTagsToResource", add, nil)
	if err != nil {
		return nil, err
	}
	merged := copyTags(*tags)
	for k, v := range add {
		merged[k] = v
	}
	if len(merged) > 50 {
		return nil, invalidParam("Cannot add tags: a resource can have at most 50 tags.")
	}
	*tags = merged
	return nil, nil
}

func rdsRemoveTagsFromResource(c *call) (any, error) {
	keys := c.params.list("TagKeys.member")
	tags, err := c.rdsTagged("rds:RemoveTagsFromResource", nil, keys)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		delete(*tags, k)
	}
	return nil, nil
}
