package awssim

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const ec2World = `
regions: [us-east-1, us-west-2, af-south-1]
organization: {management_account: "999999999999"}
accounts:
  - id: "999999999999"
    name: management
    users:
      - name: admin
        access_key_id: AKIAEC2TESTMGMT00001
        secret_access_key: ec2secretec2secretec2secretec2secret0001
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
      - name: nobody
        access_key_id: AKIAEC2TESTMGMT00002
        secret_access_key: ec2secretec2secretec2secretec2secret0002
      - name: viewer
        access_key_id: AKIAEC2TESTMGMT00003
        secret_access_key: ec2secretec2secretec2secretec2secret0003
        inline_policies:
          describe:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: ["ec2:Describe*"], Resource: "*"}]
      - name: operator
        access_key_id: AKIAEC2TESTMGMT00004
        secret_access_key: ec2secretec2secretec2secretec2secret0004
        inline_policies:
          ec2:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: ["ec2:*"], Resource: "*"}]
    roles:
      - name: WebRole
        trust_policy:
          Version: "2012-10-17"
          Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
      - name: HumanRole
        trust_policy:
          Version: "2012-10-17"
          Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::999999999999:root"}, Action: sts:AssumeRole}]
    instance_profiles:
      - {name: WebProfile, roles: [WebRole]}
      - {name: HumanProfile, roles: [HumanRole]}
    vpcs:
      - id: vpc-0a000000000000001
        region: us-east-1
        cidr: 10.0.0.0/16
        subnets: [{id: subnet-0a000000000000001, cidr: 10.0.1.0/24, availability_zone: us-east-1b}]
        security_groups:
          - id: sg-0a000000000000001
            name: db-clients
            ingress: [{from_port: 5432, to_port: 5432, cidr: 10.0.0.0/16}]
        routes: [{destination: 10.2.0.0/16, vpc_peering_connection: pcx-0a000000000000001}]
    vpc_peerings:
      - {id: pcx-0a000000000000001, region: us-east-1, vpc: vpc-0a000000000000001, peer_vpc: vpc-0b000000000000002, peer_account: "222222222222"}
    ec2_instances:
      - {id: i-0a000000000000001, region: us-east-1, vpc: vpc-0a000000000000001, subnet: subnet-0a000000000000001, tags: {Name: bastion}}
      - {id: i-0a000000000000002, region: us-east-1, instance_profile: HumanProfile}
  - id: "222222222222"
    name: app
    disabled_regions: [af-south-1]
    users:
      - name: admin
        access_key_id: AKIAEC2TESTAPP000001
        secret_access_key: ec2secretec2secretec2secretec2secret0005
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
    vpcs:
      - {id: vpc-0b000000000000001, region: us-east-1, cidr: 10.1.0.0/16}
      - {id: vpc-0b000000000000002, region: us-east-1, cidr: 10.2.0.0/16}
`

const (
	mgmtInstance  = "i-0a000000000000001"
	humanInstance = "i-0a000000000000002"
)

func ec2Client(t *testing.T, ts *testSim, region, key, secret string) *ec2.Client {
	t.Helper()
	// With retries off, as the harness sets them, the SDK's known race on
	// closed connections (aws/aws-sdk-go-v2#2737) fails a large response
	// now and then; the SDK's standard retryer retries exactly that, and
	// never the 4xx errors these tests assert.
	return ec2.NewFromConfig(ts.cfg(t, region, key, secret, ""), func(o *ec2.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.Backoff = retry.BackoffDelayerFunc(noDelay) })
	})
}

func noDelay(int, error) (time.Duration, error) { return 0, nil }

func mgmtEC2(t *testing.T, ts *testSim) *ec2.Client {
	return ec2Client(t, ts, "us-east-1", "AKIAEC2TESTMGMT00001", "ec2secretec2secretec2secretec2secret0001")
}

func appEC2(t *testing.T, ts *testSim) *ec2.Client {
	return ec2Client(t, ts, "us-east-1", "AKIAEC2TESTAPP000001", "ec2secretec2secretec2secretec2secret0005")
}

// imdsConfig resolves credentials only through the SDK's default chain
// pointed at an IMDS endpoint, with nothing in the environment to win first.
func imdsConfig(t *testing.T, ts *testSim, imdsURL string) aws.Config {
	t.Helper()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithEC2IMDSEndpoint(imdsURL),
		config.WithBaseEndpoint(ts.URL),
		config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestEC2IMDSWalkthrough(t *testing.T) {
	ts := startSim(t, ec2World, Options{})
	ctx := context.Background()
	admin := mgmtEC2(t, ts)

	if got := ts.DefaultIMDSInstance(); got != humanInstance {
		t.Errorf("DefaultIMDSInstance before association = %q, want %s", got, humanInstance)
	}
	out, err := admin.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{mgmtInstance}})
	if err != nil {
		t.Fatal(err)
	}
	inst := out.Reservations[0].Instances[0]
	if inst.IamInstanceProfile != nil || inst.State.Name != types.InstanceStateNameRunning || aws.ToString(inst.PrivateIpAddress) != "10.0.1.4" ||
		aws.ToString(inst.Placement.AvailabilityZone) != "us-east-1b" || aws.ToString(out.Reservations[0].OwnerId) != "999999999999" {
		t.Fatalf("world instance = %+v", inst)
	}

	assoc, err := admin.AssociateIamInstanceProfile(ctx, &ec2.AssociateIamInstanceProfileInput{
		InstanceId: aws.String(mgmtInstance), IamInstanceProfile: &types.IamInstanceProfileSpecification{Name: aws.String("WebProfile")}})
	if err != nil {
		t.Fatal(err)
	}
	a := assoc.IamInstanceProfileAssociation
	if a.State != types.IamInstanceProfileAssociationStateAssociating || !strings.HasPrefix(aws.ToString(a.AssociationId), "iip-assoc-") ||
		aws.ToString(a.IamInstanceProfile.Arn) != "arn:aws:iam::999999999999:instance-profile/WebProfile" {
		t.Fatalf("association = %+v", a)
	}
	_, err = admin.AssociateIamInstanceProfile(ctx, &ec2.AssociateIamInstanceProfileInput{
		InstanceId: aws.String(mgmtInstance), IamInstanceProfile: &types.IamInstanceProfileSpecification{Name: aws.String("WebProfile")}})
	if apiCode(err) != "IncorrectState" || !strings.Contains(err.Error(), "There is an existing association for instance "+mgmtInstance) {
		t.Fatalf("second association: %v", err)
	}
	desc, err := admin.DescribeIamInstanceProfileAssociations(ctx, &ec2.DescribeIamInstanceProfileAssociationsInput{
		Filters: []types.Filter{{Name: aws.String("instance-id"), Values: []string{mgmtInstance}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.IamInstanceProfileAssociations) != 1 || desc.IamInstanceProfileAssociations[0].State != types.IamInstanceProfileAssociationStateAssociated ||
		aws.ToString(desc.IamInstanceProfileAssociations[0].AssociationId) != aws.ToString(a.AssociationId) {
		t.Fatalf("associations = %+v", desc.IamInstanceProfileAssociations)
	}
	byProfile, err := admin.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{
		{Name: aws.String("iam-instance-profile.arn"), Values: []string{"arn:aws:iam::999999999999:instance-profile/WebProfile"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(byProfile.Reservations) != 1 || aws.ToString(byProfile.Reservations[0].Instances[0].IamInstanceProfile.Id) == "" {
		t.Fatalf("instances by profile = %+v", byProfile.Reservations)
	}
	if got := ts.DefaultIMDSInstance(); got != mgmtInstance {
		t.Errorf("DefaultIMDSInstance after association = %q, want %s", got, mgmtInstance)
	}

	// The instance's own view: IMDS served to the SDK's default credential chain.
	md, err := ts.IMDS(mgmtInstance)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(md)
	defer hs.Close()
	cfg := imdsConfig(t, ts, hs.URL)
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(creds.AccessKeyID, "ASIA") || creds.SessionToken == "" || !creds.CanExpire {
		t.Fatalf("imds credentials = %+v", creds)
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(id.Arn), "arn:aws:sts::999999999999:assumed-role/WebRole/"+mgmtInstance; got != want {
		t.Fatalf("caller = %s, want %s", got, want)
	}

	// After disassociation the instance has no role, so no credentials.
	if _, err := admin.DisassociateIamInstanceProfile(ctx, &ec2.DisassociateIamInstanceProfileInput{AssociationId: a.AssociationId}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.DisassociateIamInstanceProfile(ctx, &ec2.DisassociateIamInstanceProfileInput{AssociationId: a.AssociationId}); apiCode(err) != "InvalidAssociationID.NotFound" {
		t.Fatalf("second disassociation: %v", err)
	}
	if got := md.Instance().RoleName; got != "" {
		t.Fatalf("role after disassociation = %q", got)
	}
}

func TestEC2IMDSUntrustedRole(t *testing.T) {
	ts := startSim(t, ec2World, Options{})
	md, err := ts.IMDS(humanInstance)
	if err != nil {
		t.Fatal(err)
	}
	if got := md.Instance(); got.RoleName != "HumanRole" || got.AccountID != "999999999999" || got.Region != "us-east-1" || got.MAC == "" || got.PrivateIP == "" {
		t.Fatalf("instance = %+v", got)
	}
	hs := httptest.NewServer(md)
	defer hs.Close()
	cfg := imdsConfig(t, ts, hs.URL)
	if creds, err := cfg.Credentials.Retrieve(context.Background()); err == nil {
		t.Fatalf("a role that does not trust EC2 gave credentials %s", creds.AccessKeyID)
	}
	if _, err := ts.IMDS("i-0fffffffffffffff0"); err == nil {
		t.Fatal("IMDS of a missing instance succeeded")
	}
}

func TestEC2IamInstanceProfileErrors(t *testing.T) {
	ts := startSim(t, ec2World, Options{})
	ctx := context.Background()
	admin := mgmtEC2(t, ts)
	cases := []struct {
		instance, profile, arn, code string
	}{
		{mgmtInstance, "NoSuchProfile", "", "InvalidParameterValue"},
		{mgmtInstance, "", "arn:aws:iam::999999999999:instance-profile/Nope", "InvalidParameterValue"},
		{"i-0fffffffffffffff0", "WebProfile", "", "InvalidInstanceID.NotFound"},
		{"i-nope", "WebProfile", "", "InvalidInstanceID.Malformed"},
		{humanInstance, "WebProfile", "", "IncorrectState"},
	}
	for _, tc := range cases {
		spec := &types.IamInstanceProfileSpecification{}
		if tc.profile != "" {
			spec.Name = aws.String(tc.profile)
		}
		if tc.arn != "" {
			spec.Arn = aws.String(tc.arn)
		}
		_, err := admin.AssociateIamInstanceProfile(ctx, &ec2.AssociateIamInstanceProfileInput{InstanceId: aws.String(tc.instance), IamInstanceProfile: spec})
		if apiCode(err) != tc.code {
			t.Errorf("associate %s/%s%s: got %v, want %s", tc.instance, tc.profile, tc.arn, err, tc.code)
		}
	}
	_, err := admin.AssociateIamInstanceProfile(ctx, &ec2.AssociateIamInstanceProfileInput{InstanceId: aws.String(mgmtInstance),
		IamInstanceProfile: &types.IamInstanceProfileSpecification{Name: aws.String("Missing")}})
	if err == nil || !strings.Contains(err.Error(), "Value (Missing) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name") {
		t.Errorf("unknown profile message: %v", err)
	}
	if _, err := admin.DescribeIamInstanceProfileAssociations(ctx, &ec2.DescribeIamInstanceProfileAssociationsInput{AssociationIds: []string{"iip-assoc-0fffffffffffffff0"}}); apiCode(err) != "InvalidAssociationID.NotFound" {
		t.Errorf("describe unknown association: %v", err)
	}

	// Replace swaps the profile under a new association ID.
	desc, err := admin.DescribeIamInstanceProfileAssociations(ctx, &ec2.DescribeIamInstanceProfileAssociationsInput{})
	if err != nil || len(desc.IamInstanceProfileAssociations) != 1 {
		t.Fatalf("world associations: %v %+v", err, desc)
	}
	old := desc.IamInstanceProfileAssociations[0]
	rep, err := admin.ReplaceIamInstanceProfileAssociation(ctx, &ec2.ReplaceIamInstanceProfileAssociationInput{AssociationId: old.AssociationId,
		IamInstanceProfile: &types.IamInstanceProfileSpecification{Arn: aws.String("arn:aws:iam::999999999999:instance-profile/WebProfile")}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(rep.IamInstanceProfileAssociation.AssociationId) == aws.ToString(old.AssociationId) || aws.ToString(rep.IamInstanceProfileAssociation.InstanceId) != humanInstance {
		t.Fatalf("replaced = %+v", rep.IamInstanceProfileAssociation)
	}
	md, err := ts.IMDS(humanInstance)
	if err != nil {
		t.Fatal(err)
	}
	if got := md.Instance().RoleName; got != "WebRole" {
		t.Fatalf("role after replace = %q", got)
	}
}

func TestEC2DescribeRegions(t *testing.T) {
	ts := startSim(t, ec2World, Options{})
	ctx := context.Background()
	app := appEC2(t, ts)
	out, err := app.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range out.Regions {
		names = append(names, aws.ToString(r.RegionName))
		if aws.ToString(r.OptInStatus) != "opt-in-not-required" || aws.ToString(r.Endpoint) != "ec2."+aws.ToString(r.RegionName)+".amazonaws.com" {
			t.Errorf("region %+v", r)
		}
	}
	if strings.Join(names, ",") != "us-east-1,us-west-2" {
		t.Errorf("enabled regions = %v", names)
	}
	all, err := app.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true),
		Filters: []types.Filter{{Name: aws.String("opt-in-status"), Values: []string{"not-opted-in"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Regions) != 1 || aws.ToString(all.Regions[0].RegionName) != "af-south-1" {
		t.Errorf("not-opted-in regions = %+v", all.Regions)
	}
	mgmt, err := mgmtEC2(t, ts).DescribeRegions(ctx, &ec2.DescribeRegionsInput{RegionNames: []string{"af-south-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(mgmt.Regions) != 1 || aws.ToString(mgmt.Regions[0].OptInStatus) != "opted-in" {
		t.Errorf("management's af-south-1 = %+v", mgmt.Regions)
	}
	if _, err := app.DescribeRegions(ctx, &ec2.DescribeRegionsInput{Filters: []types.Filter{{Name: aws.String("bogus"), Values: []string{"x"}}}}); apiCode(err) != "InvalidParameterValue" {
		t.Errorf("unknown filter: %v", err)
	}
	zones, err := app.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(zones.AvailabilityZones) != 3 || aws.ToString(zones.AvailabilityZones[0].ZoneName) != "us-east-1a" || aws.ToString(zones.AvailabilityZones[0].ZoneId) != "use1-az1" {
		t.Errorf("zones = %+v", zones.AvailabilityZones)
	}
}

func TestEC2Unauthorized(t *testing.T) {
	ts := startSim(t, ec2World, Options{})
	ctx := context.Background()
	nobody := ec2Client(t, ts, "us-east-1", "AKIAEC2TESTMGMT00002", "ec2secretec2secretec2secretec2secret0002")
	_, err := nobody.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if apiCode(err) != "UnauthorizedOperation" || !strings.Contains(err.Error(), "is not authorized to perform: ec2:DescribeInstances") {
		t.Fatalf("nobody DescribeInstances: %v", err)
	}
	viewer := ec2Client(t, ts, "us-east-1", "AKIAEC2TESTMGMT00003", "ec2secretec2secretec2secretec2secret0003")
	if _, err := viewer.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
		t.Fatalf("viewer DescribeVpcs: %v", err)
	}
	_, err = viewer.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{mgmtInstance}})
	if apiCode(err) != "UnauthorizedOperation" || !strings.Contains(err.Error(), "arn:aws:ec2:us-east-1:999999999999:instance/"+mgmtInstance) {
		t.Fatalf("viewer TerminateInstances: %v", err)
	}
	operator := ec2Client(t, ts, "us-east-1", "AKIAEC2TESTMGMT00004", "ec2secretec2secretec2secretec2secret0004")
	_, err = operator.AssociateIamInstanceProfile(ctx, &ec2.AssociateIamInstanceProfileInput{InstanceId: aws.String(mgmtInstance),
		IamInstanceProfile: &types.IamInstanceProfileSpecification{Name: aws.String("WebProfile")}})
	if apiCode(err) != "UnauthorizedOperation" || !strings.Contains(err.Error(), "iam:PassRole") {
		t.Fatalf("associate without iam:PassRole: %v", err)
	}
}
