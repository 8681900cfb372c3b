package awssim

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

func (s *Server) stsActions() map[string]handler {
	return map[string]handler{
		"AssumeRole":        stsAssumeRole,
		"GetCallerIdentity": stsGetCallerIdentity,
		"GetSessionToken":   stsGetSessionToken,
	}
}

type stsCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId" json:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

func credentialsOf(k *accessKey) stsCredentials {
	return stsCredentials{AccessKeyID: k.id, SecretAccessKey: k.secret, SessionToken: k.token, Expiration: xmlTime(k.principal.expires)}
}

type assumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string
}

type assumeRoleResult struct {
	SourceIdentity   string `xml:",omitempty"`
	AssumedRoleUser  assumedRoleUser
	Credentials      stsCredentials
	PackedPolicySize *int `xml:",omitempty"`
}

type callerIdentityResult struct {
	Arn     string
	UserID  string `xml:"UserId"`
	Account string
}

type sessionTokenResult struct {
	Credentials stsCredentials
}

func stsGetCallerIdentity(c *call) (any, error) {
	p := c.caller
	return &callerIdentityResult{Arn: p.arn, UserID: p.userID, Account: p.account}, nil
}

var (
	sessionNamePattern    = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	externalIDPattern     = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	sourceIdentityPattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	roleARNPattern        = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):role(/(?:[\x21-\x7e]*/)?)?([\w+=,.@-]{1,64})$`)
)

func validationError(format string, args ...any) *APIError {
	return badRequest("ValidationError", format, args...)
}

func stsAssumeRole(c *call) (any, error) {
	p := c.caller
	roleARN, err := c.params.required("RoleArn")
	if err != nil {
		return nil, err
	}
	sessionName, err := c.params.required("RoleSessionName")
	if err != nil {
		return nil, err
	}
	if len(sessionName) < 2 || len(sessionName) > 64 {
		return nil, validationError("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64", sessionName)
	}
	if !sessionNamePattern.MatchString(sessionName) {
		return nil, validationError("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", sessionName)
	}
	m := roleARNPattern.FindStringSubmatch(roleARN)
	if m == nil {
		return nil, validationError("%s is invalid", roleARN)
	}
	if p.kind == kindRoot {
		return nil, apiErr(http.StatusForbidden, "AccessDenied", "Roles may not be assumed by root accounts.")
	}
	duration, err := c.params.int32("DurationSeconds", 3600)
	if err != nil {
		return nil, err
	}
	if duration < 900 {
		return nil, validationError("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", duration)
	}
	if duration > 43200 {
		return nil, validationError("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", duration)
	}
	externalID := c.params.get("ExternalId")
	if c.params.has("ExternalId") && (len(externalID) < 2 || len(externalID) > 1224 || !externalIDPattern.MatchString(externalID)) {
		return nil, validationError("1 validation error detected: Value '%s' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2", externalID)
	}
	sourceIdentity := c.params.get("SourceIdentity")
	if sourceIdentity != "" && !sourceIdentityPattern.MatchString(sourceIdentity) {
		return nil, validationError("1 validation error detected: Value '%s' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", sourceIdentity)
	}
	if p.sourceIdentity != "" && sourceIdentity != "" && sourceIdentity != p.sourceIdentity {
		return nil, apiErr(http.StatusForbidden, "AccessDenied", "SourceIdentity specified in the request does not match the source identity set in the session.")
	}
	if p.sourceIdentity != "" {
		sourceIdentity = p.sourceIdentity
	}
	tags := c.params.tags("Tags.member")
	if len(tags) > 50 {
		return nil, validationError("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	for k, v := range tags {
		if len(k) < 1 || len(k) > 128 || len(v) > 256 {
			return nil, validationError("1 validation error detected: Value at 'tags' failed to satisfy constraint: tag keys are 1 to 128 characters, values up to 256")
		}
	}
	var sessionPolicy *policy.Document
	if text := c.params.get("Policy"); text != "" {
		d, perr := policy.Parse(text, policy.KindIdentity)
		if perr != nil {
			return nil, badRequest("MalformedPolicyDocument", "%s", perr.Error())
		}
		sessionPolicy = d
	}

	// Authorization: the caller's own policies must allow sts:AssumeRole on
	// the role, and the role's trust policy must trust the caller. A missing
	// role is refused the same way, as AWS never reveals which roles exist.
	acct := m[1]
	target := c.s.accounts[acct]
	var role *iamRole
	if target != nil {
		role = target.iam.roles[m[3]]
		if role != nil && role.arn != roleARN {
			role = nil
		}
	}
	ctx := policy.Context{}
	if c.params.has("ExternalId") {
		ctx.Set("sts:ExternalId", externalID)
	}
	if sourceIdentity != "" {
		ctx.Set("sts:SourceIdentity", sourceIdentity)
	}
	if serial := c.params.get("SerialNumber"); serial != "" || p.mfaSet {
		mfa := p.mfa
		if serial != "" {
			ok, merr := c.verifyMFA(serial, c.params.get("TokenCode"))
			if merr != nil {
				return nil, merr
			}
			mfa = ok
		}
		ctx.Set("aws:MultiFactorAuthPresent", strconv.FormatBool(mfa))
		if mfa {
			ctx.Set("aws:MultiFactorAuthAge", "0")
		}
	}
	var tagKeys []string
	for k, v := range tags {
		ctx.Set("aws:RequestTag/"+k, v)
		tagKeys = append(tagKeys, k)
	}
	if len(tagKeys) > 0 {
		ctx.Set("aws:TagKeys", tagKeys...)
	}
	q := authz{action: "sts:AssumeRole", resource: roleARN, resourceAccount: acct, mode: policy.ModeResourceRequired, context: ctx, quietDenial: true}
	if role == nil {
		return nil, c.denied(q, policy.Result{})
	}
	q.resourcePolicy = role.trust.doc
	if err := c.authorize(q); err != nil {
		return nil, err
	}
	for _, extra := range []struct {
		action string
		need   bool
	}{{"sts:TagSession", len(tags) > 0}, {"sts:SetSourceIdentity", c.params.get("SourceIdentity") != "" && p.sourceIdentity == ""}} {
		if !extra.need {
			continue
		}
		q2 := q
		q2.action = extra.action
		if err := c.authorize(q2); err != nil {
			return nil, err
		}
	}

	if duration > role.maxSession {
		return nil, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	chained := p.kind == kindRoleSession
	if chained && duration > 3600 {
		return nil, validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}

	// Transitive session tags carry over from a chained session.
	sessionTags := map[string]string{}
	transitive := map[string]bool{}
	for k := range p.transitive {
		sessionTags[k] = p.sessionTags[k]
		transitive[k] = true
	}
	for k, v := range tags {
		sessionTags[k] = v
	}
	for _, k := range c.params.list("TransitiveTagKeys.member") {
		transitive[k] = true
	}
	mfa := ctx["aws:multifactorauthpresent"]
	session := &principal{
		kind: kindRoleSession, account: acct,
		arn:      "arn:aws:sts::" + acct + ":assumed-role/" + role.name + "/" + sessionName,
		userID:   role.id + ":" + sessionName,
		roleName: role.name, rolePath: role.path, sessionName: sessionName,
		sourceIdentity: sourceIdentity, sessionTags: sessionTags, transitive: transitive,
		sessionPolicy: sessionPolicy, mfa: len(mfa) == 1 && mfa[0] == "true", mfaSet: true,
		chained: chained, issued: c.now, expires: c.now.Add(time.Duration(duration) * time.Second),
	}
	role.lastUsed = c.now
	k := c.s.issueSessionLocked(session)
	out := &assumeRoleResult{
		SourceIdentity:  sourceIdentity,
		AssumedRoleUser: assumedRoleUser{AssumedRoleID: session.userID, Arn: session.arn},
		Credentials:     credentialsOf(k),
	}
	if len(tags) > 0 || sessionPolicy != nil {
		size := packedSize(tags, c.params.get("Policy"))
		if size > 100 {
			return nil, badRequest("PackedPolicyTooLarge", "Packed policy consumes %d%% of allotted space, please use smaller policy.", size)
		}
		out.PackedPolicySize = &size
	}
	return out, nil
}

// packedSize approximates AWS's packed policy size percentage.
func packedSize(tags map[string]string, policyText string) int {
	n := len(strings.Join(strings.Fields(policyText), ""))
	for k, v := range tags {
		n += len(k) + len(v) + 4
	}
	return n * 100 / 2048
}

// verifyMFA checks a TOTP code for the caller's MFA device.
func (c *call) verifyMFA(serial, code string) (bool, error) {
	if code == "" {
		return false, missingParam("TokenCode")
	}
	a := c.s.accounts[accountOfARN(serial)]
	var dev *mfaDevice
	if a != nil {
		dev = a.iam.mfaDevices[serial]
	}
	if dev == nil || c.caller.kind == kindUser && (a.id != c.caller.account || dev.user != c.caller.userName) {
		return false, apiErr(http.StatusForbidden, "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.")
	}
	if !c.s.checkMFALocked(dev, code) {
		return false, apiErr(http.StatusForbidden, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ")
	}
	return true, nil
}

func stsGetSessionToken(c *call) (any, error) {
	p := c.caller
	if p.kind == kindRoleSession || !p.expires.IsZero() {
		return nil, apiErr(http.StatusForbidden, "AccessDenied", "Cannot call GetSessionToken with session credentials")
	}
	maxDur := int32(129600)
	if p.kind == kindRoot {
		maxDur = 3600
	}
	duration, err := c.params.int32("DurationSeconds", 43200)
	if err != nil {
		return nil, err
	}
	if duration > maxDur && p.kind == kindRoot {
		duration = maxDur
	}
	if duration < 900 || duration > maxDur {
		return nil, validationError("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600", duration)
	}
	session := *p
	session.issued = c.now
	session.expires = c.now.Add(time.Duration(duration) * time.Second)
	session.mfaSet = true
	session.mfa = false
	if serial := c.params.get("SerialNumber"); serial != "" {
		ok, merr := c.verifyMFA(serial, c.params.get("TokenCode"))
		if merr != nil {
			return nil, merr
		}
		session.mfa = ok
	}
	k := c.s.issueSessionLocked(&session)
	return &sessionTokenResult{Credentials: credentialsOf(k)}, nil
}

// assumeRoleAsServiceLocked is a service principal (ec2.amazonaws.com for
// an instance profile) assuming a role, as EC2 does to fill IMDS. The trust
// policy must allow the service.
func (s *Server) assumeRoleAsServiceLocked(a *account, roleName, service, sessionName string, duration time.Duration) (*accessKey, error) {
	role := a.iam.roles[roleName]
	if role == nil {
		return nil, fmt.Errorf("role %s does not exist in account %s", roleName, a.id)
	}
	req := &policy.Request{
		Principal: policy.Principal{Service: service},
		Action:    "sts:AssumeRole", Resource: role.arn, Context: policy.Context{},
	}
	res := policy.Authorize(policy.Input{Request: req, Resource: role.trust.doc, ResourceAccount: a.id, Mode: policy.ModeResourceRequired})
	if !res.Allowed {
		return nil, fmt.Errorf("the trust policy of %s does not allow %s to assume it", role.arn, service)
	}
	now := s.now()
	p := &principal{
		kind: kindRoleSession, account: a.id,
		arn:      "arn:aws:sts::" + a.id + ":assumed-role/" + role.name + "/" + sessionName,
		userID:   role.id + ":" + sessionName,
		roleName: role.name, rolePath: role.path, sessionName: sessionName,
		mfaSet: true, ec2Instance: sessionName, issued: now, expires: now.Add(duration),
	}
	role.lastUsed = now
	return s.issueSessionLocked(p), nil
}
