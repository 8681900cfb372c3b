package awssim

import (
	"sort"
	"strings"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

type xmlDBInstanceMessage struct {
	Marker      string          `xml:",omitempty"`
	DBInstances []xmlDBInstance `xml:"DBInstances>DBInstance"`
}

// xmlDBInstanceResult is the result of the actions returning one instance.
type xmlDBInstanceResult struct {
	DBInstance xmlDBInstance
}

func (c *call) instanceResult(r *rdsRegion, d *dbInstance) *xmlDBInstanceResult {
	return &xmlDBInstanceResult{DBInstance: r.instanceXML(d, c.now, c.region)}
}

// findInstance resolves DBInstanceIdentifier (identifier or ARN),
// authorizing action on it first: IAM answers before existence is known.
func (c *call) findInstance(r *rdsRegion, action string) (*dbInstance, error) {
	ref, err := c.params.required("DBInstanceIdentifier")
	if err != nil {
		return nil, err
	}
	id, ok := c.rdsRef(ref, "db")
	arn := rdsARN(c.region, c.caller.account, "db", id)
	if !ok {
		arn = ref
	}
	d := r.instances[id]
	var tags map[string]string
	if ok && d != nil {
		tags = d.tags
	}
	if err := c.rdsAuthorize(action, arn, "db", tags); err != nil {
		return nil, err
	}
	if !ok || d == nil {
		return nil, rdsInstanceNotFound(ref)
	}
	return d, nil
}

func rdsDescribeDBInstances(c *call) (any, error) {
	r := c.rds()
	max, err := rdsMaxRecords(c.params)
	if err != nil {
		return nil, err
	}
	filters, err := rdsParseFilters(c.params, "db-instance-id", "db-cluster-id", "engine", "dbi-resource-id", "domain")
	if err != nil {
		return nil, err
	}
	if c.params.get("DBInstanceIdentifier") != "" {
		d, err := c.findInstance(r, "rds:DescribeDBInstances")
		if err != nil {
			return nil, err
		}
		out := &xmlDBInstanceMessage{DBInstances: []xmlDBInstance{}}
		if instanceMatches(d, filters) {
			out.DBInstances = append(out.DBInstances, r.instanceXML(d, c.now, c.region))
		}
		return out, nil
	}
	if err := c.rdsAuthorize("rds:DescribeDBInstances", rdsARN(c.region, c.caller.account, "db", "*"), "db", nil); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(r.instances))
	for id, d := range r.instances {
		if instanceMatches(d, filters) {
			keys = append(keys, id)
		}
	}
	sort.Strings(keys)
	start, end, next := rdsPage(keys, c.params.get("Marker"), max)
	out := &xmlDBInstanceMessage{Marker: next, DBInstances: make([]xmlDBInstance, 0, end-start)}
	for _, id := range keys[start:end] {
		out.DBInstances = append(out.DBInstances, r.instanceXML(r.instances[id], c.now, c.region))
	}
	return out, nil
}

func instanceMatches(d *dbInstance, f rdsFilters) bool {
	return f.match("db-instance-id", d.id, d.arn) && f.match("db-cluster-id", d.cluster, rdsSiblingARN(d.arn, "cluster", d.cluster)) &&
		f.match("engine", d.engine) && f.match("dbi-resource-id", d.resourceID)
}

func rdsCreateDBInstance(c *call) (any, error) {
	r := c.rds()
	p := c.params
	id, err := p.required("DBInstanceIdentifier")
	if err != nil {
		return nil, err
	}
	tags := p.tags("Tags.Tag")
	arn := rdsARN(c.region, c.caller.account, "db", strings.ToLower(id))
	if err := rdsRequestTags(c, "rds:CreateDBInstance", arn, tags); err != nil {
		return nil, err
	}
	class, err := p.required("DBInstanceClass")
	if err != nil {
		return nil, err
	}
	engine, err := p.required("Engine")
	if err != nil {
		return nil, err
	}
	if !validRDSIdentifier(id) || len(id) > 63 {
		return nil, invalidIdentifier("DBInstanceIdentifier")
	}
	if !strings.HasPrefix(class, "db.") {
		return nil, invalidParam("Invalid DB Instance class: %s", class)
	}
	e := rdsEngines[engine]
	if e == nil {
		return nil, invalidParam("Invalid DB engine: %s", engine)
	}
	if r.instances[strings.ToLower(id)] != nil {
		return nil, badRequest("DBInstanceAlreadyExists", "DB instance already exists")
	}
	wd := &world.DBInstance{ID: id, Region: c.region, Engine: engine, EngineVersion: p.get("EngineVersion"), Class: class,
		MasterUsername: p.get("MasterUsername"), DBName: p.get("DBName"), StorageType: p.get("StorageType"),
		KMSKey: p.get("KmsKeyId"), CACertificate: p.get("CACertificateIdentifier"), ParameterGroup: p.get("DBParameterGroupName"),
		SecurityGroups: p.list("VpcSecurityGroupIds.VpcSecurityGroupId"), CloudwatchLogsExports: p.list("EnableCloudwatchLogsExports.member"),
		Tags: tags}
	if wd.EngineVersion != "" && e.findVersion(wd.EngineVersion) == nil {
		return nil, invalidParam("Cannot find version %s for %s", wd.EngineVersion, engine)
	}
	if n, err := p.int32("AllocatedStorage", 0); err != nil {
		return nil, err
	} else {
		wd.AllocatedStorage = n
	}
	if wd.Port, err = p.int32("Port", 0); err != nil {
		return nil, err
	}
	if wd.MonitoringInterval, err = p.int32("MonitoringInterval", 0); err != nil {
		return nil, err
	}
	if p.has("BackupRetentionPeriod") {
		n, err := p.int32("BackupRetentionPeriod", 0)
		if err != nil {
			return nil, err
		}
		if n < 0 || n > 35 {
			return nil, invalidParam("Invalid backup retention period %d. It must be between 0 and 35 days.", n)
		}
		wd.BackupRetentionPeriod = &n
	}
	for name, dst := range map[string]*bool{
		"MultiAZ": &wd.MultiAZ, "PubliclyAccessible": &wd.PubliclyAccessible, "StorageEncrypted": &wd.StorageEncrypted,
		"DeletionProtection": &wd.DeletionProtection, "EnableIAMDatabaseAuthentication": &wd.IAMDatabaseAuthentication,
		"EnablePerformanceInsights": &wd.PerformanceInsights, "CopyTagsToSnapshot": &wd.CopyTagsToSnapshot,
		"ManageMasterUserPassword": &wd.ManageMasterUserPassword,
	} {
		v, _, err := p.bool(name)
		if err != nil {
			return nil, err
		}
		*dst = v
	}
	if v, set, err := p.bool("AutoMinorVersionUpgrade"); err != nil {
		return nil, err
	} else if set {
		wd.AutoMinorVersionUpgrade = &v
	}
	if wd.CACertificate != "" && !validCACert(wd.CACertificate) {
		return nil, notFound("CertificateNotFound", "Certificate not found: %s", wd.CACertificate)
	}
	if g := p.get("DBSubnetGroupName"); g != "" {
		sg := r.subnetGroups[strings.ToLower(g)]
		if sg == nil {
			return nil, notFound("DBSubnetGroupNotFoundFault", "DBSubnetGroup %s not found.", g)
		}
		wd.VPC = sg.vpcID
	}
	var cl *dbCluster
	if ref := p.get("DBClusterIdentifier"); ref != "" {
		cid, ok := c.rdsRef(ref, "cluster")
		if cl = r.clusters[cid]; !ok || cl == nil {
			return nil, rdsClusterNotFound(ref)
		}
		if cl.engine != engine {
			return nil, badRequest("InvalidParameterCombination", "The engine name requested for your DB instance (%s) doesn't match the engine name of your DB cluster (%s).", engine, cl.engine)
		}
		if cl.status != "available" {
			return nil, badRequest("InvalidDBClusterStateFault", "DB cluster %s is not in available state.", cl.id)
		}
		wd.ManageMasterUserPassword = false
	} else {
		if e.aurora() {
			return nil, invalidParam("DBClusterIdentifier is required for engine %s.", engine)
		}
		if wd.MasterUsername == "" {
			return nil, invalidParam("The parameter MasterUsername must be provided and must not be blank.")
		}
		if p.get("MasterUserPassword") == "" && !wd.ManageMasterUserPassword {
			return nil, invalidParam("The parameter MasterUserPassword must be provided and must not be blank.")
		}
		if p.get("MasterUserPassword") != "" && wd.ManageMasterUserPassword {
			return nil, badRequest("InvalidParameterCombination", "You can't specify MasterUserPassword when ManageMasterUserPassword is turned on.")
		}
		if wd.AllocatedStorage == 0 {
			st := wd.StorageType
			if st == "" {
				st = "gp3"
			}
			return nil, invalidParam("Invalid storage size for engine name %s and storage type %s: 0", engine, st)
		}
	}
	d, err := c.s.newInstance(c.account(), c.region, r, wd, cl, c.now)
	if err != nil {
		if ae, ok := err.(*APIError); ok {
			return nil, ae
		}
		return nil, err
	}
	d.begin(c, "creating", "available")
	r.instances[d.id] = d
	return c.instanceResult(r, d), nil
}

// validCACert reports whether RDS knows a CA certificate identifier.
func validCACert(id string) bool {
	switch id {
	case "rds-ca-2019", "rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1":
		return true
	}
	return false
}

func rdsDeleteDBInstance(c *call) (any, error) {
	r := c.rds()
	d, err := c.findInstance(r, "rds:DeleteDBInstance")
	if err != nil {
		return nil, err
	}
	skip, _, err := c.params.bool("SkipFinalSnapshot")
	if err != nil {
		return nil, err
	}
	final := c.params.get("FinalDBSnapshotIdentifier")
	if d.status == "deleting" {
		return nil, rdsInvalidState("Instance %s is already being deleted.", d.id)
	}
	if d.deletionProtection {
		return nil, badRequest("InvalidParameterCombination", "Cannot delete protected DB Instance, please disable deletion protection and try again.")
	}
	// Aurora instances hold no data of their own: their snapshots are the
	// cluster's.
	if d.cluster == "" || !rdsEngines[d.engine].aurora() {
		switch {
		case skip && final != "":
			return nil, badRequest("InvalidParameterCombination", "FinalDBSnapshotIdentifier can not be specified when deleting a DB instance with SkipFinalSnapshot set to true.")
		case !skip && final == "":
			return nil, badRequest("InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
		}
	}
	if final != "" {
		if !validRDSIdentifier(final) {
			return nil, invalidIdentifier("FinalDBSnapshotIdentifier")
		}
		if r.snapshots[strings.ToLower(final)] != nil {
			return nil, badRequest("DBSnapshotAlreadyExists", "Cannot create the snapshot because a snapshot with the identifier %s already exists.", strings.ToLower(final))
		}
		if d.status != "available" && d.status != "stopped" {
			return nil, rdsInvalidState("Instance %s is not in available state.", d.id)
		}
		var tags map[string]string
		if d.copyTagsToSnapshot {
			tags = d.tags
		}
		sn := newSnapshot(c.region, c.caller.account, strings.ToLower(final), d, c.now, tags)
		sn.begin(c, "creating", "available")
		r.snapshots[sn.id] = sn
	}
	d.begin(c, "deleting", rdsGone)
	if d.writer {
		// The next member takes over as writer, as Aurora fails over.
		for _, m := range r.members(d.cluster) {
			if m != d && m.status != "deleting" {
				m.writer, d.writer = true, false
				break
			}
		}
	}
	return c.instanceResult(r, d), nil
}

func rdsModifyDBInstance(c *call) (any, error) {
	r := c.rds()
	d, err := c.findInstance(r, "rds:ModifyDBInstance")
	if err != nil {
		return nil, err
	}
	p := c.params
	if d.status != "available" {
		return nil, rdsInvalidState("Database instance is not in available state.")
	}
	now, _, err := p.bool("ApplyImmediately")
	if err != nil {
		return nil, err
	}
	// Validate everything before changing anything.
	class := p.get("DBInstanceClass")
	if class != "" && !strings.HasPrefix(class, "db.") {
		return nil, invalidParam("Invalid DB Instance class: %s", class)
	}
	ca := p.get("CACertificateIdentifier")
	if ca != "" && !validCACert(ca) {
		return nil, notFound("CertificateNotFound", "Certificate not found: %s", ca)
	}
	var retention *int32
	if p.has("BackupRetentionPeriod") {
		n, err := p.int32("BackupRetentionPeriod", 0)
		if err != nil {
			return nil, err
		}
		if d.cluster != "" {
			return nil, badRequest("InvalidParameterCombination", "The requested DB Instance is a member of a DB Cluster. Set backup retention period for the DB Cluster.")
		}
		if n < 0 || n > 35 {
			return nil, invalidParam("Invalid backup retention period %d. It must be between 0 and 35 days.", n)
		}
		retention = &n
	}
	bools := map[string]*bool{}
	for _, name := range []string{"DeletionProtection", "MultiAZ", "AutoMinorVersionUpgrade", "EnableIAMDatabaseAuthentication", "CopyTagsToSnapshot", "PubliclyAccessible", "EnablePerformanceInsights"} {
		v, set, err := p.bool(name)
		if err != nil {
			return nil, err
		}
		if set {
			bools[name] = &v
		}
	}
	if v := bools["MultiAZ"]; v != nil && d.cluster != "" && rdsEngines[d.engine].aurora() {
		return nil, badRequest("InvalidParameterCombination", "The requested DB Instance will be a member of a DB Cluster. You don't need to set MultiAZ.")
	}
	if retention != nil {
		d.backupRetention = *retention
	}
	for name, v := range bools {
		switch name {
		case "DeletionProtection":
			d.deletionProtection = *v
		case "AutoMinorVersionUpgrade":
			d.autoMinorUpgrade = *v
		case "EnableIAMDatabaseAuthentication":
			d.iamAuth = *v
		case "CopyTagsToSnapshot":
			d.copyTagsToSnapshot = *v
		case "PubliclyAccessible":
			d.public = *v
		case "EnablePerformanceInsights":
			d.perfInsights = *v
		}
	}
	// Class, Multi-AZ and the CA wait for the maintenance window unless
	// applied immediately; applying immediately also applies what waits.
	if class != "" && class != d.class {
		d.pending.class = class
	}
	if v := bools["MultiAZ"]; v != nil && *v != d.multiAZ {
		d.pending.multiAZ = v
	}
	if ca != "" && ca != d.caCert {
		d.pending.caCert = ca
	}
	if now && !d.pending.empty() {
		if d.pending.class != "" {
			d.class = d.pending.class
		}
		if d.pending.multiAZ != nil {
			d.multiAZ = *d.pending.multiAZ
			d.secondaryAZ = ""
			if d.multiAZ {
				d.secondaryAZ = c.region + "b"
				if d.az == d.secondaryAZ {
					d.secondaryAZ = c.region + "c"
				}
			}
		}
		if d.pending.caCert != "" {
			d.caCert = d.pending.caCert
		}
		d.pending = pendingModifications{}
		d.begin(c, "modifying", "available")
	}
	return c.instanceResult(r, d), nil
}

// checkStartStop refuses instances RDS cannot stop or start on their own.
func checkStartStop(d *dbInstance) error {
	if d.cluster != "" && rdsEngines[d.engine].aurora() {
		return badRequest("InvalidParameterCombination", "%s DB instances are not eligible for stopping and starting.", d.engine)
	}
	if d.cluster != "" {
		return badRequest("InvalidDBClusterStateFault", "DB instance %s is part of DB cluster %s. Stop or start the DB cluster instead.", d.id, d.cluster)
	}
	return nil
}

func rdsStopDBInstance(c *call) (any, error) {
	r := c.rds()
	d, err := c.findInstance(r, "rds:StopDBInstance")
	if err != nil {
		return nil, err
	}
	if err := checkStartStop(d); err != nil {
		return nil, err
	}
	if d.status != "available" {
		return nil, rdsInvalidState("Instance %s is not in available state.", d.id)
	}
	if snap := c.params.get("DBSnapshotIdentifier"); snap != "" {
		if r.snapshots[strings.ToLower(snap)] != nil {
			return nil, badRequest("DBSnapshotAlreadyExists", "Cannot create the snapshot because a snapshot with the identifier %s already exists.", strings.ToLower(snap))
		}
		sn := newSnapshot(c.region, c.caller.account, strings.ToLower(snap), d, c.now, nil)
		sn.begin(c, "creating", "available")
		r.snapshots[sn.id] = sn
	}
	d.begin(c, "stopping", "stopped")
	return c.instanceResult(r, d), nil
}

func rdsStartDBInstance(c *call) (any, error) {
	r := c.rds()
	d, err := c.findInstance(r, "rds:StartDBInstance")
	if err != nil {
		return nil, err
	}
	if err := checkStartStop(d); err != nil {
		return nil, err
	}
	if d.status != "stopped" {
		return nil, rdsInvalidState("Instance %s is not stopped, it cannot be started.", d.id)
	}
	d.begin(c, "starting", "available")
	return c.instanceResult(r, d), nil
}

func rdsRebootDBInstance(c *call) (any, error) {
	r := c.rds()
	d, err := c.findInstance(r, "rds:RebootDBInstance")
	if err != nil {
		return nil, err
	}
	force, _, err := c.params.bool("ForceFailover")
	if err != nil {
		return nil, err
	}
	if force && !d.multiAZ {
		return nil, badRequest("InvalidParameterCombination", "Cannot reboot a non-Multi-AZ DB instance with force failover.")
	}
	if d.status != "available" {
		return nil, rdsInvalidState("Instance %s is not currently in the available state.", d.id)
	}
	if force {
		d.az, d.secondaryAZ = d.secondaryAZ, d.az
	}
	d.begin(c, "rebooting", "available")
	return c.instanceResult(r, d), nil
}
