package simhost

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// walkthroughWorld is the starting point of AWS's post: two accounts with
// an administrator each, the DB management host without an instance
// profile, and a database in the application account.
const walkthroughWorld = `
organization: {management_account: "999999999999"}
regions: [us-east-1, us-west-2]
accounts:
  - id: "999999999999"
    name: management
    users:
      - name: admin
        access_key_id: AKIAEXAMPLEMGMT00001
        secret_access_key: examplesecretexamplesecretexamplesecret1
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
    ec2_instances:
      - {id: i-0123456789abcdef0, region: us-east-1}
  - id: "111111111111"
    name: app1
    users:
      - name: admin
        access_key_id: AKIAEXAMPLEAPP100001
        secret_access_key: examplesecretexamplesecretexamplesecret2
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
    db_instances:
      - {id: orders-db, region: us-east-1, engine: postgres}
`

// awsCLI is Debian's AWS CLI; another aws may come first on PATH.
const awsCLI = "/usr/bin/aws"

// TestAWSCLIWalkthrough replays AWS's walkthrough with the real AWS CLI
// through the simulator's TLS proxy and IMDS: the management account's
// role, policy, instance profile and association, the application
// account's role and policy, then a role_arn + credential_source profile.
func TestAWSCLIWalkthrough(t *testing.T) {
	if _, err := os.Stat(awsCLI); err != nil {
		if os.Getenv("RDSFLEET_REQUIRE_AWSCLI") != "" {
			t.Fatalf("%s is required here (apt-get install awscli): %v", awsCLI, err)
		}
		t.Skipf("%s not installed", awsCLI)
	}
	dir := t.TempDir()
	w, err := world.Parse("walkthrough.yaml", []byte(walkthroughWorld))
	if err != nil {
		t.Fatal(err)
	}
	h, err := Start(Config{
		World: w, Options: awssim.Options{Logf: t.Logf},
		Addr: "127.0.0.1:0", ProxyAddr: "127.0.0.1:0", CAFile: filepath.Join(dir, "ca.pem"),
		IMDSAddr: "127.0.0.1:0", IMDSInstance: "i-0123456789abcdef0", EnvFile: filepath.Join(dir, "sim.env"),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()

	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return "file://" + p
	}
	emptyConfig := write("empty-config", "")
	baseEnv := []string{
		"PATH=/usr/bin:/bin", "HOME=" + dir, "LANG=C.UTF-8",
		"HTTPS_PROXY=" + h.ProxyURL, "AWS_CA_BUNDLE=" + h.CAFile,
		"AWS_EC2_METADATA_SERVICE_ENDPOINT=" + h.IMDSURL,
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "no-credentials"),
		"AWS_PAGER=", "AWS_DEFAULT_OUTPUT=json",
	}
	run := func(env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command(awsCLI, args...)
		cmd.Env = append(append([]string(nil), baseEnv...), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	asUser := func(key, secret string) []string {
		return []string{"AWS_ACCESS_KEY_ID=" + key, "AWS_SECRET_ACCESS_KEY=" + secret, "AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=" + strings.TrimPrefix(emptyConfig, "file://")}
	}
	mgmt := asUser("AKIAEXAMPLEMGMT00001", "examplesecretexamplesecretexamplesecret1")
	app := asUser("AKIAEXAMPLEAPP100001", "examplesecretexamplesecretexamplesecret2")

	// Management account 999999999999.
	run(mgmt, "iam", "create-role", "--role-name", "DB-Management-Host-CrossAccountAccess-Role",
		"--assume-role-policy-document", write("host-trust.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`))
	out := run(mgmt, "iam", "create-policy", "--policy-name", "DB-Management-Host-ApplicationAccountAccess-Policy",
		"--policy-document", write("host-policy.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/DB-Management-Host-Access-Role"}]}`))
	if !strings.Contains(out, `"Arn": "arn:aws:iam::999999999999:policy/DB-Management-Host-ApplicationAccountAccess-Policy"`) {
		t.Fatalf("create-policy output:\n%s", out)
	}
	run(mgmt, "iam", "attach-role-policy", "--role-name", "DB-Management-Host-CrossAccountAccess-Role",
		"--policy-arn", "arn:aws:iam::999999999999:policy/DB-Management-Host-ApplicationAccountAccess-Policy")
	run(mgmt, "iam", "create-instance-profile", "--instance-profile-name", "DB-Management-Host-Profile")
	run(mgmt, "iam", "add-role-to-instance-profile", "--instance-profile-name", "DB-Management-Host-Profile",
		"--role-name", "DB-Management-Host-CrossAccountAccess-Role")
	out = run(mgmt, "ec2", "associate-iam-instance-profile", "--instance-id", "i-0123456789abcdef0",
		"--iam-instance-profile", "Name=DB-Management-Host-Profile")
	if !strings.Contains(out, `"State": "associat`) {
		t.Fatalf("associate-iam-instance-profile output:\n%s", out)
	}

	// Application account 111111111111.
	run(app, "iam", "create-role", "--role-name", "DB-Management-Host-Access-Role",
		"--assume-role-policy-document", write("app-trust.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/DB-Management-Host-CrossAccountAccess-Role"},"Action":"sts:AssumeRole"}]}`))
	run(app, "iam", "create-policy", "--policy-name", "DB-Management-Host-RDS-Describe-Policy",
		"--policy-document", write("rds-policy.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["rds:Describe*","rds:ListTagsForResource"],"Resource":"*"}]}`))
	run(app, "iam", "attach-role-policy", "--role-name", "DB-Management-Host-Access-Role",
		"--policy-arn", "arn:aws:iam::111111111111:policy/DB-Management-Host-RDS-Describe-Policy")

	// The DB management host: a centralized config, no keys anywhere.
	config := write("central-config", "[default]\nregion = us-east-1\n\n[profile DB1]\nrole_arn = arn:aws:iam::111111111111:role/DB-Management-Host-Access-Role\ncredential_source = Ec2InstanceMetadata\nregion = us-east-1\n")
	host := []string{"AWS_CONFIG_FILE=" + strings.TrimPrefix(config, "file://")}
	before := run(host, "sts", "get-caller-identity")
	if !strings.Contains(before, `"Arn": "arn:aws:sts::999999999999:assumed-role/DB-Management-Host-CrossAccountAccess-Role/i-0123456789abcdef0"`) {
		t.Fatalf("identity before:\n%s", before)
	}
	after := run(host, "sts", "get-caller-identity", "--profile", "DB1")
	if !strings.Contains(after, `"Arn": "arn:aws:sts::111111111111:assumed-role/DB-Management-Host-Access-Role/`) {
		t.Fatalf("identity after:\n%s", after)
	}
	dbs := run(host, "rds", "describe-db-instances", "--profile", "DB1", "--query", "DBInstances[].DBInstanceIdentifier", "--output", "text")
	if strings.TrimSpace(dbs) != "orders-db" {
		t.Fatalf("describe-db-instances --profile DB1: %q", dbs)
	}
	// boto3 (Debian's python3-boto3) with the same config and no keys.
	if _, err := exec.LookPath("/usr/bin/python3"); err == nil {
		script := "import boto3\ns = boto3.Session(profile_name='DB1')\nprint(s.client('sts').get_caller_identity()['Arn'])\nprint(' '.join(d['DBInstanceIdentifier'] for d in s.client('rds').describe_db_instances()['DBInstances']))\n"
		cmd := exec.Command("/usr/bin/python3", "-c", script)
		cmd.Env = append(append([]string(nil), baseEnv...), host...)
		out, err := cmd.CombinedOutput()
		switch {
		case err != nil && strings.Contains(string(out), "No module named 'boto3'") && os.Getenv("RDSFLEET_REQUIRE_AWSCLI") == "":
			t.Log("boto3 not installed; skipping its check")
		case err != nil:
			t.Fatalf("boto3: %v\n%s", err, out)
		case !strings.Contains(string(out), "arn:aws:sts::111111111111:assumed-role/DB-Management-Host-Access-Role/") || !strings.Contains(string(out), "orders-db"):
			t.Fatalf("boto3 output:\n%s", out)
		}
	}

	// The host's role may not do more than describe: a stop is refused with AWS's message.
	cmd := exec.Command(awsCLI, "rds", "stop-db-instance", "--profile", "DB1", "--db-instance-identifier", "orders-db")
	cmd.Env = append(append([]string(nil), baseEnv...), host...)
	denied, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(denied), "AccessDenied") || !strings.Contains(string(denied), "is not authorized to perform: rds:StopDBInstance") {
		t.Fatalf("stop-db-instance should be denied: %v\n%s", err, denied)
	}
}
