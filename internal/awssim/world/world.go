// Package world describes a simulated AWS organization: the YAML world file
// the simulator starts from, its validation, the embedded demo world and a
// generator for worlds of any size.
package world

// World is a whole simulated organization. The zero value is an empty world
// with no organization.
type World struct {
	Organization *Organization `yaml:"organization,omitempty"`
	// Regions are the regions that exist; empty means DefaultRegions.
	Regions  []string  `yaml:"regions,omitempty"`
	Accounts []Account `yaml:"accounts"`
}

// DefaultRegions are the regions a world has when it names none.
var DefaultRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
}

// Organization is the AWS Organizations view of the world.
type Organization struct {
	ID                string `yaml:"id,omitempty"` // empty: derived from the management account
	ManagementAccount string `yaml:"management_account"`
	// OrganizationalUnits are the OUs under the root, nested.
	OrganizationalUnits []OU `yaml:"organizational_units,omitempty"`
}

// OU is an organizational unit; accounts name it by its path ("Workloads/Prod").
type OU struct {
	Name     string `yaml:"name"`
	ID       string `yaml:"id,omitempty"` // empty: generated
	Children []OU   `yaml:"children,omitempty"`
}

// Account is one AWS account and everything in it.
type Account struct {
	ID     string            `yaml:"id"`
	Name   string            `yaml:"name"`
	Email  string            `yaml:"email,omitempty"`
	Status string            `yaml:"status,omitempty"` // ACTIVE (default), SUSPENDED, PENDING_CLOSURE
	OU     string            `yaml:"ou,omitempty"`     // OU path under the root; empty means the root
	Tags   map[string]string `yaml:"tags,omitempty"`
	// DisabledRegions are opt-in regions this account has not enabled:
	// calls there fail as AWS fails them.
	DisabledRegions []string `yaml:"disabled_regions,omitempty"`

	Users            []User            `yaml:"users,omitempty"`
	Roles            []Role            `yaml:"roles,omitempty"`
	Policies         []ManagedPolicy   `yaml:"policies,omitempty"`
	InstanceProfiles []InstanceProfile `yaml:"instance_profiles,omitempty"`
	MFADevices       []MFADevice       `yaml:"mfa_devices,omitempty"`

	EC2Instances []EC2Instance `yaml:"ec2_instances,omitempty"`
	VPCs         []VPC         `yaml:"vpcs,omitempty"`
	VPCPeerings  []VPCPeering  `yaml:"vpc_peerings,omitempty"`

	KMSKeys []KMSKey `yaml:"kms_keys,omitempty"`
	Secrets []Secret `yaml:"secrets,omitempty"`

	DBInstances []DBInstance `yaml:"db_instances,omitempty"`
	DBClusters  []DBCluster  `yaml:"db_clusters,omitempty"`
	DBSnapshots []DBSnapshot `yaml:"db_snapshots,omitempty"`
}

// User is an IAM user with optional long-term access keys.
type User struct {
	Name            string            `yaml:"name"`
	Path            string            `yaml:"path,omitempty"`
	AccessKeyID     string            `yaml:"access_key_id,omitempty"`
	SecretAccessKey string            `yaml:"secret_access_key,omitempty"`
	ManagedPolicies []string          `yaml:"managed_policies,omitempty"` // ARNs; aws-managed or this account's
	InlinePolicies  map[string]Policy `yaml:"inline_policies,omitempty"`
	Tags            map[string]string `yaml:"tags,omitempty"`
}

// Role is an IAM role.
type Role struct {
	Name               string            `yaml:"name"`
	Path               string            `yaml:"path,omitempty"`
	Description        string            `yaml:"description,omitempty"`
	TrustPolicy        Policy            `yaml:"trust_policy"`
	ManagedPolicies    []string          `yaml:"managed_policies,omitempty"`
	InlinePolicies     map[string]Policy `yaml:"inline_policies,omitempty"`
	MaxSessionDuration int32             `yaml:"max_session_duration,omitempty"` // seconds; 0 means 3600
	Tags               map[string]string `yaml:"tags,omitempty"`
}

// ManagedPolicy is a customer managed policy.
type ManagedPolicy struct {
	Name        string `yaml:"name"`
	Path        string `yaml:"path,omitempty"`
	Description string `yaml:"description,omitempty"`
	Document    Policy `yaml:"document"`
}

// InstanceProfile is an IAM instance profile holding at most one role.
type InstanceProfile struct {
	Name  string   `yaml:"name"`
	Path  string   `yaml:"path,omitempty"`
	Roles []string `yaml:"roles,omitempty"`
}

// MFADevice is a virtual MFA device; codes are TOTP (RFC 6238, SHA-1, 6
// digits, 30 s) from the base32 seed.
type MFADevice struct {
	Name string `yaml:"name"`
	User string `yaml:"user"`
	Seed string `yaml:"seed"` // base32
}

// EC2Instance is a minimal EC2 instance record.
type EC2Instance struct {
	ID              string            `yaml:"id"`
	Region          string            `yaml:"region"`
	InstanceType    string            `yaml:"instance_type,omitempty"`
	InstanceProfile string            `yaml:"instance_profile,omitempty"` // name in the same account
	VPC             string            `yaml:"vpc,omitempty"`
	Subnet          string            `yaml:"subnet,omitempty"`
	PrivateIP       string            `yaml:"private_ip,omitempty"`
	Tags            map[string]string `yaml:"tags,omitempty"`
}

// VPC is a VPC with its subnets and security groups.
type VPC struct {
	ID             string          `yaml:"id"`
	Region         string          `yaml:"region"`
	CIDR           string          `yaml:"cidr"`
	Subnets        []Subnet        `yaml:"subnets,omitempty"`
	SecurityGroups []SecurityGroup `yaml:"security_groups,omitempty"`
	// Routes are added to the VPC's main route table beside the local route.
	Routes []Route           `yaml:"routes,omitempty"`
	Tags   map[string]string `yaml:"tags,omitempty"`
}

// Subnet is a subnet of a VPC.
type Subnet struct {
	ID               string `yaml:"id"`
	CIDR             string `yaml:"cidr"`
	AvailabilityZone string `yaml:"availability_zone,omitempty"`
}

// SecurityGroup is a security group with ingress rules.
type SecurityGroup struct {
	ID      string        `yaml:"id"`
	Name    string        `yaml:"name"`
	Ingress []IngressRule `yaml:"ingress,omitempty"`
}

// IngressRule allows TCP from a CIDR or another group to a port range.
type IngressRule struct {
	Protocol string `yaml:"protocol,omitempty"` // tcp (default), udp, -1
	FromPort int32  `yaml:"from_port"`
	ToPort   int32  `yaml:"to_port"`
	CIDR     string `yaml:"cidr,omitempty"`
	Group    string `yaml:"group,omitempty"` // security group ID
}

// Route is a route in a route table.
type Route struct {
	Destination string `yaml:"destination"`
	PeeringID   string `yaml:"vpc_peering_connection,omitempty"`
	GatewayID   string `yaml:"gateway,omitempty"`
}

// VPCPeering is a peering connection requested by this account.
type VPCPeering struct {
	ID          string `yaml:"id"`
	Region      string `yaml:"region"`
	VPC         string `yaml:"vpc"`
	PeerVPC     string `yaml:"peer_vpc"`
	PeerAccount string `yaml:"peer_account,omitempty"` // empty: this account
	PeerRegion  string `yaml:"peer_region,omitempty"`  // empty: same region
	Status      string `yaml:"status,omitempty"`       // active (default) or pending-acceptance
}

// KMSKey is a customer managed KMS key.
type KMSKey struct {
	ID          string `yaml:"id"` // key ID (a UUID)
	Region      string `yaml:"region"`
	Alias       string `yaml:"alias,omitempty"` // "alias/..."
	Description string `yaml:"description,omitempty"`
	Policy      Policy `yaml:"policy,omitempty"` // empty: the default key policy (account root)
}

// Secret is a Secrets Manager secret.
type Secret struct {
	Name           string            `yaml:"name"`
	Region         string            `yaml:"region"`
	Description    string            `yaml:"description,omitempty"`
	SecretString   string            `yaml:"secret_string"`
	KMSKey         string            `yaml:"kms_key,omitempty"` // key ID, ARN or alias in this account; empty: aws/secretsmanager
	ResourcePolicy Policy            `yaml:"resource_policy,omitempty"`
	Tags           map[string]string `yaml:"tags,omitempty"`
}

// DBInstance is an RDS DB instance.
type DBInstance struct {
	ID                        string            `yaml:"id"`
	Region                    string            `yaml:"region"`
	Engine                    string            `yaml:"engine"`
	EngineVersion             string            `yaml:"engine_version,omitempty"`
	Class                     string            `yaml:"class,omitempty"`
	Status                    string            `yaml:"status,omitempty"` // available (default), stopped, ...
	Cluster                   string            `yaml:"cluster,omitempty"`
	AllocatedStorage          int32             `yaml:"allocated_storage,omitempty"`
	StorageType               string            `yaml:"storage_type,omitempty"`
	StorageEncrypted          bool              `yaml:"storage_encrypted,omitempty"`
	KMSKey                    string            `yaml:"kms_key,omitempty"`
	PubliclyAccessible        bool              `yaml:"publicly_accessible,omitempty"`
	MultiAZ                   bool              `yaml:"multi_az,omitempty"`
	MasterUsername            string            `yaml:"master_username,omitempty"`
	DBName                    string            `yaml:"db_name,omitempty"`
	Port                      int32             `yaml:"port,omitempty"`
	BackupRetentionPeriod     *int32            `yaml:"backup_retention_period,omitempty"`
	DeletionProtection        bool              `yaml:"deletion_protection,omitempty"`
	IAMDatabaseAuthentication bool              `yaml:"iam_database_authentication,omitempty"`
	AutoMinorVersionUpgrade   *bool             `yaml:"auto_minor_version_upgrade,omitempty"`
	PerformanceInsights       bool              `yaml:"performance_insights,omitempty"`
	MonitoringInterval        int32             `yaml:"monitoring_interval,omitempty"`
	CloudwatchLogsExports     []string          `yaml:"cloudwatch_logs_exports,omitempty"`
	CopyTagsToSnapshot        bool              `yaml:"copy_tags_to_snapshot,omitempty"`
	CACertificate             string            `yaml:"ca_certificate,omitempty"`
	ParameterGroup            string            `yaml:"parameter_group,omitempty"`
	VPC                       string            `yaml:"vpc,omitempty"`
	SecurityGroups            []string          `yaml:"security_groups,omitempty"`
	ManageMasterUserPassword  bool              `yaml:"manage_master_user_password,omitempty"`
	MasterUserSecret          string            `yaml:"master_user_secret,omitempty"` // secret name/ARN in this account
	PendingMaintenance        []MaintenanceItem `yaml:"pending_maintenance,omitempty"`
	// Backend points the instance's endpoint at a real database server
	// ("127.0.0.1:5432") so SQL clients connect for real.
	Backend string            `yaml:"backend,omitempty"`
	Tags    map[string]string `yaml:"tags,omitempty"`
}

// DBCluster is an Aurora (or Multi-AZ) DB cluster; its members are
// DBInstances that name it.
type DBCluster struct {
	ID                        string            `yaml:"id"`
	Region                    string            `yaml:"region"`
	Engine                    string            `yaml:"engine"`
	EngineVersion             string            `yaml:"engine_version,omitempty"`
	Status                    string            `yaml:"status,omitempty"`
	StorageEncrypted          bool              `yaml:"storage_encrypted,omitempty"`
	KMSKey                    string            `yaml:"kms_key,omitempty"`
	MultiAZ                   bool              `yaml:"multi_az,omitempty"`
	MasterUsername            string            `yaml:"master_username,omitempty"`
	DatabaseName              string            `yaml:"database_name,omitempty"`
	Port                      int32             `yaml:"port,omitempty"`
	BackupRetentionPeriod     *int32            `yaml:"backup_retention_period,omitempty"`
	DeletionProtection        bool              `yaml:"deletion_protection,omitempty"`
	IAMDatabaseAuthentication bool              `yaml:"iam_database_authentication,omitempty"`
	CloudwatchLogsExports     []string          `yaml:"cloudwatch_logs_exports,omitempty"`
	CopyTagsToSnapshot        bool              `yaml:"copy_tags_to_snapshot,omitempty"`
	ManageMasterUserPassword  bool              `yaml:"manage_master_user_password,omitempty"`
	MasterUserSecret          string            `yaml:"master_user_secret,omitempty"`
	Backend                   string            `yaml:"backend,omitempty"`
	Tags                      map[string]string `yaml:"tags,omitempty"`
}

// DBSnapshot is a manual DB snapshot (or a cluster snapshot when Cluster is set).
type DBSnapshot struct {
	ID       string            `yaml:"id"`
	Region   string            `yaml:"region"`
	Instance string            `yaml:"instance,omitempty"`
	Cluster  string            `yaml:"cluster,omitempty"`
	Public   bool              `yaml:"public,omitempty"` // restorable by "all"
	Tags     map[string]string `yaml:"tags,omitempty"`
}

// MaintenanceItem is a pending maintenance action on a DB instance.
type MaintenanceItem struct {
	Action      string `yaml:"action"` // system-update, db-upgrade, ...
	Description string `yaml:"description,omitempty"`
	AutoApplied string `yaml:"auto_applied_after,omitempty"` // RFC 3339 date
	Forced      string `yaml:"forced_apply_date,omitempty"`
}
