package world

import (
	"fmt"
	"strings"
	"testing"
)

// base is a small valid world; the bad-input cases below break one thing
// each.
const base = `regions: [us-east-1, eu-west-1]
accounts:
  - id: "111111111111"
    name: dev
    users:
      - name: admin
        access_key_id: AKIAEXAMPLE000000001
        secret_access_key: secret1
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
    roles:
      - name: app
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Service: ec2.amazonaws.com}
              Action: sts:AssumeRole
        managed_policies: [arn:aws:iam::111111111111:policy/describe]
    policies:
      - name: describe
        document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds:Describe*","Resource":"*"}]}'
    instance_profiles:
      - name: app
        roles: [app]
    db_clusters:
      - {id: c1, region: us-east-1, engine: aurora-postgresql}
    db_instances:
      - {id: c1-1, region: us-east-1, engine: aurora-postgresql, cluster: c1}
      - {id: pg, region: eu-west-1, engine: postgres}
`

func TestBaseIsValid(t *testing.T) {
	w, err := Parse("w.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if string(w.Accounts[0].Roles[0].TrustPolicy) != `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}` {
		t.Errorf("YAML policy as JSON: %s", w.Accounts[0].Roles[0].TrustPolicy)
	}
}

func TestUnquotedVersionStaysAString(t *testing.T) {
	w, err := Parse("w.yaml", []byte(strings.Replace(base, `Version: "2012-10-17"`, `Version: 2012-10-17`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(w.Accounts[0].Roles[0].TrustPolicy), `"Version":"2012-10-17"`) {
		t.Errorf("got %s", w.Accounts[0].Roles[0].TrustPolicy)
	}
}

// aliasBomb doubles a list 30 times through YAML aliases.
var aliasBomb = func() string {
	s := "          A0: &a0 [x, x]\n"
	for i := 1; i < 30; i++ {
		s += fmt.Sprintf("          A%d: &a%d [*a%d, *a%d]\n", i, i, i-1, i-1)
	}
	return s
}()

func TestBadWorlds(t *testing.T) {
	cases := []struct {
		name, old, new, want string
	}{
		{"yaml syntax", "    name: dev\n", "    name: [dev\n",
			"w.yaml:4: YAML syntax error: did not find expected ',' or ']'"},
		{"tab indentation", "    name: dev\n", "\tname: dev\n",
			"w.yaml:4: YAML syntax error: found character that cannot start any token"},
		{"unknown top-level field", "accounts:\n", "acounts:\n",
			`w.yaml:2: unknown field "acounts" in the world file's top level (did you mean "accounts"? known fields: organization, regions, accounts)`},
		{"unknown account field", "    roles:\n", "    rols:\n",
			`w.yaml:10: accounts[0]: unknown field "rols" in an account (did you mean "roles"? known fields: id, name, email, status, ou, tags, disabled_regions, users, roles, policies, instance_profiles, mfa_devices, ec2_instances, vpcs, vpc_peerings, kms_keys, secrets, db_instances, db_clusters, db_snapshots)`},
		{"wrong type", "    instance_profiles:\n      - name: app\n", "    instance_profiles:\n      - name: app\n        path: [a]\n",
			`w.yaml:24: accounts[0].instance_profiles[0].path: want a string, got a list`},
		{"not a number", "    roles:\n      - name: app\n", "    roles:\n      - name: app\n        max_session_duration: 1h\n",
			`w.yaml:12: accounts[0].roles[0].max_session_duration: want a whole number, got "1h"`},
		{"account id 11 digits", `id: "111111111111"`, `id: "11111111111"`,
			`w.yaml:3: accounts[0].id: account id "11111111111" must be 12 digits (write it in quotes: "012345678901")`},
		{"account id unquoted number", `id: "111111111111"`, `id: 11111111111`,
			`w.yaml:3: accounts[0].id: account id "11111111111" must be 12 digits; YAML read an unquoted number here: write account ids as quoted strings, e.g. "012345678901"`},
		{"duplicate account id", "", "", ""}, // appends a second account, below
		{"unknown AWS managed policy", "policy/AdministratorAccess", "policy/AdminAccess",
			"w.yaml:9: accounts[0].users[0].managed_policies[0]: unknown AWS managed policy arn:aws:iam::aws:policy/AdminAccess (known: "},
		{"customer managed policy not declared", "policy/describe]", "policy/describe-all]",
			"w.yaml:18: accounts[0].roles[0].managed_policies[0]: managed policy arn:aws:iam::111111111111:policy/describe-all is neither an AWS managed policy nor declared under this account's policies (a customer managed policy named N is arn:aws:iam::111111111111:policy/N)"},
		{"Effect Maybe", "- Effect: Allow", "- Effect: Maybe",
			`w.yaml:15: accounts[0].roles[0].trust_policy.Statement[0].Effect: malformed policy document: Effect "Maybe" must be Allow or Deny`},
		{"missing Action", "              Action: sts:AssumeRole\n", "",
			`w.yaml:15: accounts[0].roles[0].trust_policy.Statement[0]: malformed policy document: the statement has no Action (or NotAction)`},
		{"typo in statement key", `"Action":"rds:Describe*"`, `"Actions":"rds:Describe*"`,
			`w.yaml:21: accounts[0].policies[0].document.Statement[0].Actions: malformed policy document: unknown statement key "Actions" (did you mean "Action"? a statement has Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)`},
		{"policy not JSON", `document: '{"Version"`, `document: '{Version"`,
			`w.yaml:21: accounts[0].policies[0].document: malformed policy document: not valid JSON: invalid character 'V' looking for beginning of object key string`},
		{"identity policy with Principal", `"Action":"rds:Describe*"`, `"Principal":"*","Action":"rds:Describe*"`,
			`w.yaml:21: accounts[0].policies[0].document.Statement[0].Principal: malformed policy document: an identity policy has no Principal: it applies to whoever it is attached to`},
		{"AWS's own check", `"Action":"rds:Describe*"`, `"Action":"rdsDescribe"`,
			`w.yaml:21: accounts[0].policies[0].document: malformed policy document: Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (AWS's MalformedPolicyDocument message)`},
		{"duplicate access key", "    roles:\n", "      - name: ops\n        access_key_id: AKIAEXAMPLE000000001\n        secret_access_key: s\n    roles:\n",
			`w.yaml:11: accounts[0].users[1].access_key_id: access key AKIAEXAMPLE000000001 is already used at accounts[0].users[0].access_key_id`},
		{"instance profile with unknown role", "        roles: [app]\n", "        roles: [ap]\n",
			`w.yaml:24: accounts[0].instance_profiles[0].roles[0]: role "ap" is not declared in this account`},
		{"db instance in undeclared region", "{id: pg, region: eu-west-1,", "{id: pg, region: ap-south-1,",
			`w.yaml:29: accounts[0].db_instances[1].region: region "ap-south-1" is not one of the world's regions (us-east-1, eu-west-1); list it under the top-level regions`},
		{"dangling cluster", "engine: aurora-postgresql, cluster: c1}", "engine: aurora-postgresql, cluster: c2}",
			`w.yaml:28: accounts[0].db_instances[0].cluster: cluster "c2" is not declared in this account and region`},
		{"unknown engine", "engine: postgres}", "engine: postgresql}",
			`w.yaml:29: accounts[0].db_instances[1].engine: engine "postgresql" is not an RDS engine (postgres, mysql, mariadb, aurora-postgresql, aurora-mysql, oracle-ee, oracle-se2, sqlserver-ee, sqlserver-se, sqlserver-ex, sqlserver-web)`},
		{"policy alias bomb", "          Version: \"2012-10-17\"\n", "          Version: \"2012-10-17\"\n" + aliasBomb,
			"w.yaml:13: accounts[0].roles[0].trust_policy: policy document is too large (are YAML aliases expanding it?)"},
		{"empty file", base, "", "w.yaml: the world file is empty; see docs/simulator.md for an example"},
		{"not a mapping", base, "- a\n- b\n", "w.yaml:1: a world file is a mapping with organization, regions and accounts; see docs/simulator.md"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := strings.Replace(base, c.old, c.new, 1)
			want := c.want
			if c.name == "duplicate account id" {
				text = base + `  - id: "111111111111"` + "\n    name: dev2\n"
				want = "w.yaml:30: accounts[1].id: account 111111111111 is declared twice (first at accounts[0])"
			}
			if text == base && c.old != "" {
				t.Fatalf("%q not found in base", c.old)
			}
			_, err := Parse("w.yaml", []byte(text))
			if err == nil {
				t.Fatalf("no error; want %s", want)
			}
			got := err.Error()
			if strings.Contains(got, "\n") {
				t.Errorf("error is not one line: %q", got)
			}
			if strings.HasSuffix(want, "(known: ") {
				if !strings.HasPrefix(got, want) {
					t.Errorf("\n got %s\nwant %s...", got, want)
				}
				return
			}
			if got != want {
				t.Errorf("\n got %s\nwant %s", got, want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(base))
	f.Add(DemoYAML)
	f.Add([]byte("accounts:\n- id: 1\n"))
	f.Add([]byte("accounts: [{id: '111111111111', name: a, roles: [{name: r, trust_policy: {Statement: {Effect: Allow}}}]}]"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Parse("fuzz.yaml", data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error: %q", err)
			}
			return
		}
		if err := Validate(w); err != nil {
			t.Fatalf("parsed but invalid: %v", err)
		}
	})
}
