package ls

import (
	"context"
	"testing"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/cli/fleetflags"
	"github.com/rdsfleet/rdsfleet/internal/fleettest"
	"github.com/rdsfleet/rdsfleet/internal/output"
)

// mfaWorld: a DBA user with a virtual MFA device, and two accounts whose
// roles trust that user only with MFA.
const mfaWorld = `
accounts:
  - id: "999999999999"
    name: management
    users:
      - name: dba
        access_key_id: AKIAEXAMPLEDBA000001
        secret_access_key: examplesecretexamplesecretexamplesecret1
        inline_policies:
          assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
    mfa_devices: [{name: dba, user: dba, seed: JBSWY3DPEHPK3PXP}]
  - id: "111111111111"
    name: alpha
    roles:
      - name: DBA
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::999999999999:user/dba"}, Action: "sts:AssumeRole", Condition: {Bool: {"aws:MultiFactorAuthPresent": "true"}}}]}
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
    db_instances: [{id: alpha-pg, region: us-east-1, engine: postgres}]
  - id: "222222222222"
    name: bravo
    roles:
      - name: DBA
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::999999999999:user/dba"}, Action: "sts:AssumeRole", Condition: {Bool: {"aws:MultiFactorAuthPresent": "true"}}}]}
        managed_policies: [arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess]
    db_instances: [{id: bravo-pg, region: us-east-1, engine: postgres}]
`

const mfaConfig = `[profile base]
region = us-east-1

[profile alpha]
role_arn = arn:aws:iam::111111111111:role/DBA
source_profile = base
mfa_serial = arn:aws:iam::999999999999:mfa/dba

[profile bravo]
role_arn = arn:aws:iam::222222222222:role/DBA
source_profile = base
mfa_serial = arn:aws:iam::999999999999:mfa/dba
`

// TestLsMFAOncePerRun: one MFA code, one MFA session, every account.
func TestLsMFAOncePerRun(t *testing.T) {
	env := fleettest.Start(t, mfaWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, mfaConfig)
	if err := writeFile(env.Dir+"/credentials", "[base]\naws_access_key_id = AKIAEXAMPLEDBA000001\naws_secret_access_key = examplesecretexamplesecretexamplesecret1\n"); err != nil {
		t.Fatal(err)
	}
	code, err := awssim.TOTP("JBSWY3DPEHPK3PXP", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	flags := fleetflags.Flags{Regions: []string{"us-east-1"}, MFACode: code, Format: output.FormatJSON}
	doc, err := runJSON(t, env, flags, "instances")
	if err != nil {
		t.Fatalf("%v: %+v", err, doc.Errors)
	}
	if got := ids(doc); got != "alpha/us-east-1/alpha-pg bravo/us-east-1/bravo-pg" {
		t.Errorf("rows: %s", got)
	}
	if n := env.Calls("sts:GetSessionToken"); n != 1 {
		t.Errorf("GetSessionToken calls = %d, want 1", n)
	}
	// Without a code and without a terminal, the run says what is missing.
	env.Reset()
	err = Run(context.Background(), &Options{Factory: env.Factory, Flags: fleetflags.Flags{Regions: []string{"us-east-1"}, NoCache: true}, Kind: "instances"})
	if err == nil || env.Err.String() == "" {
		t.Fatalf("without an MFA code: %v, stderr %q", err, env.Err)
	}
}
