package awssim

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

// authz is one authorization question about the current call.
type authz struct {
	action   string // "rds:DescribeDBInstances"
	resource string // ARN; "" or "*" for actions without a resource
	// resourcePolicy is the resource's own policy (trust policy, secret
	// policy, key policy), nil if it has none.
	resourcePolicy  *policy.Document
	resourceAccount string // "" means the caller's account
	mode            policy.Mode
	context         policy.Context // request-specific keys (sts:ExternalId, aws:ResourceTag/…)
	quietDenial     bool           // message without the "because …" tail (STS)
}

// authorize answers an authz for the caller, returning the service's
// AccessDenied error when AWS would refuse.
func (c *call) authorize(q authz) error {
	res := c.s.evaluateLocked(c.caller, c.region, c.sourceIP, q)
	if res.Allowed {
		return nil
	}
	return c.denied(q, res)
}

// can is authorize for a simple same-account action.
func (c *call) can(action, resource string) error {
	return c.authorize(authz{action: action, resource: resource})
}

// evaluateLocked applies AWS's policy evaluation logic for p.
func (s *Server) evaluateLocked(p *principal, region, sourceIP string, q authz) policy.Result {
	resource := q.resource
	if resource == "" {
		resource = "*"
	}
	resourceAccount := q.resourceAccount
	if resourceAccount == "" {
		resourceAccount = p.account
	}
	ctx := s.requestContextLocked(p, region, sourceIP)
	for k, v := range q.context {
		ctx[k] = v
	}
	req := &policy.Request{
		Principal: policy.Principal{Account: p.account, ARN: p.arn, EntityARN: p.entityARN()},
		Action:    q.action, Resource: resource, Context: ctx,
	}
	var identity []*policy.Document
	if p.kind == kindRoot {
		// The root user may do anything in its own account; AWS models it
		// as an implicit allow-all identity policy.
		identity = []*policy.Document{rootPolicy()}
	} else {
		identity = s.identityPoliciesLocked(p)
	}
	res := policy.Authorize(policy.Input{Request: req, Identity: identity, Resource: q.resourcePolicy, ResourceAccount: resourceAccount, Mode: q.mode})
	if res.Allowed && p.sessionPolicy != nil && !res.ResourceAllows {
		// A session policy only narrows what the identity policies allow.
		if eff, _ := p.sessionPolicy.Evaluate(req); eff != policy.Allow {
			res.Allowed = false
			res.IdentityAllows = false
		}
	}
	return res
}

// rootPolicy stands for the root user's implicit permission to do anything
// in its own account.
var rootPolicy = sync.OnceValue(func() *policy.Document {
	d, err := policy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, policy.KindIdentity)
	if err != nil {
		panic(err)
	}
	return d
})

// requestContextLocked holds the global condition keys AWS sets on every
// request from p.
func (s *Server) requestContextLocked(p *principal, region, sourceIP string) policy.Context {
	now := s.now()
	ctx := policy.Context{}
	ctx.Set("aws:PrincipalArn", p.entityARN())
	ctx.Set("aws:PrincipalAccount", p.account)
	ctx.Set("aws:PrincipalType", p.typeName())
	ctx.Set("aws:userid", p.userID)
	ctx.Set("aws:RequestedRegion", region)
	ctx.Set("aws:CurrentTime", now.UTC().Format("2006-01-02T15:04:05Z"))
	ctx.Set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	ctx.Set("aws:SecureTransport", "true")
	if sourceIP != "" {
		ctx.Set("aws:SourceIp", sourceIP)
	}
	if p.kind == kindUser {
		ctx.Set("aws:username", p.userName)
	}
	if p.mfaSet {
		ctx.Set("aws:MultiFactorAuthPresent", strconv.FormatBool(p.mfa))
	}
	if p.sourceIdentity != "" {
		ctx.Set("aws:SourceIdentity", p.sourceIdentity)
	}
	if s.org != nil {
		if _, member := s.accounts[p.account]; member {
			ctx.Set("aws:PrincipalOrgID", s.org.id)
		}
	}
	if p.ec2Instance != "" {
		ctx.Set("ec2:SourceInstanceARN", "arn:aws:ec2:"+region+":"+p.account+":instance/"+p.ec2Instance)
	}
	var tagKeys []string
	for k, v := range s.principalTagsLocked(p) {
		ctx.Set("aws:PrincipalTag/"+k, v)
		tagKeys = append(tagKeys, k)
	}
	if len(tagKeys) > 0 {
		ctx.Set("aws:PrincipalTagKeys", tagKeys...)
	}
	return ctx
}

// denied builds the service's AccessDenied error with AWS's message form.
func (c *call) denied(q authz, res policy.Result) *APIError {
	resource := q.resource
	msg := "User: " + c.caller.arn + " is not authorized to perform: " + q.action
	if resource != "" && resource != "*" || c.svc.proto != protoEC2 {
		if resource == "" {
			resource = "*"
		}
		msg += " on resource: " + resource
	}
	if !q.quietDenial {
		switch {
		case res.ExplicitDeny && res.DenyInIdentity:
			msg += " with an explicit deny in an identity-based policy"
		case res.ExplicitDeny:
			msg += " with an explicit deny in a resource-based policy"
		case !res.IdentityAllows:
			msg += " because no identity-based policy allows the " + q.action + " action"
		case q.resourcePolicy != nil || q.mode == policy.ModeResourceRequired:
			msg += " because no resource-based policy allows the " + q.action + " action"
		default:
			msg += " because no session policy allows the " + q.action + " action"
		}
	}
	switch c.svc.proto {
	case protoEC2:
		return apiErr(http.StatusForbidden, "UnauthorizedOperation", "You are not authorized to perform this operation. %s", msg)
	case protoJSON:
		if c.svc.name == "organizations" {
			return apiErr(http.StatusBadRequest, "AccessDeniedException", "You don't have permissions to access this resource.")
		}
		return apiErr(http.StatusBadRequest, "AccessDeniedException", "%s", msg)
	default:
		return apiErr(http.StatusForbidden, "AccessDenied", "%s", msg)
	}
}

// tagContext adds aws:ResourceTag/… keys for a resource's tags.
func tagContext(ctx policy.Context, tags map[string]string) policy.Context {
	if ctx == nil {
		ctx = policy.Context{}
	}
	for k, v := range tags {
		ctx.Set("aws:ResourceTag/"+k, v)
	}
	return ctx
}
