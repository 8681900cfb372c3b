package awssim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// loadRDS builds the account's clusters, instances and snapshots from the
// world, with the defaults AWS would have filled in.
func (s *Server) loadRDS(a *account, w *world.Account) error {
	now := s.now()
	for _, v := range w.VPCs {
		r := a.regionLocked(v.Region).rds.ready()
		g := &dbSubnetGroup{name: rdsSubnetGroupName(v.ID), vpcID: v.ID,
			arn: rdsARN(v.Region, a.id, "subgrp", rdsSubnetGroupName(v.ID))}
		for _, sn := range v.Subnets {
			az := sn.AvailabilityZone
			if az == "" {
				az = v.Region + "a"
			}
			g.subnets = append(g.subnets, dbSubnet{id: sn.ID, az: az})
		}
		r.subnetGroups[g.name] = g
	}
	for i := range w.DBClusters {
		wc := &w.DBClusters[i]
		r := a.regionLocked(wc.Region).rds.ready()
		created := now.Add(-stableAge(a.id+"/"+wc.Region+"/cluster/"+wc.ID, 30, 700))
		cl, err := s.newCluster(a, wc.Region, r, wc, created)
		if err != nil {
			return fmt.Errorf("account %s: db cluster %s: %v", a.id, wc.ID, err)
		}
		if wc.Status != "" {
			cl.status = wc.Status
		}
		r.clusters[cl.id] = cl
	}
	for i := range w.DBInstances {
		wd := &w.DBInstances[i]
		r := a.regionLocked(wd.Region).rds.ready()
		var cl *dbCluster
		if wd.Cluster != "" {
			cl = r.clusters[strings.ToLower(wd.Cluster)]
		}
		created := now.Add(-stableAge(a.id+"/"+wd.Region+"/db/"+wd.ID, 30, 700))
		if cl != nil && created.Before(cl.created) {
			created = cl.created.Add(5 * time.Minute)
		}
		d, err := s.newInstance(a, wd.Region, r, wd, cl, created)
		if err != nil {
			return fmt.Errorf("account %s: db instance %s: %v", a.id, wd.ID, err)
		}
		switch {
		case wd.Status != "":
			d.status = wd.Status
		case cl != nil && cl.status == "stopped":
			d.status = "stopped"
		}
		for _, m := range wd.PendingMaintenance {
			d.maintenance = append(d.maintenance, pendingMaintenance{
				action: m.Action, description: m.Description,
				autoApplied: parseWorldDate(m.AutoApplied), forced: parseWorldDate(m.Forced),
			})
		}
		r.instances[d.id] = d
	}
	// A cluster takes its network from its members, as they share one.
	for _, reg := range a.regions {
		r := reg.rds.ready()
		for _, cl := range r.clusters {
			members := r.members(cl.id)
			for _, d := range members {
				if cl.subnetGroup == "" && d.subnetGroup != "" {
					cl.subnetGroup, cl.vpcID = d.subnetGroup, d.vpcID
				}
				if len(cl.securityGroups) == 0 {
					cl.securityGroups = d.securityGroups
				}
			}
			if len(members) > 1 {
				cl.multiAZ = true
			}
		}
	}
	for _, ws := range w.DBSnapshots {
		r := a.regionLocked(ws.Region).rds.ready()
		created := now.Add(-stableAge(a.id+"/"+ws.Region+"/snapshot/"+ws.ID, 1, 29))
		if ws.Instance != "" {
			d := r.instances[strings.ToLower(ws.Instance)]
			if d == nil {
				return fmt.Errorf("account %s: db snapshot %s: no db instance %s", a.id, ws.ID, ws.Instance)
			}
			sn := newSnapshot(ws.Region, a.id, strings.ToLower(ws.ID), d, created, ws.Tags)
			if ws.Public {
				sn.restore = []string{"all"}
			}
			r.snapshots[sn.id] = sn
			continue
		}
		cl := r.clusters[strings.ToLower(ws.Cluster)]
		if cl == nil {
			return fmt.Errorf("account %s: db snapshot %s: no db cluster %s", a.id, ws.ID, ws.Cluster)
		}
		sn := newClusterSnapshot(ws.Region, a.id, strings.ToLower(ws.ID), cl, created, ws.Tags)
		if ws.Public {
			sn.restore = []string{"all"}
		}
		r.clusterSnapshots[sn.id] = sn
	}
	// Yesterday's automated backups, as AWS keeps for every instance and
	// cluster with a backup retention period.
	day := now.Add(-24 * time.Hour).Truncate(time.Hour)
	for region, reg := range a.regions {
		r := reg.rds.ready()
		for _, d := range r.instances {
			if d.cluster != "" || d.backupRetention == 0 || !d.created.Before(day) {
				continue
			}
			sn := newSnapshot(region, a.id, "rds:"+d.id+"-"+day.UTC().Format("2006-01-02-15-04"), d, day, nil)
			sn.automated = true
			r.snapshots[sn.id] = sn
		}
		for _, cl := range r.clusters {
			if !cl.created.Before(day) {
				continue
			}
			sn := newClusterSnapshot(region, a.id, "rds:"+cl.id+"-"+day.UTC().Format("2006-01-02-15-04"), cl, day, nil)
			sn.automated = true
			r.clusterSnapshots[sn.id] = sn
		}
	}
	return nil
}

func rdsSubnetGroupName(vpcID string) string { return "default-" + vpcID }

// stableAge is a duration of minDays to maxDays derived from a seed, so a
// world's resources have plausible, repeatable ages.
func stableAge(seed string, minDays, maxDays int) time.Duration {
	sum := sha256.Sum256([]byte(seed))
	n := binary.BigEndian.Uint64(sum[:8])
	span := uint64(maxDays-minDays) * 24 * 60
	return time.Duration(minDays)*24*time.Hour + time.Duration(n%max(span, 1))*time.Minute
}

// stableWindows are a resource's preferred backup and maintenance
// windows, which AWS picks at random within the region's block.
func stableWindows(seed string) (backup, maintenance string) {
	sum := sha256.Sum256([]byte("windows/" + seed))
	h, m := int(sum[0])%8, int(sum[1])%60
	days := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	day := days[int(sum[2])%7]
	mh, mm := int(sum[3])%24, int(sum[4])%60
	backup = fmt.Sprintf("%02d:%02d-%02d:%02d", h, m, h+(m+30)/60, (m+30)%60)
	end := mh*60 + mm + 30
	endDay := day
	if end >= 24*60 {
		endDay = days[(int(sum[2])+1)%7]
		end -= 24 * 60
	}
	maintenance = fmt.Sprintf("%s:%02d:%02d-%s:%02d:%02d", day, mh, mm, endDay, end/60, end%60)
	return backup, maintenance
}

func parseWorldDate(s string) time.Time {
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// defaultMasterUsername is the console's default master user per engine.
func defaultMasterUsername(engine string) string {
	if strings.Contains(engine, "postgres") {
		return "postgres"
	}
	return "admin"
}

// rdsKMSKeyLocked resolves the key for encrypted storage: the given key
// (ID, ARN or alias) or the account's aws/rds key.
func (s *Server) rdsKMSKeyLocked(a *account, region, ref string) (string, *APIError) {
	if ref == "" {
		return s.awsManagedKeyLocked(a, region, "alias/aws/rds").arn, nil
	}
	k, err := s.findKMSKeyLocked(a.id, region, ref)
	if err != nil {
		return "", badRequest("KMSKeyNotAccessibleFault", "The specified KMS key [%s] does not exist, is not enabled or you do not have permissions to access it.", ref)
	}
	return k.arn, nil
}

// rdsMasterSecretLocked creates the secret of a master password RDS
// manages: rds!db-<uuid> (or rds!cluster-<uuid>), tagged with the
// resource ARN, as RDS does.
func (s *Server) rdsMasterSecretLocked(a *account, region, kind, arn, username, kmsKey string) (*masterUserSecret, error) {
	body, _ := json.Marshal(map[string]string{"username": username, "password": newSecret()[:32]})
	tagKey := "aws:rds:primaryDBInstanceArn"
	if kind == "cluster" {
		tagKey = "aws:rds:primaryDBClusterArn"
	}
	name := "rds!" + kind + "-" + stableUUID(arn+"/"+randomString(8))
	secretARN, err := s.createSecretLocked(a, region, name, string(body), kmsKey,
		map[string]string{tagKey: arn, "aws:secretsmanager:owningService": "rds"})
	if err != nil {
		return nil, err
	}
	return s.rdsSecretRefLocked(a, region, secretARN)
}

// rdsSecretRefLocked describes an existing secret as a MasterUserSecret.
func (s *Server) rdsSecretRefLocked(a *account, region, nameOrARN string) (*masterUserSecret, error) {
	arn, ok := s.secretARNLocked(a, region, nameOrARN)
	if !ok {
		return nil, fmt.Errorf("secret %s not found", nameOrARN)
	}
	keyRef := secretsState(a, region).byARN[arn].kmsKey
	if keyRef == "" {
		keyRef = secretsManagerAlias
	}
	keyARN := ""
	if k, err := s.findKMSKeyLocked(a.id, region, keyRef); err == nil {
		keyARN = k.arn
	}
	return &masterUserSecret{arn: arn, kmsKeyID: keyARN}, nil
}

// newCluster builds a cluster from its declaration (world file or
// CreateDBCluster).
func (s *Server) newCluster(a *account, region string, r *rdsRegion, wc *world.DBCluster, created time.Time) (*dbCluster, error) {
	e := rdsEngines[wc.Engine]
	if e == nil {
		return nil, fmt.Errorf("unknown engine %s", wc.Engine)
	}
	id := strings.ToLower(wc.ID)
	cl := &dbCluster{
		lifecycle: lifecycle{status: "available"},
		id:        id, arn: rdsARN(region, a.id, "cluster", id),
		engine: e.name, version: wc.EngineVersion, engineMode: "provisioned",
		multiAZ: wc.MultiAZ, masterUsername: wc.MasterUsername, databaseName: wc.DatabaseName,
		port: wc.Port, deletionProtection: wc.DeletionProtection, iamAuth: wc.IAMDatabaseAuthentication,
		logExports: wc.CloudwatchLogsExports, copyTagsToSnapshot: wc.CopyTagsToSnapshot,
		azs:  []string{region + "a", region + "b", region + "c"},
		tags: copyTags(wc.Tags), created: created,
	}
	cl.resourceID = rdsResourceID("cluster-", cl.arn)
	if cl.version == "" {
		cl.version = e.defaultVersion
	}
	cl.paramGroup = "default." + e.family(cl.version)
	if cl.port == 0 {
		cl.port = e.port
	}
	if cl.masterUsername == "" {
		cl.masterUsername = defaultMasterUsername(e.name)
	}
	switch {
	case wc.BackupRetentionPeriod != nil:
		cl.backupRetention = *wc.BackupRetentionPeriod
	case e.aurora():
		cl.backupRetention = 1
	default:
		cl.backupRetention = 7
	}
	cl.backupWindow, cl.maintenanceWindow = stableWindows(cl.arn)
	hash := rdsEndpointHash(a.id, region)
	cl.endpointHost = id + ".cluster-" + hash + "." + region + ".rds.amazonaws.com"
	cl.readerHost = id + ".cluster-ro-" + hash + "." + region + ".rds.amazonaws.com"
	cl.endpointPort = cl.port
	if wc.Backend != "" {
		host, port, err := splitBackend(wc.Backend)
		if err != nil {
			return nil, err
		}
		cl.endpointHost, cl.readerHost, cl.endpointPort = host, host, port
	}
	if wc.StorageEncrypted || wc.KMSKey != "" {
		key, err := s.rdsKMSKeyLocked(a, region, wc.KMSKey)
		if err != nil {
			return nil, err
		}
		cl.encrypted, cl.kmsKeyID = true, key
	}
	var err error
	switch {
	case wc.MasterUserSecret != "":
		cl.secret, err = s.rdsSecretRefLocked(a, region, wc.MasterUserSecret)
	case wc.ManageMasterUserPassword:
		cl.secret, err = s.rdsMasterSecretLocked(a, region, "cluster", cl.arn, cl.masterUsername, "")
	}
	if err != nil {
		return nil, err
	}
	return cl, nil
}

// newInstance builds an instance from its declaration (world file or
// CreateDBInstance); cl is its cluster, if any.
func (s *Server) newInstance(a *account, region string, r *rdsRegion, wd *world.DBInstance, cl *dbCluster, created time.Time) (*dbInstance, error) {
	e := rdsEngines[wd.Engine]
	if e == nil {
		return nil, fmt.Errorf("unknown engine %s", wd.Engine)
	}
	id := strings.ToLower(wd.ID)
	r.seq++
	d := &dbInstance{
		lifecycle: lifecycle{status: "available"},
		id:        id, arn: rdsARN(region, a.id, "db", id), seq: r.seq,
		engine: e.name, version: wd.EngineVersion, class: wd.Class,
		public: wd.PubliclyAccessible, multiAZ: wd.MultiAZ,
		masterUsername: wd.MasterUsername, dbName: wd.DBName, port: wd.Port,
		deletionProtection: wd.DeletionProtection, iamAuth: wd.IAMDatabaseAuthentication,
		autoMinorUpgrade: true, perfInsights: wd.PerformanceInsights, monitoringInterval: wd.MonitoringInterval,
		logExports: wd.CloudwatchLogsExports, copyTagsToSnapshot: wd.CopyTagsToSnapshot,
		caCert: wd.CACertificate, paramGroup: wd.ParameterGroup,
		securityGroups: wd.SecurityGroups, tags: copyTags(wd.Tags), created: created,
	}
	d.resourceID = rdsResourceID("db-", d.arn)
	if wd.AutoMinorVersionUpgrade != nil {
		d.autoMinorUpgrade = *wd.AutoMinorVersionUpgrade
	}
	if cl != nil {
		// Cluster members take their engine settings from the cluster.
		d.cluster = cl.id
		d.version = cl.version
		d.masterUsername, d.dbName, d.port = cl.masterUsername, cl.databaseName, cl.port
		d.iamAuth = d.iamAuth || cl.iamAuth
		d.writer = len(r.members(cl.id)) == 0
		d.promotionTier = 1
	}
	if d.version == "" {
		d.version = e.defaultVersion
	}
	if d.class == "" {
		d.class = "db.t3.medium"
		if e.aurora() {
			d.class = "db.r6g.large"
		}
	}
	if d.port == 0 {
		d.port = e.port
	}
	if d.masterUsername == "" {
		d.masterUsername = defaultMasterUsername(e.name)
	}
	if d.caCert == "" {
		d.caCert = "rds-ca-rsa2048-g1"
	}
	if d.paramGroup == "" {
		d.paramGroup = e.defaultParamGroup(d.version)
	}
	d.optionGroup = e.defaultOptionGroup(d.version)
	switch {
	case e.aurora():
		d.allocatedStorage, d.storageType = 1, "aurora"
	default:
		d.allocatedStorage, d.storageType = wd.AllocatedStorage, wd.StorageType
		if d.allocatedStorage == 0 {
			d.allocatedStorage = 100
		}
		if d.storageType == "" {
			d.storageType = "gp3"
		}
		switch d.storageType {
		case "gp3":
			// gp3's baseline; larger volumes of some engines get more.
			d.iops, d.throughput = 3000, 125
			if d.allocatedStorage >= 400 && !strings.HasPrefix(e.name, "sqlserver") && !strings.HasPrefix(e.name, "oracle") {
				d.iops, d.throughput = 12000, 500
			}
		case "io1", "io2":
			d.iops = 3000
		}
	}
	switch {
	case cl != nil:
		d.backupRetention = cl.backupRetention
	case wd.BackupRetentionPeriod != nil:
		d.backupRetention = *wd.BackupRetentionPeriod
	default:
		d.backupRetention = 7
	}
	d.backupWindow, d.maintenanceWindow = stableWindows(d.arn)
	if cl != nil {
		d.backupWindow, d.maintenanceWindow = cl.backupWindow, cl.maintenanceWindow
	}
	d.endpointHost = id + "." + rdsEndpointHash(a.id, region) + "." + region + ".rds.amazonaws.com"
	d.endpointPort = d.port
	backend := wd.Backend
	if backend == "" && cl != nil && cl.endpointPort != cl.port {
		backend = net.JoinHostPort(cl.endpointHost, strconv.Itoa(int(cl.endpointPort)))
	}
	if backend != "" {
		host, port, err := splitBackend(backend)
		if err != nil {
			return nil, err
		}
		d.endpointHost, d.endpointPort = host, port
	}
	// Network: the VPC's subnet group, its default security group.
	azs := []string{region + "a", region + "b", region + "c"}
	if wd.VPC != "" {
		d.vpcID = wd.VPC
		d.subnetGroup = rdsSubnetGroupName(wd.VPC)
		g := r.subnetGroups[d.subnetGroup]
		if g == nil {
			g = &dbSubnetGroup{name: d.subnetGroup, vpcID: wd.VPC, arn: rdsARN(region, a.id, "subgrp", d.subnetGroup)}
			r.subnetGroups[g.name] = g
		}
		if len(g.subnets) > 0 {
			azs = azs[:0]
			for _, sn := range g.subnets {
				azs = append(azs, sn.az)
			}
		}
	}
	pick := int(stableAge(d.arn, 0, 1)/time.Minute) % len(azs)
	d.az = azs[pick]
	if d.multiAZ {
		d.secondaryAZ = azs[(pick+1)%len(azs)]
		if d.secondaryAZ == d.az {
			d.secondaryAZ = region + "b"
		}
	}
	switch {
	case cl != nil:
		d.encrypted, d.kmsKeyID = cl.encrypted, cl.kmsKeyID
	case wd.StorageEncrypted || wd.KMSKey != "":
		key, err := s.rdsKMSKeyLocked(a, region, wd.KMSKey)
		if err != nil {
			return nil, err
		}
		d.encrypted, d.kmsKeyID = true, key
	}
	var err error
	switch {
	case wd.MasterUserSecret != "":
		d.secret, err = s.rdsSecretRefLocked(a, region, wd.MasterUserSecret)
	case wd.ManageMasterUserPassword && cl == nil:
		d.secret, err = s.rdsMasterSecretLocked(a, region, "db", d.arn, d.masterUsername, "")
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

func splitBackend(hostport string) (string, int32, error) {
	host, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return "", 0, fmt.Errorf("backend %q must be host:port", hostport)
	}
	port, err := strconv.ParseUint(p, 10, 16)
	if err != nil {
		return "", 0, fmt.Errorf("backend %q: bad port", hostport)
	}
	return host, int32(port), nil
}

// newSnapshot captures an instance in a snapshot.
func newSnapshot(region, acct, id string, d *dbInstance, created time.Time, tags map[string]string) *dbSnapshot {
	return &dbSnapshot{
		lifecycle: lifecycle{status: "available"},
		id:        id, arn: rdsARN(region, acct, "snapshot", id), instance: d.id,
		engine: d.engine, version: d.version, allocatedStorage: d.allocatedStorage, storageType: d.storageType,
		iops: d.iops, throughput: d.throughput, port: d.port, az: d.az, vpcID: d.vpcID,
		instanceCreated: d.created, masterUsername: d.masterUsername, licenseModel: rdsEngines[d.engine].license,
		optionGroup: d.optionGroup, encrypted: d.encrypted, kmsKeyID: d.kmsKeyID, iamAuth: d.iamAuth,
		resourceID: d.resourceID, tags: copyTags(tags), created: created,
	}
}

// newClusterSnapshot captures a cluster in a snapshot.
func newClusterSnapshot(region, acct, id string, cl *dbCluster, created time.Time, tags map[string]string) *dbClusterSnapshot {
	return &dbClusterSnapshot{
		lifecycle: lifecycle{status: "available"},
		id:        id, arn: rdsARN(region, acct, "cluster-snapshot", id), cluster: cl.id,
		engine: cl.engine, version: cl.version, engineMode: cl.engineMode, allocatedStorage: 0,
		port: cl.port, vpcID: cl.vpcID, azs: cl.azs, clusterCreated: cl.created,
		masterUsername: cl.masterUsername, licenseModel: rdsEngines[cl.engine].license,
		encrypted: cl.encrypted, kmsKeyID: cl.kmsKeyID, iamAuth: cl.iamAuth, resourceID: cl.resourceID,
		tags: copyTags(tags), created: created,
	}
}
