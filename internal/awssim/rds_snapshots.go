package awssim

import (
	"slices"
	"sort"
	"strings"
)

type xmlDBSnapshotMessage struct {
	Marker      string          `xml:",omitempty"`
	DBSnapshots []xmlDBSnapshot `xml:"DBSnapshots>DBSnapshot"`
}

type xmlDBSnapshotResult struct {
	DBSnapshot xmlDBSnapshot
}

type xmlDBClusterSnapshotMessage struct {
	Marker             string                 `xml:",omitempty"`
	DBClusterSnapshots []xmlDBClusterSnapshot `xml:"DBClusterSnapshots>DBClusterSnapshot"`
}

type xmlDBClusterSnapshotResult struct {
	DBClusterSnapshot xmlDBClusterSnapshot
}

type xmlDBSnapshotAttribute struct {
	AttributeName   string
	AttributeValues []string `xml:"AttributeValues>AttributeValue"`
}

type xmlDBSnapshotAttributesResult struct {
	DBSnapshotAttributesResult struct {
		DBSnapshotIdentifier string
		DBSnapshotAttributes []xmlDBSnapshotAttribute `xml:"DBSnapshotAttributes>DBSnapshotAttribute"`
	}
}

// snapshotKey is how a listed snapshot sorts and pages: own snapshots by
// identifier, other accounts' (shared or public) by ARN, as RDS names them.
type listedSnapshot struct {
	key string
	sn  *dbSnapshot
}

func rdsDescribeDBSnapshots(c *call) (any, error) {
	r := c.rds()
	p := c.params
	max, err := rdsMaxRecords(p)
	if err != nil {
		return nil, err
	}
	filters, err := rdsParseFilters(p, "db-instance-id", "db-snapshot-id", "dbi-resource-id", "snapshot-type", "engine")
	if err != nil {
		return nil, err
	}
	snapRef, instRef := p.get("DBSnapshotIdentifier"), p.get("DBInstanceIdentifier")
	typ := p.get("SnapshotType")
	if typ != "" && !slices.Contains([]string{"manual", "automated", "shared", "public", "awsbackup"}, typ) {
		return nil, invalidParam("Invalid snapshot type: %s", typ)
	}
	includeShared, _, err := p.bool("IncludeShared")
	if err != nil {
		return nil, err
	}
	includePublic, _, err := p.bool("IncludePublic")
	if err != nil {
		return nil, err
	}
	resource := rdsARN(c.region, c.caller.account, "snapshot", "*")
	var tags map[string]string
	snapID, snapOK := "", true
	if snapRef != "" {
		snapID, snapOK = c.rdsRef(snapRef, "snapshot")
		resource = rdsARN(c.region, c.caller.account, "snapshot", snapID)
		if sn := r.snapshots[snapID]; snapOK && sn != nil {
			tags = sn.tags
		}
	} else if instRef != "" {
		if id, ok := c.rdsRef(instRef, "db"); ok {
			resource = rdsARN(c.region, c.caller.account, "db", id)
		}
	}
	if err := c.rdsAuthorize("rds:DescribeDBSnapshots", resource, "snapshot", tags); err != nil {
		return nil, err
	}
	if snapRef != "" && (!snapOK || r.snapshots[snapID] == nil) {
		return nil, rdsSnapshotNotFound(snapRef)
	}
	instID := ""
	if instRef != "" {
		id, ok := c.rdsRef(instRef, "db")
		if !ok {
			return &xmlDBSnapshotMessage{DBSnapshots: []xmlDBSnapshot{}}, nil
		}
		instID = id
	}
	match := func(sn *dbSnapshot) bool {
		snapType := "manual"
		if sn.automated {
			snapType = "automated"
		}
		return (snapID == "" || sn.id == snapID) && (instID == "" || sn.instance == instID) &&
			filters.match("db-instance-id", sn.instance, rdsSiblingARN(sn.arn, "db", sn.instance)) &&
			filters.match("db-snapshot-id", sn.id, sn.arn) && filters.match("dbi-resource-id", sn.resourceID) &&
			filters.match("snapshot-type", snapType) && filters.match("engine", sn.engine)
	}
	var list []listedSnapshot
	if typ != "shared" && typ != "public" {
		for id, sn := range r.snapshots {
			if (typ == "" || typ == "manual" && !sn.automated || typ == "automated" && sn.automated) && match(sn) {
				list = append(list, listedSnapshot{id, sn})
			}
		}
	}
	// Other accounts' snapshots shared with the caller, or public.
	if snapID == "" && (typ == "shared" || typ == "public" || includeShared || includePublic) {
		for _, acct := range c.s.accountIDsLocked() {
			if acct == c.caller.account {
				continue
			}
			reg := c.s.accounts[acct].regions[c.region]
			if reg == nil {
				continue
			}
			reg.rds.ready().settle(c.now)
			for _, sn := range reg.rds.snapshots {
				shared := slices.Contains(sn.restore, c.caller.account) && (typ == "shared" || typ == "" && includeShared)
				public := slices.Contains(sn.restore, "all") && (typ == "public" || typ == "" && includePublic)
				if (shared || public) && match(sn) {
					list = append(list, listedSnapshot{sn.arn, sn})
				}
			}
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].key < list[j].key })
	keys := make([]string, len(list))
	for i := range list {
		keys[i] = list[i].key
	}
	start, end, next := rdsPage(keys, p.get("Marker"), max)
	out := &xmlDBSnapshotMessage{Marker: next, DBSnapshots: make([]xmlDBSnapshot, 0, end-start)}
	for _, ls := range list[start:end] {
		x := ls.sn.xml()
		if ls.key != ls.sn.id {
			x.DBSnapshotIdentifier = ls.sn.arn
			x.SnapshotType = "shared"
			if slices.Contains(ls.sn.restore, "all") {
				x.SnapshotType = "public"
			}
		}
		out.DBSnapshots = append(out.DBSnapshots, x)
	}
	return out, nil
}

func rdsCreateDBSnapshot(c *call) (any, error) {
	r := c.rds()
	p := c.params
	snapID, err := p.required("DBSnapshotIdentifier")
	if err != nil {
		return nil, err
	}
	d, err := c.findInstance(r, "rds:CreateDBSnapshot")
	if err != nil {
		return nil, err
	}
	tags := p.tags("Tags.Tag")
	arn := rdsARN(c.region, c.caller.account, "snapshot", strings.ToLower(snapID))
	if err := rdsRequestTags(c, "rds:CreateDBSnapshot", arn, tags); err != nil {
		return nil, err
	}
	if !validRDSIdentifier(snapID) {
		return nil, invalidIdentifier("DBSnapshotIdentifier")
	}
	snapID = strings.ToLower(snapID)
	if r.snapshots[snapID] != nil {
		return nil, badRequest("DBSnapshotAlreadyExists", "Cannot create the snapshot because a snapshot with the identifier %s already exists.", snapID)
	}
	if d.cluster != "" {
		return nil, invalidParam("The specified instance is a member of a cluster and a snapshot cannot be created directly. Please use the CreateDBClusterSnapshot API instead.")
	}
	if d.status != "available" {
		return nil, rdsInvalidState("Cannot create a snapshot because the database instance %s is not currently in the available state.", d.id)
	}
	if len(tags) == 0 && d.copyTagsToSnapshot {
		tags = d.tags
	}
	sn := newSnapshot(c.region, c.caller.account, snapID, d, c.now, tags)
	sn.begin(c, "creating", "available")
	r.snapshots[sn.id] = sn
	return &xmlDBSnapshotResult{DBSnapshot: sn.xml()}, nil
}

// findSnapshot resolves DBSnapshotIdentifier, authorizing action on it first.
func (c *call) findSnapshot(r *rdsRegion, action string) (*dbSnapshot, error) {
	ref, err := c.params.required("DBSnapshotIdentifier")
	if err != nil {
		return nil, err
	}
	id, ok := c.rdsRef(ref, "snapshot")
	arn := rdsARN(c.region, c.caller.account, "snapshot", id)
	if !ok {
		arn = ref
	}
	sn := r.snapshots[id]
	var tags map[string]string
	if ok && sn != nil {
		tags = sn.tags
	}
	if err := c.rdsAuthorize(action, arn, "snapshot", tags); err != nil {
		return nil, err
	}
	if !ok || sn == nil {
		return nil, rdsSnapshotNotFound(ref)
	}
	return sn, nil
}

func rdsDeleteDBSnapshot(c *call) (any, error) {
	r := c.rds()
	sn, err := c.findSnapshot(r, "rds:DeleteDBSnapshot")
	if err != nil {
		return nil, err
	}
	if sn.automated {
		return nil, badRequest("InvalidDBSnapshotState", "Only manual snapshots may be deleted.")
	}
	if sn.status != "available" {
		return nil, badRequest("InvalidDBSnapshotState", "Cannot delete the snapshot because it is not in available state.")
	}
	delete(r.snapshots, sn.id)
	x := sn.xml()
	x.Status = "deleted"
	return &xmlDBSnapshotResult{DBSnapshot: x}, nil
}

func rdsDescribeDBSnapshotAttributes(c *call) (any, error) {
	r := c.rds()
	sn, err := c.findSnapshot(r, "rds:DescribeDBSnapshotAttributes")
	if err != nil {
		return nil, err
	}
	return snapshotAttributes(sn), nil
}

func snapshotAttributes(sn *dbSnapshot) *xmlDBSnapshotAttributesResult {
	out := &xmlDBSnapshotAttributesResult{}
	out.DBSnapshotAttributesResult.DBSnapshotIdentifier = sn.id
	out.DBSnapshotAttributesResult.DBSnapshotAttributes = []xmlDBSnapshotAttribute{
		{AttributeName: "restore", AttributeValues: append([]string{}, sn.restore...)},
	}
	return out
}

func rdsModifyDBSnapshotAttribute(c *call) (any, error) {
	r := c.rds()
	sn, err := c.findSnapshot(r, "rds:ModifyDBSnapshotAttribute")
	if err != nil {
		return nil, err
	}
	name, err := c.params.required("AttributeName")
	if err != nil {
		return nil, err
	}
	if name != "restore" {
		return nil, invalidParam("Invalid snapshot attribute name: %s", name)
	}
	add, remove := c.params.list("ValuesToAdd.AttributeValue"), c.params.list("ValuesToRemove.AttributeValue")
	for _, v := range append(append([]string{}, add...), remove...) {
		if v != "all" && !isAccountID(v) {
			return nil, invalidParam("Invalid account identifier: %s", v)
		}
	}
	for _, v := range add {
		if slices.Contains(remove, v) {
			return nil, badRequest("InvalidParameterCombination", "A value may not appear in both the add list and remove list.")
		}
	}
	if sn.automated {
		return nil, badRequest("InvalidDBSnapshotState", "Automated snapshots can't be shared. Copy the snapshot to a manual snapshot first.")
	}
	if sn.status != "available" {
		return nil, badRequest("InvalidDBSnapshotState", "Cannot modify the snapshot because it is not in available state.")
	}
	if sn.encrypted && slices.Contains(add, "all") {
		return nil, invalidParam("Encrypted snapshots cannot be shared publicly.")
	}
	var next []string
	for _, v := range append(append([]string{}, sn.restore...), add...) {
		if !slices.Contains(remove, v) && !slices.Contains(next, v) {
			next = append(next, v)
		}
	}
	if len(next) > 20 {
		return nil, badRequest("SharedSnapshotQuotaExceeded", "You have exceeded the maximum number of accounts that can share a DB snapshot.")
	}
	sn.restore = next
	return snapshotAttributes(sn), nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func rdsDescribeDBClusterSnapshots(c *call) (any, error) {
	r := c.rds()
	p := c.params
	max, err := rdsMaxRecords(p)
	if err != nil {
		return nil, err
	}
	filters, err := rdsParseFilters(p, "db-cluster-id", "db-cluster-snapshot-id", "snapshot-type", "engine")
	if err != nil {
		return nil, err
	}
	snapRef, clusterRef, typ := p.get("DBClusterSnapshotIdentifier"), p.get("DBClusterIdentifier"), p.get("SnapshotType")
	resource := rdsARN(c.region, c.caller.account, "cluster-snapshot", "*")
	snapID, snapOK := "", true
	var tags map[string]string
	if snapRef != "" {
		snapID, snapOK = c.rdsRef(snapRef, "cluster-snapshot")
		resource = rdsARN(c.region, c.caller.account, "cluster-snapshot", snapID)
		if sn := r.clusterSnapshots[snapID]; snapOK && sn != nil {
			tags = sn.tags
		}
	}
	if err := c.rdsAuthorize("rds:DescribeDBClusterSnapshots", resource, "cluster-snapshot", tags); err != nil {
		return nil, err
	}
	if snapRef != "" && (!snapOK || r.clusterSnapshots[snapID] == nil) {
		return nil, rdsClusterSnapshotNotFound(snapRef)
	}
	clusterID := ""
	if clusterRef != "" {
		id, ok := c.rdsRef(clusterRef, "cluster")
		if !ok {
			return &xmlDBClusterSnapshotMessage{DBClusterSnapshots: []xmlDBClusterSnapshot{}}, nil
		}
		clusterID = id
	}
	var keys []string
	for id, sn := range r.clusterSnapshots {
		snapType := "manual"
		if sn.automated {
			snapType = "automated"
		}
		if (snapID == "" || id == snapID) && (clusterID == "" || sn.cluster == clusterID) && (typ == "" || typ == snapType) &&
			filters.match("db-cluster-id", sn.cluster, rdsSiblingARN(sn.arn, "cluster", sn.cluster)) && filters.match("db-cluster-snapshot-id", sn.id, sn.arn) &&
			filters.match("snapshot-type", snapType) && filters.match("engine", sn.engine) {
			keys = append(keys, id)
		}
	}
	sort.Strings(keys)
	start, end, next := rdsPage(keys, p.get("Marker"), max)
	out := &xmlDBClusterSnapshotMessage{Marker: next, DBClusterSnapshots: make([]xmlDBClusterSnapshot, 0, end-start)}
	for _, id := range keys[start:end] {
		out.DBClusterSnapshots = append(out.DBClusterSnapshots, r.clusterSnapshots[id].xml())
	}
	return out, nil
}

func rdsCreateDBClusterSnapshot(c *call) (any, error) {
	r := c.rds()
	p := c.params
	snapID, err := p.required("DBClusterSnapshotIdentifier")
	if err != nil {
		return nil, err
	}
	cl, err := c.findCluster(r, "rds:CreateDBClusterSnapshot")
	if err != nil {
		return nil, err
	}
	tags := p.tags("Tags.Tag")
	if err := rdsRequestTags(c, "rds:CreateDBClusterSnapshot", rdsARN(c.region, c.caller.account, "cluster-snapshot", strings.ToLower(snapID)), tags); err != nil {
		return nil, err
	}
	if !validRDSIdentifier(snapID) {
		return nil, invalidIdentifier("DBClusterSnapshotIdentifier")
	}
	snapID = strings.ToLower(snapID)
	if r.clusterSnapshots[snapID] != nil {
		return nil, badRequest("DBClusterSnapshotAlreadyExistsFault", "Cannot create the cluster snapshot because one with the identifier %s already exists.", snapID)
	}
	if cl.status != "available" {
		return nil, badRequest("InvalidDBClusterStateFault", "DbCluster %s is in %s state but expected it to be one of available.", cl.id, cl.status)
	}
	if len(tags) == 0 && cl.copyTagsToSnapshot {
		tags = cl.tags
	}
	sn := newClusterSnapshot(c.region, c.caller.account, snapID, cl, c.now, tags)
	sn.begin(c, "creating", "available")
	r.clusterSnapshots[sn.id] = sn
	return &xmlDBClusterSnapshotResult{DBClusterSnapshot: sn.xml()}, nil
}

func rdsDeleteDBClusterSnapshot(c *call) (any, error) {
	r := c.rds()
	ref, err := c.params.required("DBClusterSnapshotIdentifier")
	if err != nil {
		return nil, err
	}
	id, ok := c.rdsRef(ref, "cluster-snapshot")
	sn := r.clusterSnapshots[id]
	var tags map[string]string
	if ok && sn != nil {
		tags = sn.tags
	}
	if err := c.rdsAuthorize("rds:DeleteDBClusterSnapshot", rdsARN(c.region, c.caller.account, "cluster-snapshot", id), "cluster-snapshot", tags); err != nil {
		return nil, err
	}
	if !ok || sn == nil {
		return nil, rdsClusterSnapshotNotFound(ref)
	}
	if sn.automated {
		return nil, badRequest("InvalidDBClusterSnapshotStateFault", "Only manual snapshots may be deleted.")
	}
	if sn.status != "available" {
		return nil, badRequest("InvalidDBClusterSnapshotStateFault", "Cannot delete the snapshot because it is not in available state.")
	}
	delete(r.clusterSnapshots, sn.id)
	x := sn.xml()
	x.Status = "deleted"
	return &xmlDBClusterSnapshotResult{DBClusterSnapshot: x}, nil
}
