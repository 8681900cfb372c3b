package fleettest

// The simulated worlds and AWS configs the command tests share. A test that
// needs a variant derives it from these (strings.Replace) or keeps a small
// world of its own.

// The management account's user dba and its static keys.
const (
	DBAAccessKeyID     = "AKIAEXAMPLEDBA000001"
	DBASecretAccessKey = "examplesecretexamplesecretexamplesecret1"
)

// ManagementAccount is the management account 999999999999 as an item of a
// world's accounts list:
//   - user dba, with static keys (DBAAccessKeyID, DBASecretAccessKey), may
//     assume any role;
//   - role Host, the management host's, behind instance profile HostProfile
//     of instance i-0123456789abcdef0 in us-east-1, may assume every
//     account's DB-Management-Host-Access-Role.
const ManagementAccount = `  - id: "999999999999"
    name: management
    users:
      - name: dba
        access_key_id: ` + DBAAccessKeyID + `
        secret_access_key: ` + DBASecretAccessKey + `
        inline_policies:
          assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
    roles:
      - name: Host
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
        inline_policies:
          assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/DB-Management-Host-Access-Role"}]}
    instance_profiles: [{name: HostProfile, roles: [Host]}]
    ec2_instances: [{id: i-0123456789abcdef0, region: us-east-1, instance_profile: HostProfile}]
`

// FleetWorld is an organization in us-east-1, eu-west-1 and the opt-in
// eu-south-1: the management account (ManagementAccount) and four
// application accounts, each with a DB-Management-Host-Access-Role:
//   - alpha (111111111111) trusts the host and the user dba, and has a
//     postgres database in us-east-1 (tag env=prod) and a mysql one in
//     eu-west-1: the account every path reaches;
//   - bravo (222222222222) trusts the host only with ExternalId
//     bravo-secret-id, and has a mariadb database in us-east-1;
//   - charlie (333333333333) trusts nobody here: its AssumeRole is refused
//     (AccessDenied), though it has a database;
//   - delta (444444444444) trusts the host but has not enabled eu-south-1
//     (InvalidClientTokenId there), and has a postgres database in
//     us-east-1.
const FleetWorld = `
organization: {management_account: "999999999999"}
regions: [us-east-1, eu-west-1, eu-south-1]
accounts:
` + ManagementAccount + `  - id: "111111111111"
    name: alpha
    roles:
      - name: DB-Management-Host-Access-Role
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: ["arn:aws:iam::999999999999:role/Host", "arn:aws:iam::999999999999:user/dba"]}, Action: "sts:AssumeRole"}]}
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
    db_instances:
      - {id: alpha-pg, region: us-east-1, engine: postgres, tags: {env: prod}}
      - {id: alpha-my, region: eu-west-1, engine: mysql}
  - id: "222222222222"
    name: bravo
    roles:
      - name: DB-Management-Host-Access-Role
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: "arn:aws:iam::999999999999:role/Host"}
              Action: sts:AssumeRole
              Condition: {StringEquals: {"sts:ExternalId": "bravo-secret-id"}}
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
    db_instances:
      - {id: bravo-maria, region: us-east-1, engine: mariadb}
  - id: "333333333333"
    name: charlie
    roles:
      - name: DB-Management-Host-Access-Role
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::333333333333:root"}, Action: "sts:AssumeRole"}]}
    db_instances:
      - {id: charlie-db, region: us-east-1, engine: postgres}
  - id: "444444444444"
    name: delta
    disabled_regions: [eu-south-1]
    roles:
      - name: DB-Management-Host-Access-Role
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::999999999999:role/Host"}, Action: "sts:AssumeRole"}]}
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
    db_instances:
      - {id: delta-db, region: us-east-1, engine: postgres}
`

// SeedConfig is the centralized AWS config of AWS's walkthrough for
// FleetWorld's application accounts: a profile per account whose role is
// assumed from the instance profile (credential_source =
// Ec2InstanceMetadata), bravo's with its external_id, all in us-east-1.
const SeedConfig = `[default]
region = us-east-1

[profile alpha]
role_arn = arn:aws:iam::111111111111:role/DB-Management-Host-Access-Role
credential_source = Ec2InstanceMetadata
region = us-east-1

[profile bravo]
role_arn = arn:aws:iam::222222222222:role/DB-Management-Host-Access-Role
credential_source = Ec2InstanceMetadata
external_id = bravo-secret-id
region = us-east-1

[profile charlie]
role_arn = arn:aws:iam::333333333333:role/DB-Management-Host-Access-Role
credential_source = Ec2InstanceMetadata
region = us-east-1

[profile delta]
role_arn = arn:aws:iam::444444444444:role/DB-Management-Host-Access-Role
credential_source = Ec2InstanceMetadata
region = us-east-1
`
