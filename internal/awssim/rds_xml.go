package awssim

import (
	"time"
)

// Response shapes of the RDS query protocol, with the member names of the
// service model (list members are named after their shape).

type xmlTag struct{ Key, Value string }

// xmlTagList always renders, empty or not, as AWS sends <TagList/>.
type xmlTagList struct {
	Tags []xmlTag `xml:"Tag"`
}

type xmlEndpoint struct {
	Address      string
	Port         int32
	HostedZoneId string `xml:",omitempty"`
}

type xmlVpcSecurityGroup struct {
	VpcSecurityGroupId string
	Status             string
}

type xmlParameterGroupStatus struct {
	DBParameterGroupName string
	ParameterApplyStatus string
}

type xmlOptionGroupMembership struct {
	OptionGroupName string
	Status          string
}

type xmlSubnet struct {
	SubnetIdentifier       string
	SubnetAvailabilityZone struct{ Name string }
	SubnetOutpost          struct{}
	SubnetStatus           string
}

type xmlDBSubnetGroup struct {
	DBSubnetGroupName        string
	DBSubnetGroupDescription string
	VpcId                    string
	SubnetGroupStatus        string
	Subnets                  []xmlSubnet `xml:"Subnets>Subnet"`
}

type xmlPendingModifiedValues struct {
	DBInstanceClass         string `xml:",omitempty"`
	MultiAZ                 *bool  `xml:",omitempty"`
	CACertificateIdentifier string `xml:",omitempty"`
}

type xmlCertificateDetails struct {
	CAIdentifier string
	ValidTill    string
}

type xmlMasterUserSecret struct {
	SecretArn    string
	SecretStatus string
	KmsKeyId     string
}

type xmlDBInstance struct {
	DBInstanceIdentifier               string
	DBInstanceClass                    string
	Engine                             string
	DBInstanceStatus                   string
	MasterUsername                     string       `xml:",omitempty"`
	DBName                             string       `xml:",omitempty"`
	Endpoint                           *xmlEndpoint `xml:",omitempty"`
	AllocatedStorage                   int32
	InstanceCreateTime                 string `xml:",omitempty"`
	PreferredBackupWindow              string `xml:",omitempty"`
	BackupRetentionPeriod              int32
	VpcSecurityGroups                  []xmlVpcSecurityGroup     `xml:"VpcSecurityGroups>VpcSecurityGroupMembership"`
	DBParameterGroups                  []xmlParameterGroupStatus `xml:"DBParameterGroups>DBParameterGroup"`
	AvailabilityZone                   string                    `xml:",omitempty"`
	DBSubnetGroup                      *xmlDBSubnetGroup         `xml:",omitempty"`
	PreferredMaintenanceWindow         string
	PendingModifiedValues              xmlPendingModifiedValues
	LatestRestorableTime               string `xml:",omitempty"`
	MultiAZ                            bool
	EngineVersion                      string
	AutoMinorVersionUpgrade            bool
	LicenseModel                       string
	Iops                               int32                      `xml:",omitempty"`
	OptionGroupMemberships             []xmlOptionGroupMembership `xml:"OptionGroupMemberships>OptionGroupMembership"`
	SecondaryAvailabilityZone          string                     `xml:",omitempty"`
	PubliclyAccessible                 bool
	StorageType                        string
	DbInstancePort                     int32
	DBClusterIdentifier                string `xml:",omitempty"`
	StorageEncrypted                   bool
	KmsKeyId                           string `xml:",omitempty"`
	DbiResourceId                      string
	CACertificateIdentifier            string
	CopyTagsToSnapshot                 bool
	MonitoringInterval                 int32
	EnhancedMonitoringResourceArn      string `xml:",omitempty"`
	PromotionTier                      *int32 `xml:",omitempty"`
	DBInstanceArn                      string
	IAMDatabaseAuthenticationEnabled   bool
	PerformanceInsightsEnabled         bool
	PerformanceInsightsRetentionPeriod *int32   `xml:",omitempty"`
	EnabledCloudwatchLogsExports       []string `xml:"EnabledCloudwatchLogsExports>member,omitempty"`
	DeletionProtection                 bool
	TagList                            xmlTagList
	CustomerOwnedIpEnabled             bool
	BackupTarget                       string
	NetworkType                        string
	StorageThroughput                  int32 `xml:",omitempty"`
	CertificateDetails                 *xmlCertificateDetails
	MasterUserSecret                   *xmlMasterUserSecret `xml:",omitempty"`
	DedicatedLogVolume                 bool
}

type xmlDBClusterMember struct {
	DBInstanceIdentifier          string
	IsClusterWriter               bool
	DBClusterParameterGroupStatus string
	PromotionTier                 int32
}

type xmlDBCluster struct {
	AllocatedStorage                 int32
	AvailabilityZones                []string `xml:"AvailabilityZones>AvailabilityZone"`
	BackupRetentionPeriod            int32
	DatabaseName                     string `xml:",omitempty"`
	DBClusterIdentifier              string
	DBClusterParameterGroup          string
	DBSubnetGroup                    string `xml:",omitempty"`
	Status                           string
	EarliestRestorableTime           string `xml:",omitempty"`
	Endpoint                         string
	ReaderEndpoint                   string
	MultiAZ                          bool
	Engine                           string
	EngineVersion                    string
	LatestRestorableTime             string `xml:",omitempty"`
	Port                             int32
	MasterUsername                   string `xml:",omitempty"`
	PreferredBackupWindow            string
	PreferredMaintenanceWindow       string
	DBClusterMembers                 []xmlDBClusterMember  `xml:"DBClusterMembers>DBClusterMember"`
	VpcSecurityGroups                []xmlVpcSecurityGroup `xml:"VpcSecurityGroups>VpcSecurityGroupMembership"`
	HostedZoneId                     string                `xml:",omitempty"`
	StorageEncrypted                 bool
	KmsKeyId                         string `xml:",omitempty"`
	DbClusterResourceId              string
	DBClusterArn                     string
	IAMDatabaseAuthenticationEnabled bool
	ClusterCreateTime                string
	EnabledCloudwatchLogsExports     []string `xml:"EnabledCloudwatchLogsExports>member,omitempty"`
	EngineMode                       string
	DeletionProtection               bool
	HttpEndpointEnabled              bool
	CopyTagsToSnapshot               bool
	CrossAccountClone                bool
	TagList                          xmlTagList
	AutoMinorVersionUpgrade          bool
	NetworkType                      string
	MasterUserSecret                 *xmlMasterUserSecret `xml:",omitempty"`
}

type xmlDBSnapshot struct {
	DBSnapshotIdentifier             string
	DBInstanceIdentifier             string
	SnapshotCreateTime               string `xml:",omitempty"`
	Engine                           string
	AllocatedStorage                 int32
	Status                           string
	Port                             int32
	AvailabilityZone                 string
	VpcId                            string `xml:",omitempty"`
	InstanceCreateTime               string
	MasterUsername                   string `xml:",omitempty"`
	EngineVersion                    string
	LicenseModel                     string
	SnapshotType                     string
	Iops                             int32 `xml:",omitempty"`
	OptionGroupName                  string
	PercentProgress                  int32
	StorageType                      string
	Encrypted                        bool
	KmsKeyId                         string `xml:",omitempty"`
	DBSnapshotArn                    string
	IAMDatabaseAuthenticationEnabled bool
	DbiResourceId                    string
	TagList                          xmlTagList
	OriginalSnapshotCreateTime       string `xml:",omitempty"`
	SnapshotTarget                   string
	StorageThroughput                int32 `xml:",omitempty"`
}

type xmlDBClusterSnapshot struct {
	AvailabilityZones                []string `xml:"AvailabilityZones>AvailabilityZone"`
	DBClusterSnapshotIdentifier      string
	DBClusterIdentifier              string
	SnapshotCreateTime               string `xml:",omitempty"`
	Engine                           string
	EngineMode                       string
	AllocatedStorage                 int32
	Status                           string
	Port                             int32
	VpcId                            string `xml:",omitempty"`
	ClusterCreateTime                string
	MasterUsername                   string `xml:",omitempty"`
	EngineVersion                    string
	LicenseModel                     string
	SnapshotType                     string
	PercentProgress                  int32
	StorageEncrypted                 bool
	KmsKeyId                         string `xml:",omitempty"`
	DBClusterSnapshotArn             string
	IAMDatabaseAuthenticationEnabled bool
	TagList                          xmlTagList
	DbClusterResourceId              string
}

// rdsTime renders an optional timestamp.
func rdsTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return xmlTime(t)
}

// certValidTill is when the instance's server certificate expires: AWS
// renews it yearly, so it is the next anniversary of the instance's
// creation after now.
func certValidTill(created, now time.Time) time.Time {
	t := created.AddDate(1, 0, 0)
	for !t.After(now) {
		t = t.AddDate(1, 0, 0)
	}
	return t
}

func (r *rdsRegion) instanceXML(d *dbInstance, now time.Time, region string) xmlDBInstance {
	e := rdsEngines[d.engine]
	x := xmlDBInstance{
		DBInstanceIdentifier: d.id, DBInstanceClass: d.class, Engine: d.engine, DBInstanceStatus: d.status,
		MasterUsername: d.masterUsername, DBName: d.dbName,
		AllocatedStorage: d.allocatedStorage, InstanceCreateTime: xmlTime(d.created),
		PreferredBackupWindow: d.backupWindow, BackupRetentionPeriod: d.backupRetention,
		DBParameterGroups:          []xmlParameterGroupStatus{{DBParameterGroupName: d.paramGroup, ParameterApplyStatus: "in-sync"}},
		AvailabilityZone:           d.az,
		PreferredMaintenanceWindow: d.maintenanceWindow,
		MultiAZ:                    d.multiAZ, EngineVersion: d.version, AutoMinorVersionUpgrade: d.autoMinorUpgrade,
		LicenseModel: e.license, Iops: d.iops,
		OptionGroupMemberships:    []xmlOptionGroupMembership{{OptionGroupName: d.optionGroup, Status: "in-sync"}},
		SecondaryAvailabilityZone: d.secondaryAZ,
		PubliclyAccessible:        d.public, StorageType: d.storageType, DbInstancePort: 0,
		DBClusterIdentifier: d.cluster, StorageEncrypted: d.encrypted, KmsKeyId: d.kmsKeyID,
		DbiResourceId: d.resourceID, CACertificateIdentifier: d.caCert, CopyTagsToSnapshot: d.copyTagsToSnapshot,
		MonitoringInterval: d.monitoringInterval, DBInstanceArn: d.arn,
		IAMDatabaseAuthenticationEnabled: d.iamAuth, PerformanceInsightsEnabled: d.perfInsights,
		EnabledCloudwatchLogsExports: d.logExports, DeletionProtection: d.deletionProtection,
		TagList: sortedTags(d.tags), BackupTarget: "region", NetworkType: "IPV4", StorageThroughput: d.throughput,
		CertificateDetails: &xmlCertificateDetails{CAIdentifier: d.caCert, ValidTill: xmlTime(certValidTill(d.created, now))},
		PendingModifiedValues: xmlPendingModifiedValues{
			DBInstanceClass: d.pending.class, MultiAZ: d.pending.multiAZ, CACertificateIdentifier: d.pending.caCert,
		},
	}
	// A creating instance has no endpoint yet.
	if d.status != "creating" {
		x.Endpoint = &xmlEndpoint{Address: d.endpointHost, Port: d.endpointPort, HostedZoneId: rdsHostedZones[region]}
	}
	if d.backupRetention > 0 && d.status != "creating" {
		x.LatestRestorableTime = xmlTime(now.Add(-5 * time.Minute).Truncate(time.Minute))
	}
	if d.cluster != "" {
		tier := d.promotionTier
		x.PromotionTier = &tier
	}
	if d.monitoringInterval > 0 {
		x.EnhancedMonitoringResourceArn = "arn:aws:logs:" + region + ":" + accountOfARN(d.arn) + ":log-group:RDSOSMetrics:log-stream:" + d.resourceID
	}
	if d.perfInsights {
		days := int32(7)
		x.PerformanceInsightsRetentionPeriod = &days
	}
	for _, sg := range d.securityGroups {
		x.VpcSecurityGroups = append(x.VpcSecurityGroups, xmlVpcSecurityGroup{VpcSecurityGroupId: sg, Status: "active"})
	}
	if g := r.subnetGroups[d.subnetGroup]; g != nil {
		x.DBSubnetGroup = g.xml()
	}
	if d.secret != nil {
		x.MasterUserSecret = d.secret.xml()
	}
	return x
}

func (g *dbSubnetGroup) xml() *xmlDBSubnetGroup {
	x := &xmlDBSubnetGroup{DBSubnetGroupName: g.name, DBSubnetGroupDescription: "Subnet group for " + g.vpcID,
		VpcId: g.vpcID, SubnetGroupStatus: "Complete"}
	for _, s := range g.subnets {
		sn := xmlSubnet{SubnetIdentifier: s.id, SubnetStatus: "Active"}
		sn.SubnetAvailabilityZone.Name = s.az
		x.Subnets = append(x.Subnets, sn)
	}
	return x
}

func (m *masterUserSecret) xml() *xmlMasterUserSecret {
	return &xmlMasterUserSecret{SecretArn: m.arn, SecretStatus: "active", KmsKeyId: m.kmsKeyID}
}

func (r *rdsRegion) clusterXML(cl *dbCluster, now time.Time, region string) xmlDBCluster {
	x := xmlDBCluster{
		AllocatedStorage: 1, AvailabilityZones: cl.azs, BackupRetentionPeriod: cl.backupRetention,
		DatabaseName: cl.databaseName, DBClusterIdentifier: cl.id, DBClusterParameterGroup: cl.paramGroup,
		DBSubnetGroup: cl.subnetGroup, Status: cl.status,
		EarliestRestorableTime: xmlTime(cl.created.Add(10 * time.Minute)),
		Endpoint:               cl.endpointHost, ReaderEndpoint: cl.readerHost, MultiAZ: cl.multiAZ,
		Engine: cl.engine, EngineVersion: cl.version, Port: cl.endpointPort, MasterUsername: cl.masterUsername,
		PreferredBackupWindow: cl.backupWindow, PreferredMaintenanceWindow: cl.maintenanceWindow,
		HostedZoneId: rdsHostedZones[region], StorageEncrypted: cl.encrypted, KmsKeyId: cl.kmsKeyID,
		DbClusterResourceId: cl.resourceID, DBClusterArn: cl.arn, IAMDatabaseAuthenticationEnabled: cl.iamAuth,
		ClusterCreateTime: xmlTime(cl.created), EnabledCloudwatchLogsExports: cl.logExports,
		EngineMode: cl.engineMode, DeletionProtection: cl.deletionProtection, CopyTagsToSnapshot: cl.copyTagsToSnapshot,
		TagList: sortedTags(cl.tags), AutoMinorVersionUpgrade: true, NetworkType: "IPV4",
	}
	if cl.status != "creating" {
		x.LatestRestorableTime = xmlTime(now.Add(-5 * time.Minute).Truncate(time.Minute))
	} else {
		x.EarliestRestorableTime = ""
	}
	for _, d := range r.members(cl.id) {
		x.DBClusterMembers = append(x.DBClusterMembers, xmlDBClusterMember{
			DBInstanceIdentifier: d.id, IsClusterWriter: d.writer, DBClusterParameterGroupStatus: "in-sync", PromotionTier: d.promotionTier,
		})
	}
	for _, sg := range cl.securityGroups {
		x.VpcSecurityGroups = append(x.VpcSecurityGroups, xmlVpcSecurityGroup{VpcSecurityGroupId: sg, Status: "active"})
	}
	if cl.secret != nil {
		x.MasterUserSecret = cl.secret.xml()
	}
	return x
}

func (sn *dbSnapshot) xml() xmlDBSnapshot {
	typ := "manual"
	if sn.automated {
		typ = "automated"
	}
	progress := int32(100)
	if sn.status == "creating" {
		progress = 0
	}
	return xmlDBSnapshot{
		DBSnapshotIdentifier: sn.id, DBInstanceIdentifier: sn.instance, SnapshotCreateTime: xmlTime(sn.created),
		Engine: sn.engine, AllocatedStorage: sn.allocatedStorage, Status: sn.status, Port: sn.port,
		AvailabilityZone: sn.az, VpcId: sn.vpcID, InstanceCreateTime: xmlTime(sn.instanceCreated),
		MasterUsername: sn.masterUsername, EngineVersion: sn.version, LicenseModel: sn.licenseModel,
		SnapshotType: typ, Iops: sn.iops, OptionGroupName: sn.optionGroup, PercentProgress: progress,
		StorageType: sn.storageType, Encrypted: sn.encrypted, KmsKeyId: sn.kmsKeyID, DBSnapshotArn: sn.arn,
		IAMDatabaseAuthenticationEnabled: sn.iamAuth, DbiResourceId: sn.resourceID, TagList: sortedTags(sn.tags),
		OriginalSnapshotCreateTime: xmlTime(sn.created), SnapshotTarget: "region", StorageThroughput: sn.throughput,
	}
}

func (sn *dbClusterSnapshot) xml() xmlDBClusterSnapshot {
	typ := "manual"
	if sn.automated {
		typ = "automated"
	}
	progress := int32(100)
	if sn.status == "creating" {
		progress = 0
	}
	return xmlDBClusterSnapshot{
		AvailabilityZones: sn.azs, DBClusterSnapshotIdentifier: sn.id, DBClusterIdentifier: sn.cluster,
		SnapshotCreateTime: xmlTime(sn.created), Engine: sn.engine, EngineMode: sn.engineMode,
		AllocatedStorage: sn.allocatedStorage, Status: sn.status, Port: sn.port, VpcId: sn.vpcID,
		ClusterCreateTime: xmlTime(sn.clusterCreated), MasterUsername: sn.masterUsername, EngineVersion: sn.version,
		LicenseModel: sn.licenseModel, SnapshotType: typ, PercentProgress: progress, StorageEncrypted: sn.encrypted,
		KmsKeyId: sn.kmsKeyID, DBClusterSnapshotArn: sn.arn, IAMDatabaseAuthenticationEnabled: sn.iamAuth,
		TagList: sortedTags(sn.tags), DbClusterResourceId: sn.resourceID,
	}
}
