package awssim

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// authWorld: a management host role (chaining), an app role with
// conditions, an explicit deny, and an MFA device.
const authWorld = `
organization: {management_account: "999999999999"}
accounts:
  - id: "999999999999"
    name: management
    users:
      - name: admin
        access_key_id: AKIAEXAMPLEMGMT00001
        secret_access_key: examplesecretexamplesecretexamplesecret1
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
      - name: denied
        access_key_id: AKIAEXAMPLEMGMT00003
        secret_access_key: examplesecretexamplesecretexamplesecret3
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
        inline_policies:
          no-assume: {Version: "2012-10-17", Statement: [{Effect: Deny, Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/*"}]}
      - name: mfa-user
        access_key_id: AKIAEXAMPLEMGMT00004
        secret_access_key: examplesecretexamplesecretexamplesecret4
        inline_policies:
          assume-with-mfa: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*", Condition: {Bool: {"aws:MultiFactorAuthPresent": "true"}}}]}
    mfa_devices:
      - {name: mfa-user, user: mfa-user, seed: JBSWY3DPEHPK3PXP}
    roles:
      - name: Hop
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::999999999999:root"}, Action: "sts:AssumeRole"}]}
        inline_policies:
          assume-anything: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
  - id: "111111111111"
    name: app1
    roles:
      - name: Long
        max_session_duration: 14400
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::999999999999:root"}, Action: ["sts:AssumeRole", "sts:TagSession"]}]}
      - name: OrgOnly
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: "*"}
              Action: sts:AssumeRole
              Condition: {StringEquals: {"aws:PrincipalOrgID": "o-doesnotexist"}}
      - name: NoTags
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::999999999999:root"}, Action: "sts:AssumeRole"}]}
`

const (
	adminKey    = "AKIAEXAMPLEMGMT00001"
	adminSecret = "examplesecretexamplesecretexamplesecret1"
)

func credsOf(c *ststypes.Credentials) aws.Credentials {
	return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}
}

func TestSTSRoleChainingIsCappedAtOneHour(t *testing.T) {
	ts := startSim(t, authWorld, Options{})
	ctx := context.Background()
	admin := sts.NewFromConfig(ts.cfg(t, "us-east-1", adminKey, adminSecret, ""))
	hop, err := admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/Hop"), RoleSessionName: aws.String("hop")})
	if err != nil {
		t.Fatal(err)
	}
	chained := sts.NewFromConfig(ts.credsCfg(t, "us-east-1", credsOf(hop.Credentials)))
	_, err = chained.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/Long"), RoleSessionName: aws.String("chained"), DurationSeconds: aws.Int32(7200)})
	if apiCode(err) != "ValidationError" || !strings.Contains(err.Error(), "1 hour session limit for roles assumed by role chaining") {
		t.Fatalf("chained 2h: got %v", err)
	}
	if _, err := chained.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/Long"), RoleSessionName: aws.String("chained"), DurationSeconds: aws.Int32(3600)}); err != nil {
		t.Fatalf("chained 1h: %v", err)
	}
	// Not chained: a user may ask for up to the role's MaxSessionDuration.
	out, err := admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/Long"), RoleSessionName: aws.String("user"), DurationSeconds: aws.Int32(14400)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(aws.ToTime(out.Credentials.Expiration)); d < 3*time.Hour+55*time.Minute || d > 4*time.Hour+time.Minute {
		t.Errorf("expiration in %s, want 4h", d)
	}
	_, err = admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/Long"), RoleSessionName: aws.String("user"), DurationSeconds: aws.Int32(18000)})
	if apiCode(err) != "ValidationError" || !strings.Contains(err.Error(), "MaxSessionDuration") {
		t.Fatalf("over MaxSessionDuration: got %v", err)
	}
}

func TestSTSExplicitDenyBeatsAllow(t *testing.T) {
	ts := startSim(t, authWorld, Options{})
	denied := sts.NewFromConfig(ts.cfg(t, "us-east-1", "AKIAEXAMPLEMGMT00003", "examplesecretexamplesecretexamplesecret3", ""))
	_, err := denied.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/Long"), RoleSessionName: aws.String("session")})
	if apiCode(err) != "AccessDenied" {
		t.Fatalf("got %v, want AccessDenied", err)
	}
}

func TestSTSConditionKeysInTrustPolicy(t *testing.T) {
	ts := startSim(t, authWorld, Options{})
	admin := sts.NewFromConfig(ts.cfg(t, "us-east-1", adminKey, adminSecret, ""))
	ctx := context.Background()
	_, err := admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/OrgOnly"), RoleSessionName: aws.String("session")})
	if apiCode(err) != "AccessDenied" {
		t.Fatalf("aws:PrincipalOrgID mismatch: got %v, want AccessDenied", err)
	}
	// Session tags need sts:TagSession in the trust policy.
	tags := []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("dba")}}
	if _, err := admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/NoTags"), RoleSessionName: aws.String("session"), Tags: tags}); apiCode(err) != "AccessDenied" {
		t.Fatalf("tags without sts:TagSession: got %v", err)
	}
	out, err := admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/Long"), RoleSessionName: aws.String("session"), Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	if out.PackedPolicySize == nil {
		t.Error("PackedPolicySize missing for a tagged session")
	}
	if _, err := admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/Long"), RoleSessionName: aws.String("bad name!")}); apiCode(err) != "ValidationError" {
		t.Fatalf("bad session name: got %v", err)
	}
}

func TestSTSGetSessionTokenWithMFA(t *testing.T) {
	ts := startSim(t, authWorld, Options{})
	ctx := context.Background()
	user := sts.NewFromConfig(ts.cfg(t, "us-east-1", "AKIAEXAMPLEMGMT00004", "examplesecretexamplesecretexamplesecret4", ""))
	role := aws.String("arn:aws:iam::999999999999:role/Hop")
	if _, err := user.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role, RoleSessionName: aws.String("session")}); apiCode(err) != "AccessDenied" {
		t.Fatalf("without MFA: got %v", err)
	}
	serial := aws.String("arn:aws:iam::999999999999:mfa/mfa-user")
	if _, err := user.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String("000000")}); apiCode(err) != "AccessDenied" {
		t.Fatalf("wrong code: got %v", err)
	}
	code, err := TOTP("JBSWY3DPEHPK3PXP", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out, err := user.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(code), DurationSeconds: aws.Int32(3600)})
	if err != nil {
		t.Fatal(err)
	}
	session := sts.NewFromConfig(ts.credsCfg(t, "us-east-1", credsOf(out.Credentials)))
	if _, err := session.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role, RoleSessionName: aws.String("session")}); err != nil {
		t.Fatalf("with MFA session: %v", err)
	}
	if _, err := session.GetSessionToken(ctx, &sts.GetSessionTokenInput{}); apiCode(err) != "AccessDenied" {
		t.Fatalf("GetSessionToken with session credentials: got %v", err)
	}
}

func TestSTSExpiredSession(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ts := startSim(t, authWorld, Options{Now: clock})
	ctx := context.Background()
	admin := sts.NewFromConfig(ts.cfg(t, "us-east-1", adminKey, adminSecret, ""))
	out, err := admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/Hop"), RoleSessionName: aws.String("session"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	session := sts.NewFromConfig(ts.credsCfg(t, "us-east-1", credsOf(out.Credentials)))
	if _, err := session.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(16 * time.Minute)
	mu.Unlock()
	if _, err := session.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "ExpiredToken" {
		t.Fatalf("after expiry: got %v, want ExpiredToken", err)
	}
	// The key without its token is not a valid credential.
	c := credsOf(out.Credentials)
	c.SessionToken = ""
	if _, err := sts.NewFromConfig(ts.credsCfg(t, "us-east-1", c)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "InvalidClientTokenId" {
		t.Fatalf("session key without token: got %v", err)
	}
}

func TestSigV4PresignedAndSkew(t *testing.T) {
	ts := startSim(t, authWorld, Options{})
	ctx := context.Background()
	presign := sts.NewPresignClient(sts.NewFromConfig(ts.cfg(t, "us-east-1", adminKey, adminSecret, "")))
	req, err := presign.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	hreq, _ := http.NewRequest(req.Method, req.URL, nil)
	for k, v := range req.SignedHeader {
		hreq.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<Arn>arn:aws:iam::999999999999:user/admin</Arn>") {
		t.Fatalf("presigned GetCallerIdentity: %d %s", resp.StatusCode, body)
	}
	// Tampered presigned URL.
	bad, _ := http.NewRequest(req.Method, strings.Replace(req.URL, "Action=GetCallerIdentity", "Action=GetCallerIdentity&x=1", 1), nil)
	for k, v := range req.SignedHeader {
		bad.Header[k] = v
	}
	resp, err = http.DefaultClient.Do(bad)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(body), "<Code>SignatureDoesNotMatch</Code>") {
		t.Fatalf("tampered presigned URL: %d %s", resp.StatusCode, body)
	}

	// A request signed 10 minutes ago is refused as clock skew.
	form := "Action=GetCallerIdentity&Version=2011-06-15"
	skewed, _ := http.NewRequest("POST", ts.URL+"/", strings.NewReader(form))
	skewed.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	hash := "8f3e4b3a38f7ba28e1c0ab4c7df2e0c0b7dc3a0e2bd54cb2e1e7b1fb4f0b4c33" // any: the date check comes first
	signer := v4.NewSigner()
	if err := signer.SignHTTP(ctx, aws.Credentials{AccessKeyID: adminKey, SecretAccessKey: adminSecret}, skewed, hash, "sts", "us-east-1", time.Now().Add(-10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	resp, err = http.DefaultClient.Do(skewed)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(body), "Signature expired") {
		t.Fatalf("skewed request: %d %s", resp.StatusCode, body)
	}
}
