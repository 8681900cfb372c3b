package world

import (
	"reflect"
	"strings"
	"testing"
)

func TestGenerateCountsAndValidity(t *testing.T) {
	for _, spec := range []GenerateSpec{
		{Accounts: 1, Regions: 1, Instances: 0},
		{Accounts: 3, Regions: 2, Instances: 5, Seed: 7},
		{Accounts: 12, Regions: 3, Instances: 2, Clusters: 1, Seed: 1},
		{Accounts: 4, Regions: len(DefaultRegions), Instances: 1, Clusters: 2},
	} {
		w, err := Generate(spec)
		if err != nil {
			t.Fatalf("%+v: %v", spec, err)
		}
		if err := Validate(w); err != nil {
			t.Fatalf("%+v: %v", spec, err)
		}
		if len(w.Accounts) != spec.Accounts+1 || w.Accounts[0].ID != ManagementAccountID || len(w.Regions) != spec.Regions {
			t.Fatalf("%+v: %d accounts, %d regions", spec, len(w.Accounts), len(w.Regions))
		}
		for i, a := range w.Accounts[1:] {
			if a.ID != []string{"100000000001", "100000000002", "100000000003"}[min(i, 2)] && i < 3 {
				t.Errorf("account %d id %s", i, a.ID)
			}
			if !IsAccountID(a.ID) || !strings.HasPrefix(a.Name, "app-") || len(a.Name) < 9 {
				t.Errorf("account %q %q", a.ID, a.Name)
			}
			if a.Tags["env"] == "" || a.Tags["team"] == "" || a.OU == "" {
				t.Errorf("%s: tags %v ou %q", a.Name, a.Tags, a.OU)
			}
			if len(a.Roles) != 1 || a.Roles[0].Name != AccessRoleName || !strings.Contains(string(a.Roles[0].TrustPolicy), ManagementRoleARN) {
				t.Errorf("%s: roles %+v", a.Name, a.Roles)
			}
			wantDB := spec.Regions * (spec.Instances + 2*spec.Clusters)
			if len(a.DBInstances) != wantDB || len(a.DBClusters) != spec.Regions*spec.Clusters {
				t.Errorf("%s: %d instances, %d clusters; want %d, %d", a.Name, len(a.DBInstances), len(a.DBClusters), wantDB, spec.Regions*spec.Clusters)
			}
		}
		if spec.Instances > 0 && w.Accounts[1].DBInstances[0].ID != "db-0001" {
			t.Errorf("first instance %q", w.Accounts[1].DBInstances[0].ID)
		}
	}
	w, _ := Generate(GenerateSpec{Accounts: 1, Regions: 1, Instances: 1})
	if w.Accounts[1].Name != "app-00001" || w.Accounts[1].ID != "100000000001" {
		t.Errorf("first account %s %s", w.Accounts[1].ID, w.Accounts[1].Name)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	spec := GenerateSpec{Accounts: 20, Regions: 2, Instances: 4, Clusters: 1, Seed: 42}
	a, _ := Generate(spec)
	b, _ := Generate(spec)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same spec, different worlds")
	}
	spec.Seed = 43
	c, _ := Generate(spec)
	if reflect.DeepEqual(a, c) {
		t.Fatal("the seed changes nothing")
	}
}

func TestGenerateLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	w, err := Generate(GenerateSpec{Accounts: 10_000, Regions: 2, Instances: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(w); err != nil {
		t.Fatal(err)
	}
	if got := w.Accounts[10_000]; got.ID != "100000010000" || got.Name != "app-10000" || len(got.DBInstances) != 10 {
		t.Fatalf("last account %s %s %d", got.ID, got.Name, len(got.DBInstances))
	}
}

func TestParseGenerateSpec(t *testing.T) {
	good := []struct {
		in   string
		want GenerateSpec
	}{
		{"accounts=10,regions=2,instances=5", GenerateSpec{Accounts: 10, Regions: 2, Instances: 5, Seed: 1}},
		{"accounts=1000, regions=3, instances=0, clusters=2, seed=-9", GenerateSpec{Accounts: 1000, Regions: 3, Clusters: 2, Seed: -9}},
		{"accounts=7", GenerateSpec{Accounts: 7, Regions: 2, Instances: 5, Seed: 1}},
	}
	for _, c := range good {
		got, err := ParseGenerateSpec(c.in)
		if err != nil || got != c.want {
			t.Errorf("%q: %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	bad := map[string]string{
		"":                        "empty spec: want accounts=N,regions=R,instances=K[,clusters=C][,seed=S]",
		"acounts=5":               `unknown key "acounts" (allowed keys: accounts, regions, instances, clusters, seed)`,
		"accounts=5,instances":    `"instances": want key=value (allowed keys: accounts, regions, instances, clusters, seed)`,
		"accounts=five":           `accounts="five": want a whole number`,
		"accounts=5,accounts=6":   `key "accounts" given twice`,
		"regions=2":               "accounts=N is required (allowed keys: accounts, regions, instances, clusters, seed)",
		"accounts=0":              "accounts=0: want 1 to 100000",
		"accounts=5,regions=11":   "regions=11: want 1 to 10 (the first R of us-east-1, us-east-2, us-west-1, us-west-2, eu-west-1, eu-west-2, eu-central-1, ap-southeast-1, ap-southeast-2, ap-northeast-1)",
		"accounts=5,instances=-1": `instances="-1": want a whole number`,
		"accounts=100000,instances=1000,regions=10": "accounts=100000,regions=10,instances=1000,clusters=0 makes 1000000000 DB instances: at most 2000000",
	}
	for in, want := range bad {
		_, err := ParseGenerateSpec(in)
		if err == nil || err.Error() != want {
			t.Errorf("%q:\n got %v\nwant %s", in, err, want)
		}
	}
}

// BenchmarkGenerate10k is the generator at the scale --generate is meant
// for: 10,000 accounts x 2 regions x 5 instances (100,000 DB instances).
func BenchmarkGenerate10k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(GenerateSpec{Accounts: 10_000, Regions: 2, Instances: 5, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate10k is what the simulator adds on top at startup.
func BenchmarkValidate10k(b *testing.B) {
	w, err := Generate(GenerateSpec{Accounts: 10_000, Regions: 2, Instances: 5, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Validate(w); err != nil {
			b.Fatal(err)
		}
	}
}
