package world

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

func TestDemoParsesAndValidates(t *testing.T) {
	if _, err := Parse("demo.yaml", DemoYAML); err != nil {
		t.Fatal(err)
	}
	w := Demo()
	if err := Validate(w); err != nil {
		t.Fatal(err)
	}
	if w.Organization == nil || w.Organization.ManagementAccount != ManagementAccountID {
		t.Fatalf("organization: %+v", w.Organization)
	}
}

func TestDemoReturnsIndependentCopies(t *testing.T) {
	a, b := Demo(), Demo()
	a.Accounts[1].DBInstances[0].Tags["env"] = "changed"
	a.Accounts[1].Roles[0].ManagedPolicies[0] = "changed"
	*a.Accounts[1].DBInstances[0].BackupRetentionPeriod = 35
	a.Accounts = a.Accounts[:1]
	if !reflect.DeepEqual(b, Demo()) {
		t.Fatal("changing one Demo() changed another")
	}
	if len(b.Accounts) != 5 {
		t.Fatalf("demo has %d accounts", len(b.Accounts))
	}
}

// TestCloneSharesNothing walks the demo and its clone: no slice, map or
// pointer may be shared, so a new reference field in the schema must be
// added to Clone.
func TestCloneSharesNothing(t *testing.T) {
	w := Demo()
	c := w.Clone()
	if !reflect.DeepEqual(w, c) {
		t.Fatal("clone differs")
	}
	var walk func(path string, a, b reflect.Value)
	walk = func(path string, a, b reflect.Value) {
		switch a.Kind() {
		case reflect.Pointer:
			if a.IsNil() {
				return
			}
			if a.Pointer() == b.Pointer() {
				t.Errorf("%s: pointer shared", path)
			}
			walk(path, a.Elem(), b.Elem())
		case reflect.Slice:
			if a.Len() == 0 {
				return
			}
			if a.Pointer() == b.Pointer() {
				t.Errorf("%s: slice shared", path)
			}
			for i := 0; i < a.Len(); i++ {
				walk(path+"[]", a.Index(i), b.Index(i))
			}
		case reflect.Map:
			if a.Len() > 0 && a.Pointer() == b.Pointer() {
				t.Errorf("%s: map shared", path)
			}
		case reflect.Struct:
			for i := 0; i < a.NumField(); i++ {
				walk(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		}
	}
	walk("World", reflect.ValueOf(w), reflect.ValueOf(c))
}

func demoAccount(t *testing.T, w *World, id string) *Account {
	t.Helper()
	for i := range w.Accounts {
		if w.Accounts[i].ID == id {
			return &w.Accounts[i]
		}
	}
	t.Fatalf("no account %s", id)
	return nil
}

func TestDemoContents(t *testing.T) {
	w := Demo()
	for _, r := range []string{"us-east-1", "eu-west-1"} {
		if !slices.Contains(w.Regions, r) {
			t.Errorf("regions %v lack %s", w.Regions, r)
		}
	}
	engines, statuses, regions := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var dbs, clusters, public, unencrypted, pending, publicSnaps int
	disabled := 0
	for _, a := range w.Accounts {
		disabled += len(a.DisabledRegions)
		for _, d := range a.DBInstances {
			dbs++
			engines[d.Engine] = true
			st := d.Status
			if st == "" {
				st = "available"
			}
			statuses[st] = true
			regions[d.Region] = true
			if d.PubliclyAccessible {
				public++
			}
			if !d.StorageEncrypted {
				unencrypted++
			}
			if len(d.PendingMaintenance) > 0 {
				pending++
			}
			if d.DeletionProtection && a.Name != "prod" {
				t.Errorf("%s/%s: deletion protection outside prod", a.Name, d.ID)
			}
		}
		for _, c := range a.DBClusters {
			clusters++
			engines[c.Engine] = true
			members := 0
			for _, d := range a.DBInstances {
				if d.Cluster == c.ID {
					members++
				}
			}
			if c.Engine == "aurora-postgresql" && members != 2 {
				t.Errorf("cluster %s has %d members, want 2", c.ID, members)
			}
		}
		for _, s := range a.DBSnapshots {
			if s.Public {
				publicSnaps++
			}
		}
	}
	if dbs+clusters < 14 {
		t.Errorf("%d instances + %d clusters, want at least 14", dbs, clusters)
	}
	for _, e := range []string{"postgres", "mysql", "mariadb", "aurora-postgresql", "aurora-mysql", "oracle-ee", "sqlserver-se"} {
		if !engines[e] {
			t.Errorf("no %s", e)
		}
	}
	for _, s := range []string{"available", "stopped"} {
		if !statuses[s] {
			t.Errorf("no %s instance", s)
		}
	}
	if !regions["us-east-1"] || !regions["eu-west-1"] {
		t.Errorf("db regions %v", regions)
	}
	if public != 1 || unencrypted == 0 || pending == 0 || publicSnaps != 1 || disabled != 1 {
		t.Errorf("public=%d unencrypted=%d pending=%d publicSnapshots=%d disabledRegions=%d", public, unencrypted, pending, publicSnaps, disabled)
	}

	mgmt := demoAccount(t, w, ManagementAccountID)
	if len(mgmt.EC2Instances) != 1 || mgmt.EC2Instances[0].ID != ManagementHostID || mgmt.EC2Instances[0].InstanceProfile != ManagementProfileName {
		t.Errorf("management host: %+v", mgmt.EC2Instances)
	}
	gen := ManagementAccount()
	if mgmt.Users[0].AccessKeyID != gen.Users[0].AccessKeyID || mgmt.Roles[0].Name != gen.Roles[0].Name ||
		!reflect.DeepEqual(mgmt.InstanceProfiles, gen.InstanceProfiles) || !reflect.DeepEqual(mgmt.EC2Instances, gen.EC2Instances) {
		t.Error("the demo's management side and ManagementAccount() differ")
	}

	hex := regexp.MustCompile(`^(vpc|subnet|sg|pcx|igw)-[0-9a-f]{17}$`)
	for _, a := range w.Accounts {
		for _, v := range a.VPCs {
			ids := []string{v.ID}
			for _, s := range v.Subnets {
				ids = append(ids, s.ID)
			}
			for _, g := range v.SecurityGroups {
				ids = append(ids, g.ID)
			}
			for _, r := range v.Routes {
				ids = append(ids, r.PeeringID+r.GatewayID)
			}
			for _, id := range ids {
				if !hex.MatchString(id) {
					t.Errorf("%s: id %q is not like AWS's", a.Name, id)
				}
			}
		}
		for _, p := range a.VPCPeerings {
			if !hex.MatchString(p.ID) {
				t.Errorf("%s: peering id %q", a.Name, p.ID)
			}
		}
	}
}

// TestDemoAccess checks the demo's IAM with the policy evaluator: the
// management host reaches every application account but legacy, prod's
// operator role needs the ExternalId, and eng's Lambda role can read dev's
// secret and decrypt it with dev's key.
func TestDemoAccess(t *testing.T) {
	w := Demo()
	docs := func(a *Account, managed []string, inline map[string]Policy) []*policy.Document {
		var out []*policy.Document
		for _, arn := range managed {
			if d, ok := policy.AWSManaged(arn); ok {
				out = append(out, d)
				continue
			}
			for _, p := range a.Policies {
				if ManagedPolicyARN(a.ID, p.Path, p.Name) == arn {
					out = append(out, mustParse(t, p.Document, policy.KindIdentity))
				}
			}
		}
		for _, p := range inline {
			out = append(out, mustParse(t, p, policy.KindIdentity))
		}
		return out
	}
	role := func(a *Account, name string) *Role {
		for i := range a.Roles {
			if a.Roles[i].Name == name {
				return &a.Roles[i]
			}
		}
		t.Fatalf("%s has no role %s", a.Name, name)
		return nil
	}
	mgmt := demoAccount(t, w, ManagementAccountID)
	mr := role(mgmt, ManagementRoleName)
	host := policy.Principal{Account: ManagementAccountID, EntityARN: ManagementRoleARN,
		ARN: "arn:aws:sts::999999999999:assumed-role/" + ManagementRoleName + "/" + ManagementHostID}
	hostPolicies := docs(mgmt, mr.ManagedPolicies, mr.InlinePolicies)
	assume := func(target *Account, roleName string, ctx policy.Context) bool {
		r := role(target, roleName)
		return policy.Authorize(policy.Input{
			Request:  &policy.Request{Principal: host, Action: "sts:AssumeRole", Resource: "arn:aws:iam::" + target.ID + ":role/" + roleName, Context: ctx},
			Identity: hostPolicies, Resource: mustParse(t, r.TrustPolicy, policy.KindTrust), ResourceAccount: target.ID, Mode: policy.ModeResourceRequired,
		}).Allowed
	}
	for _, a := range w.Accounts[1:] {
		want := a.Name != "legacy"
		if got := assume(&a, AccessRoleName, nil); got != want {
			t.Errorf("host assumes %s's access role: %v, want %v", a.Name, got, want)
		}
		r := role(&a, AccessRoleName)
		id := docs(&a, r.ManagedPolicies, r.InlinePolicies)
		res := policy.Authorize(policy.Input{Request: &policy.Request{
			Principal: policy.Principal{Account: a.ID, EntityARN: "arn:aws:iam::" + a.ID + ":role/" + AccessRoleName, ARN: "arn:aws:sts::" + a.ID + ":assumed-role/" + AccessRoleName + "/s"},
			Action:    "rds:DescribeDBInstances", Resource: "arn:aws:rds:us-east-1:" + a.ID + ":db:x"}, Identity: id, ResourceAccount: a.ID})
		if !res.Allowed {
			t.Errorf("%s's access role can't describe RDS", a.Name)
		}
	}
	prod := demoAccount(t, w, "333333333333")
	if assume(prod, "DB-Management-Host-Operator-Role", nil) {
		t.Error("operator role assumable without ExternalId")
	}
	ctx := policy.Context{}
	ctx.Set("sts:ExternalId", "rdsfleet-prod-ops")
	if !assume(prod, "DB-Management-Host-Operator-Role", ctx) {
		t.Error("operator role not assumable with ExternalId rdsfleet-prod-ops")
	}
	eng := demoAccount(t, w, "222222222222")
	if !assume(eng, "LambdaRDSReadRole", nil) {
		t.Error("host can't assume eng's LambdaRDSReadRole")
	}

	dev := demoAccount(t, w, "111111111111")
	lr := role(eng, "LambdaRDSReadRole")
	lambda := policy.Principal{Account: eng.ID, EntityARN: "arn:aws:iam::222222222222:role/LambdaRDSReadRole", ARN: "arn:aws:sts::222222222222:assumed-role/LambdaRDSReadRole/fruits"}
	lambdaPolicies := docs(eng, lr.ManagedPolicies, lr.InlinePolicies)
	for _, s := range dev.Secrets {
		arn := "arn:aws:secretsmanager:us-east-1:111111111111:secret:" + s.Name + "-AbCdEf"
		res := policy.Authorize(policy.Input{Request: &policy.Request{Principal: lambda, Action: "secretsmanager:GetSecretValue", Resource: arn},
			Identity: lambdaPolicies, Resource: mustParse(t, s.ResourcePolicy, policy.KindResource), ResourceAccount: dev.ID})
		if !res.Allowed {
			t.Errorf("LambdaRDSReadRole can't GetSecretValue %s", s.Name)
		}
		if strings.Contains(s.Name, "fruits") != (s.KMSKey != "") {
			t.Errorf("%s: kms_key %q: fruits uses the customer managed key, vegetables the AWS managed one", s.Name, s.KMSKey)
		}
	}
	key := dev.KMSKeys[0]
	res := policy.Authorize(policy.Input{Request: &policy.Request{Principal: lambda, Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:111111111111:key/" + key.ID},
		Identity: lambdaPolicies, Resource: mustParse(t, key.Policy, policy.KindResource), ResourceAccount: dev.ID, Mode: policy.ModeResourceRequired})
	if !res.Allowed {
		t.Error("LambdaRDSReadRole can't decrypt with dev's key")
	}
}

func mustParse(t *testing.T, p Policy, kind policy.Kind) *policy.Document {
	t.Helper()
	d, err := policy.Parse(string(p), kind)
	if err != nil {
		t.Fatalf("%v: %s", err, p)
	}
	return d
}
