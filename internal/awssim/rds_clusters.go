package awssim

import (
	"slices"
	"sort"
	"strings"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

type xmlDBClusterMessage struct {
	Marker     string         `xml:",omitempty"`
	DBClusters []xmlDBCluster `xml:"DBClusters>DBCluster"`
}

type xmlDBClusterResult struct {
	DBCluster xmlDBCluster
}

func (c *call) clusterResult(r *rdsRegion, cl *dbCluster) *xmlDBClusterResult {
	return &xmlDBClusterResult{DBCluster: r.clusterXML(cl, c.now, c.region)}
}

// rdsClusterEngines are the engines a DB cluster can run.
var rdsClusterEngines = []string{"aurora-postgresql", "aurora-mysql", "postgres", "mysql"}

// findCluster resolves DBClusterIdentifier, authorizing action on it first.
func (c *call) findCluster(r *rdsRegion, action string) (*dbCluster, error) {
	ref, err := c.params.required("DBClusterIdentifier")
	if err != nil {
		return nil, err
	}
	id, ok := c.rdsRef(ref, "cluster")
	arn := rdsARN(c.region, c.caller.account, "cluster", id)
	if !ok {
		arn = ref
	}
	cl := r.clusters[id]
	var tags map[string]string
	if ok && cl != nil {
		tags = cl.tags
	}
	if err := c.rdsAuthorize(action, arn, "cluster", tags); err != nil {
		return nil, err
	}
	if !ok || cl == nil {
		return nil, rdsClusterNotFound(ref)
	}
	return cl, nil
}

func rdsDescribeDBClusters(c *call) (any, error) {
	r := c.rds()
	max, err := rdsMaxRecords(c.params)
	if err != nil {
		return nil, err
	}
	filters, err := rdsParseFilters(c.params, "db-cluster-id", "engine", "clone-group-id", "db-cluster-resource-id", "domain")
	if err != nil {
		return nil, err
	}
	match := func(cl *dbCluster) bool {
		return filters.match("db-cluster-id", cl.id, cl.arn) && filters.match("engine", cl.engine) &&
			filters.match("db-cluster-resource-id", cl.resourceID)
	}
	if c.params.get("DBClusterIdentifier") != "" {
		cl, err := c.findCluster(r, "rds:DescribeDBClusters")
		if err != nil {
			return nil, err
		}
		out := &xmlDBClusterMessage{DBClusters: []xmlDBCluster{}}
		if match(cl) {
			out.DBClusters = append(out.DBClusters, r.clusterXML(cl, c.now, c.region))
		}
		return out, nil
	}
	if err := c.rdsAuthorize("rds:DescribeDBClusters", rdsARN(c.region, c.caller.account, "cluster", "*"), "cluster", nil); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(r.clusters))
	for id, cl := range r.clusters {
		if match(cl) {
			keys = append(keys, id)
		}
	}
	sort.Strings(keys)
	start, end, next := rdsPage(keys, c.params.get("Marker"), max)
	out := &xmlDBClusterMessage{Marker: next, DBClusters: make([]xmlDBCluster, 0, end-start)}
	for _, id := range keys[start:end] {
		out.DBClusters = append(out.DBClusters, r.clusterXML(r.clusters[id], c.now, c.region))
	}
	return out, nil
}

func rdsCreateDBCluster(c *call) (any, error) {
	r := c.rds()
	p := c.params
	id, err := p.required("DBClusterIdentifier")
	if err != nil {
		return nil, err
	}
	tags := p.tags("Tags.Tag")
	if err := rdsRequestTags(c, "rds:CreateDBCluster", rdsARN(c.region, c.caller.account, "cluster", strings.ToLower(id)), tags); err != nil {
		return nil, err
	}
	engine, err := p.required("Engine")
	if err != nil {
		return nil, err
	}
	if !validRDSIdentifier(id) || len(id) > 63 {
		return nil, invalidIdentifier("DBClusterIdentifier")
	}
	if !slices.Contains(rdsClusterEngines, engine) {
		return nil, invalidParam("Invalid DB engine: %s", engine)
	}
	e := rdsEngines[engine]
	if r.clusters[strings.ToLower(id)] != nil {
		return nil, badRequest("DBClusterAlreadyExistsFault", "DB Cluster already exists")
	}
	wc := &world.DBCluster{ID: id, Region: c.region, Engine: engine, EngineVersion: p.get("EngineVersion"),
		KMSKey: p.get("KmsKeyId"), MasterUsername: p.get("MasterUsername"), DatabaseName: p.get("DatabaseName"),
		CloudwatchLogsExports: p.list("EnableCloudwatchLogsExports.member"), Tags: tags}
	if wc.EngineVersion != "" && e.findVersion(wc.EngineVersion) == nil {
		return nil, invalidParam("Cannot find version %s for %s", wc.EngineVersion, engine)
	}
	if wc.Port, err = p.int32("Port", 0); err != nil {
		return nil, err
	}
	if p.has("BackupRetentionPeriod") {
		n, err := p.int32("BackupRetentionPeriod", 0)
		if err != nil {
			return nil, err
		}
		if n < 1 || n > 35 {
			return nil, invalidParam("Invalid backup retention period %d. It must be between 1 and 35 days.", n)
		}
		wc.BackupRetentionPeriod = &n
	}
	for name, dst := range map[string]*bool{
		"StorageEncrypted": &wc.StorageEncrypted, "DeletionProtection": &wc.DeletionProtection,
		"EnableIAMDatabaseAuthentication": &wc.IAMDatabaseAuthentication, "CopyTagsToSnapshot": &wc.CopyTagsToSnapshot,
		"ManageMasterUserPassword": &wc.ManageMasterUserPassword,
	} {
		v, _, err := p.bool(name)
		if err != nil {
			return nil, err
		}
		*dst = v
	}
	if wc.MasterUsername == "" {
		return nil, invalidParam("The parameter MasterUsername must be provided and must not be blank.")
	}
	if p.get("MasterUserPassword") == "" && !wc.ManageMasterUserPassword {
		return nil, invalidParam("The parameter MasterUserPassword must be provided and must not be blank.")
	}
	if p.get("MasterUserPassword") != "" && wc.ManageMasterUserPassword {
		return nil, badRequest("InvalidParameterCombination", "You can't specify MasterUserPassword when ManageMasterUserPassword is turned on.")
	}
	var vpcID string
	if g := p.get("DBSubnetGroupName"); g != "" {
		sg := r.subnetGroups[strings.ToLower(g)]
		if sg == nil {
			return nil, notFound("DBSubnetGroupNotFoundFault", "DBSubnetGroup %s not found.", g)
		}
		vpcID = sg.vpcID
	}
	cl, err := c.s.newCluster(c.account(), c.region, r, wc, c.now)
	if err != nil {
		if ae, ok := err.(*APIError); ok {
			return nil, ae
		}
		return nil, err
	}
	if vpcID != "" {
		cl.subnetGroup, cl.vpcID = rdsSubnetGroupName(vpcID), vpcID
	}
	cl.securityGroups = p.list("VpcSecurityGroupIds.VpcSecurityGroupId")
	cl.begin(c, "creating", "available")
	r.clusters[cl.id] = cl
	return c.clusterResult(r, cl), nil
}

func rdsDeleteDBCluster(c *call) (any, error) {
	r := c.rds()
	cl, err := c.findCluster(r, "rds:DeleteDBCluster")
	if err != nil {
		return nil, err
	}
	skip, _, err := c.params.bool("SkipFinalSnapshot")
	if err != nil {
		return nil, err
	}
	final := c.params.get("FinalDBSnapshotIdentifier")
	if cl.status == "deleting" {
		return nil, badRequest("InvalidDBClusterStateFault", "Cluster %s is already being deleted.", cl.id)
	}
	if cl.deletionProtection {
		return nil, badRequest("InvalidParameterCombination", "Cannot delete protected Cluster, please disable deletion protection and try again.")
	}
	for _, d := range r.members(cl.id) {
		if d.status != "deleting" {
			return nil, badRequest("InvalidDBClusterStateFault", "Cluster cannot be deleted, it still contains DB instances in non-deleting state.")
		}
	}
	switch {
	case skip && final != "":
		return nil, badRequest("InvalidParameterCombination", "FinalDBSnapshotIdentifier can not be specified when deleting a cluster with SkipFinalSnapshot set to true.")
	case !skip && final == "":
		return nil, badRequest("InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
	}
	if final != "" {
		if !validRDSIdentifier(final) {
			return nil, invalidIdentifier("FinalDBSnapshotIdentifier")
		}
		if r.clusterSnapshots[strings.ToLower(final)] != nil {
			return nil, badRequest("DBClusterSnapshotAlreadyExistsFault", "Cannot create the cluster snapshot because one with the identifier %s already exists.", strings.ToLower(final))
		}
		var tags map[string]string
		if cl.copyTagsToSnapshot {
			tags = cl.tags
		}
		sn := newClusterSnapshot(c.region, c.caller.account, strings.ToLower(final), cl, c.now, tags)
		sn.begin(c, "creating", "available")
		r.clusterSnapshots[sn.id] = sn
	}
	cl.begin(c, "deleting", rdsGone)
	return c.clusterResult(r, cl), nil
}

func rdsStopDBCluster(c *call) (any, error) {
	r := c.rds()
	cl, err := c.findCluster(r, "rds:StopDBCluster")
	if err != nil {
		return nil, err
	}
	if cl.status != "available" {
		return nil, badRequest("InvalidDBClusterStateFault", "DbCluster %s is in %s state but expected it to be one of available.", cl.id, cl.status)
	}
	for _, d := range r.members(cl.id) {
		if d.status != "available" {
			return nil, rdsInvalidState("Instance %s is not in available state.", d.id)
		}
	}
	cl.begin(c, "stopping", "stopped")
	for _, d := range r.members(cl.id) {
		d.begin(c, "stopping", "stopped")
	}
	return c.clusterResult(r, cl), nil
}

func rdsStartDBCluster(c *call) (any, error) {
	r := c.rds()
	cl, err := c.findCluster(r, "rds:StartDBCluster")
	if err != nil {
		return nil, err
	}
	if cl.status != "stopped" {
		return nil, badRequest("InvalidDBClusterStateFault", "DbCluster %s is in %s state but expected it to be one of stopped.", cl.id, cl.status)
	}
	cl.begin(c, "starting", "available")
	for _, d := range r.members(cl.id) {
		if d.status == "stopped" {
			d.begin(c, "starting", "available")
		}
	}
	return c.clusterResult(r, cl), nil
}
