package world

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// GenerateSpec sizes a generated world: Accounts application accounts, the
// first Regions of DefaultRegions, Instances standalone DB instances and
// Clusters Aurora clusters (two members each) per account per region.
type GenerateSpec struct {
	Accounts, Regions, Instances int
	Clusters                     int
	Seed                         int64 // same seed, same world
}

// Generator limits: a world beyond these is more than one process should
// hold.
const (
	MaxGenerateAccounts    = 100_000
	MaxGenerateInstances   = 1_000
	MaxGenerateClusters    = 100
	MaxGenerateDBInstances = 2_000_000 // over the whole world
)

// The fixed names of the management side, shared by Demo and Generate (AWS's
// walkthrough).
const (
	ManagementAccountID   = "999999999999"
	ManagementHostID      = "i-0123456789abcdef0"
	ManagementProfileName = "DB-Management-Host-Profile"
	ManagementRoleName    = "DB-Management-Host-CrossAccountAccess-Role"
	AccessRoleName        = "DB-Management-Host-Access-Role"
	DescribePolicyName    = "DB-Management-Host-RDS-Describe-Policy"
	AssumePolicyName      = "DB-Management-Host-ApplicationAccountAccess-Policy"
	AdminAccessKeyID      = "AKIAIOSFODNN7EXAMPLE"
	AdminSecretAccessKey  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// ManagementRoleARN is the DB management host's instance profile role.
const ManagementRoleARN = "arn:aws:iam::" + ManagementAccountID + ":role/" + ManagementRoleName

// The policy documents every generated world shares: one string each, so
// ten thousand roles cost ten thousand string headers, not documents.
const (
	ec2TrustPolicy     Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	assumeAccessPolicy Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/` + AccessRoleName + `"}]}`
	accessTrustPolicy  Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + ManagementRoleARN + `"},"Action":"sts:AssumeRole"}]}`
	rdsDescribePolicy  Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"RDSDescribe","Effect":"Allow","Action":["rds:Describe*","rds:ListTagsForResource"],"Resource":"*"}]}`
)

var generateKeys = []string{"accounts", "regions", "instances", "clusters", "seed"}

// ParseGenerateSpec reads the --generate flag's form
// "accounts=N,regions=R,instances=K[,clusters=C][,seed=S]". accounts is
// required; regions defaults to 2, instances to 5, clusters to 0 and seed
// to 1.
func ParseGenerateSpec(s string) (GenerateSpec, error) {
	spec := GenerateSpec{Regions: 2, Instances: 5, Seed: 1}
	allowed := "allowed keys: " + strings.Join(generateKeys, ", ")
	seen := map[string]bool{}
	if strings.TrimSpace(s) == "" {
		return spec, fmt.Errorf("empty spec: want accounts=N,regions=R,instances=K[,clusters=C][,seed=S]")
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return spec, fmt.Errorf("%q: want key=value (%s)", part, allowed)
		}
		if !contains(generateKeys, k) {
			return spec, fmt.Errorf("unknown key %q (%s)", k, allowed)
		}
		if seen[k] {
			return spec, fmt.Errorf("key %q given twice", k)
		}
		seen[k] = true
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || (k != "seed" && (n < 0 || n > 1<<31-1)) {
			return spec, fmt.Errorf("%s=%q: want a whole number", k, v)
		}
		switch k {
		case "accounts":
			spec.Accounts = int(n)
		case "regions":
			spec.Regions = int(n)
		case "instances":
			spec.Instances = int(n)
		case "clusters":
			spec.Clusters = int(n)
		case "seed":
			spec.Seed = n
		}
	}
	if !seen["accounts"] {
		return spec, fmt.Errorf("accounts=N is required (%s)", allowed)
	}
	return spec, spec.check()
}

func (s GenerateSpec) check() error {
	switch {
	case s.Accounts < 1 || s.Accounts > MaxGenerateAccounts:
		return fmt.Errorf("accounts=%d: want 1 to %d", s.Accounts, MaxGenerateAccounts)
	case s.Regions < 1 || s.Regions > len(DefaultRegions):
		return fmt.Errorf("regions=%d: want 1 to %d (the first R of %s)", s.Regions, len(DefaultRegions), strings.Join(DefaultRegions, ", "))
	case s.Instances < 0 || s.Instances > MaxGenerateInstances:
		return fmt.Errorf("instances=%d: want 0 to %d per account and region", s.Instances, MaxGenerateInstances)
	case s.Clusters < 0 || s.Clusters > MaxGenerateClusters:
		return fmt.Errorf("clusters=%d: want 0 to %d per account and region", s.Clusters, MaxGenerateClusters)
	}
	if total := int64(s.Accounts) * int64(s.Regions) * int64(s.Instances+2*s.Clusters); total > MaxGenerateDBInstances {
		return fmt.Errorf("accounts=%d,regions=%d,instances=%d,clusters=%d makes %d DB instances: at most %d", s.Accounts, s.Regions, s.Instances, s.Clusters, total, MaxGenerateDBInstances)
	}
	return nil
}

// genEngine is one engine the generator cycles through.
type genEngine struct {
	engine, version, class, storageType, paramGroup string
	port, storage                                   int32
}

var genEngines = []genEngine{
	{"postgres", "16.3", "db.t3.medium", "gp3", "default.postgres16", 5432, 100},
	{"mysql", "8.0.39", "db.t3.medium", "gp3", "default.mysql8.0", 3306, 100},
	{"mariadb", "10.11.8", "db.t3.small", "gp3", "default.mariadb10.11", 3306, 50},
	{"postgres", "15.7", "db.r6g.large", "gp3", "default.postgres15", 5432, 500},
	{"mysql", "5.7.44", "db.m5.large", "gp2", "default.mysql5.7", 3306, 200},
	{"oracle-se2", "19.0.0.0.ru-2024-07.rur-2024-07.r1", "db.m5.xlarge", "gp3", "default.oracle-se2-19", 1521, 300},
	{"sqlserver-ex", "15.00.4385.2.v1", "db.t3.small", "gp2", "default.sqlserver-ex-15.0", 1433, 20},
}

var genClusterEngines = []genEngine{
	{"aurora-postgresql", "15.6", "db.r6g.large", "aurora", "default.aurora-postgresql15", 5432, 0},
	{"aurora-mysql", "8.0.mysql_aurora.3.05.2", "db.r6g.large", "aurora", "default.aurora-mysql8.0", 3306, 0},
}

var (
	genEnvs     = []string{"dev", "staging", "prod"}
	genEnvOUs   = []string{"Workloads/Dev", "Workloads/Staging", "Workloads/Prod"}
	genTeams    = []string{"payments", "orders", "analytics", "platform", "identity"}
	genStatuses = []string{"available", "available", "available", "available", "available", "available", "available", "available", "available", "stopped"}
)

// Generate builds a consistent world of the given size in memory: the
// management account of AWS's walkthrough (999999999999 with the DB
// management host, its instance profile and role, and user admin) and
// spec.Accounts application accounts 100000000001, 100000000002, ...
// named app-00001, ..., each with DB-Management-Host-Access-Role trusting
// the management role and allowed to describe RDS, and spec.Instances DB
// instances (db-0001, ...) plus spec.Clusters two-member Aurora clusters
// per account per region.
//
// To stay small at ten thousand accounts the world shares what is
// identical: policy documents, tag maps, region and identifier strings and
// the BackupRetentionPeriod pointers. Treat it as read-only, or Clone it
// first.
func Generate(spec GenerateSpec) (*World, error) {
	if err := spec.check(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(spec.Seed), 0x9e3779b97f4a7c15))
	n, nr := spec.Accounts, spec.Regions
	regions := append([]string(nil), DefaultRegions[:nr]...)

	w := &World{
		Organization: &Organization{
			ManagementAccount: ManagementAccountID,
			OrganizationalUnits: []OU{
				{Name: "Workloads", Children: []OU{{Name: "Dev"}, {Name: "Staging"}, {Name: "Prod"}}},
			},
		},
		Regions:  regions,
		Accounts: make([]Account, 1, n+1),
	}
	w.Accounts[0] = ManagementAccount()

	// Identifier strings, shared by every account.
	perAcct := nr * spec.Instances
	instIDs := make([]string, perAcct)
	for i := range instIDs {
		instIDs[i] = fmt.Sprintf("db-%04d", i+1)
	}
	clusterIDs := make([]string, nr*spec.Clusters)
	memberIDs := make([]string, 2*len(clusterIDs))
	for i := range clusterIDs {
		clusterIDs[i] = fmt.Sprintf("aurora-%03d", i+1)
		memberIDs[2*i] = clusterIDs[i] + "-instance-1"
		memberIDs[2*i+1] = clusterIDs[i] + "-instance-2"
	}

	// Tag maps per (env, team), shared.
	type combo struct{ acct, db map[string]string }
	combos := make([]combo, len(genEnvs)*len(genTeams))
	for e, env := range genEnvs {
		for t, team := range genTeams {
			combos[e*len(genTeams)+t] = combo{
				acct: map[string]string{"env": env, "team": team, "owner": team + "-leads@example.com"},
				db:   map[string]string{"env": env, "team": team, "owner": team + "@example.com", "app": team},
			}
		}
	}
	one, seven := int32(1), int32(7)
	maintenance := []MaintenanceItem{{Action: "system-update", Description: "New Operating System update is available", AutoApplied: "2027-01-15T00:00:00Z"}}

	// Account IDs, names and policy ARNs: three big strings, sliced.
	var ids, names, arns strings.Builder
	ids.Grow(12 * n)
	names.Grow(10 * n)
	const arnPrefix, arnSuffix = "arn:aws:iam::", ":policy/" + DescribePolicyName
	arns.Grow((len(arnPrefix) + 12 + len(arnSuffix)) * n)
	nameEnd := make([]int, n)
	var buf []byte
	for i := 0; i < n; i++ {
		buf = strconv.AppendInt(buf[:0], 100_000_000_000+int64(i+1), 10)
		ids.Write(buf)
		arns.WriteString(arnPrefix)
		arns.Write(buf)
		arns.WriteString(arnSuffix)
		buf = append(buf[:0], "app-"...)
		num := strconv.Itoa(i + 1)
		for k := len(num); k < 5; k++ {
			buf = append(buf, '0')
		}
		buf = append(buf, num...)
		names.Write(buf)
		nameEnd[i] = names.Len()
	}
	allIDs, allNames, allARNs := ids.String(), names.String(), arns.String()
	arnLen := len(arnPrefix) + 12 + len(arnSuffix)

	// Backing arrays for everything per account, sliced per account.
	roles := make([]Role, n)
	policies := make([]ManagedPolicy, n)
	attached := make([]string, n)
	membersPer := 2 * nr * spec.Clusters
	dbs := make([]DBInstance, n*(perAcct+membersPer))
	var clusters []DBCluster
	if spec.Clusters > 0 {
		clusters = make([]DBCluster, n*nr*spec.Clusters)
	}

	for i := 0; i < n; i++ {
		id := allIDs[12*i : 12*i+12]
		nameStart := 0
		if i > 0 {
			nameStart = nameEnd[i-1]
		}
		env := i % len(genEnvs)
		team := (i / len(genEnvs)) % len(genTeams)
		tags := combos[env*len(genTeams)+team]
		prod := genEnvs[env] == "prod"
		attached[i] = allARNs[arnLen*i : arnLen*(i+1)]
		roles[i] = Role{Name: AccessRoleName, Description: "Assumed by the DB management host in " + ManagementAccountID,
			TrustPolicy: accessTrustPolicy, ManagedPolicies: attached[i : i+1 : i+1]}
		policies[i] = ManagedPolicy{Name: DescribePolicyName, Description: "Read-only RDS for the DB management host", Document: rdsDescribePolicy}

		acct := Account{
			ID: id, Name: allNames[nameStart:nameEnd[i]], OU: genEnvOUs[env], Tags: tags.acct,
			Roles: roles[i : i+1 : i+1], Policies: policies[i : i+1 : i+1],
		}
		base := i * (perAcct + membersPer)
		acctDBs := dbs[base : base+perAcct+membersPer : base+perAcct+membersPer]
		for r := 0; r < nr; r++ {
			region := regions[r]
			for k := 0; k < spec.Instances; k++ {
				j := r*spec.Instances + k
				e := &genEngines[(i+j)%len(genEngines)]
				d := &acctDBs[j]
				*d = DBInstance{
					ID: instIDs[j], Region: region, Engine: e.engine, EngineVersion: e.version, Class: e.class,
					Status: genStatuses[rng.IntN(len(genStatuses))], AllocatedStorage: e.storage, StorageType: e.storageType,
					StorageEncrypted: prod || rng.IntN(5) != 0, MasterUsername: "admin", Port: e.port,
					BackupRetentionPeriod: &one, ParameterGroup: e.paramGroup, CACertificate: "rds-ca-rsa2048-g1",
					Tags: tags.db,
				}
				if prod {
					d.MultiAZ, d.DeletionProtection, d.BackupRetentionPeriod = true, true, &seven
					d.Status = "available"
				} else if rng.IntN(50) == 0 {
					d.PubliclyAccessible = true
				}
				if rng.IntN(20) == 0 {
					d.PendingMaintenance = maintenance
				}
			}
			for c := 0; c < spec.Clusters; c++ {
				ci := r*spec.Clusters + c
				e := &genClusterEngines[(i+ci)%len(genClusterEngines)]
				cl := &clusters[i*nr*spec.Clusters+ci]
				*cl = DBCluster{
					ID: clusterIDs[ci], Region: region, Engine: e.engine, EngineVersion: e.version, Status: "available",
					StorageEncrypted: true, MasterUsername: "admin", Port: e.port, BackupRetentionPeriod: &seven,
					DeletionProtection: prod, MultiAZ: true, Tags: tags.db,
				}
				for m := 0; m < 2; m++ {
					acctDBs[perAcct+2*ci+m] = DBInstance{
						ID: memberIDs[2*ci+m], Region: region, Engine: e.engine, EngineVersion: e.version, Class: e.class,
						Status: "available", Cluster: clusterIDs[ci], StorageEncrypted: true, Port: e.port,
						CACertificate: "rds-ca-rsa2048-g1", Tags: tags.db,
					}
				}
			}
		}
		if len(acctDBs) > 0 {
			acct.DBInstances = acctDBs
		}
		if spec.Clusters > 0 {
			k := i * nr * spec.Clusters
			acct.DBClusters = clusters[k : k+nr*spec.Clusters : k+nr*spec.Clusters]
		}
		w.Accounts = append(w.Accounts, acct)
	}
	return w, nil
}

// ManagementAccount is the management account of AWS's walkthrough as the
// generator builds it: account 999999999999 with user admin
// (AdministratorAccess, access key AKIAIOSFODNN7EXAMPLE), the DB management
// host i-0123456789abcdef0 in us-east-1, its instance profile
// DB-Management-Host-Profile and role
// DB-Management-Host-CrossAccountAccess-Role, allowed to assume
// DB-Management-Host-Access-Role in every account. The demo world's
// management account is the same plus its VPC peerings and a policy for
// the demo's extra roles.
func ManagementAccount() Account {
	return Account{
		ID: ManagementAccountID, Name: "management", Email: "aws-management@example.com",
		Tags: map[string]string{"env": "shared", "team": "dbops", "owner": "dbops@example.com"},
		Users: []User{{
			Name: "admin", AccessKeyID: AdminAccessKeyID, SecretAccessKey: AdminSecretAccessKey,
			ManagedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"},
		}},
		MFADevices: []MFADevice{{Name: "admin", User: "admin", Seed: "JBSWY3DPEHPK3PXP"}},
		Roles: []Role{{
			Name: ManagementRoleName, Description: "Instance profile role of the DB management host",
			TrustPolicy:     ec2TrustPolicy,
			ManagedPolicies: []string{ManagedPolicyARN(ManagementAccountID, "", AssumePolicyName)},
		}},
		Policies: []ManagedPolicy{{
			Name: AssumePolicyName, Description: "Lets the DB management host assume the access role in every application account",
			Document: assumeAccessPolicy,
		}},
		InstanceProfiles: []InstanceProfile{{Name: ManagementProfileName, Roles: []string{ManagementRoleName}}},
		EC2Instances: []EC2Instance{{
			ID: ManagementHostID, Region: "us-east-1", InstanceType: "t3.medium", InstanceProfile: ManagementProfileName,
			VPC: "vpc-09990000000000001", Subnet: "subnet-09990000000000011", PrivateIP: "10.0.1.10",
			Tags: map[string]string{"Name": "DB management host", "team": "dbops"},
		}},
		VPCs: []VPC{{
			ID: "vpc-09990000000000001", Region: "us-east-1", CIDR: "10.0.0.0/16",
			Subnets: []Subnet{
				{ID: "subnet-09990000000000011", CIDR: "10.0.1.0/24", AvailabilityZone: "us-east-1a"},
				{ID: "subnet-09990000000000012", CIDR: "10.0.2.0/24", AvailabilityZone: "us-east-1b"},
			},
			SecurityGroups: []SecurityGroup{{ID: "sg-09990000000000021", Name: "db-management-host",
				Ingress: []IngressRule{{FromPort: 22, ToPort: 22, CIDR: "10.0.0.0/16"}}}},
			Routes: []Route{{Destination: "0.0.0.0/0", GatewayID: "igw-09990000000000031"}},
			Tags:   map[string]string{"Name": "management"},
		}},
	}
}
