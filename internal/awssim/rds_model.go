package awssim

import (
	"time"
)

// dbInstance is an RDS DB instance.
type dbInstance struct {
	lifecycle
	id, arn, resourceID string
	seq                 int
	engine, version     string
	class               string
	cluster             string // member of this cluster; "" if standalone
	writer              bool   // the cluster's writer
	promotionTier       int32

	allocatedStorage int32
	storageType      string
	iops, throughput int32
	encrypted        bool
	kmsKeyID         string
	public, multiAZ  bool
	masterUsername   string
	dbName           string
	port             int32
	endpointHost     string
	endpointPort     int32 // differs from port when a backend is set
	az, secondaryAZ  string

	backupRetention    int32
	deletionProtection bool
	iamAuth            bool
	autoMinorUpgrade   bool
	perfInsights       bool
	monitoringInterval int32
	logExports         []string
	copyTagsToSnapshot bool
	caCert             string
	paramGroup         string
	optionGroup        string
	subnetGroup        string // "" when not in a named VPC
	vpcID              string
	securityGroups     []string
	backupWindow       string
	maintenanceWindow  string
	secret             *masterUserSecret
	maintenance        []pendingMaintenance
	pending            pendingModifications
	tags               map[string]string
	created            time.Time
}

// pendingModifications are changes waiting for the maintenance window
// (ModifyDBInstance without ApplyImmediately).
type pendingModifications struct {
	class   string
	multiAZ *bool
	caCert  string
}

func (p pendingModifications) empty() bool {
	return p.class == "" && p.multiAZ == nil && p.caCert == ""
}

// masterUserSecret is the Secrets Manager secret holding a master password
// RDS manages.
type masterUserSecret struct {
	arn, kmsKeyID string
}

// pendingMaintenance is one pending maintenance action.
type pendingMaintenance struct {
	action, description string
	autoApplied, forced time.Time
	optIn               string // "", immediate, next-maintenance
	currentApply        time.Time
}

// dbCluster is an Aurora or Multi-AZ DB cluster; members are the
// instances naming it.
type dbCluster struct {
	lifecycle
	id, arn, resourceID string
	engine, version     string
	engineMode          string
	encrypted           bool
	kmsKeyID            string
	multiAZ             bool
	masterUsername      string
	databaseName        string
	port                int32
	endpointHost        string
	readerHost          string
	endpointPort        int32
	backupRetention     int32
	deletionProtection  bool
	iamAuth             bool
	logExports          []string
	copyTagsToSnapshot  bool
	paramGroup          string
	subnetGroup         string
	vpcID               string
	securityGroups      []string
	azs                 []string
	backupWindow        string
	maintenanceWindow   string
	secret              *masterUserSecret
	tags                map[string]string
	created             time.Time
}

// dbSnapshot is a DB snapshot of an instance.
type dbSnapshot struct {
	lifecycle
	id, arn          string
	instance         string
	automated        bool
	engine, version  string
	allocatedStorage int32
	storageType      string
	iops, throughput int32
	port             int32
	az, vpcID        string
	instanceCreated  time.Time
	masterUsername   string
	licenseModel     string
	optionGroup      string
	encrypted        bool
	kmsKeyID         string
	iamAuth          bool
	resourceID       string // the instance's DbiResourceId
	restore          []string
	tags             map[string]string
	created          time.Time
}

// dbClusterSnapshot is a snapshot of a DB cluster.
type dbClusterSnapshot struct {
	lifecycle
	id, arn          string
	cluster          string
	automated        bool
	engine, version  string
	engineMode       string
	allocatedStorage int32
	port             int32
	vpcID            string
	azs              []string
	clusterCreated   time.Time
	masterUsername   string
	licenseModel     string
	encrypted        bool
	kmsKeyID         string
	iamAuth          bool
	resourceID       string
	restore          []string
	tags             map[string]string
	created          time.Time
}

// dbSubnetGroup is a DB subnet group, made for each VPC the world names.
type dbSubnetGroup struct {
	name, arn, vpcID string
	subnets          []dbSubnet
}

type dbSubnet struct{ id, az string }
