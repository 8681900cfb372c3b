package awssim

import (
	"fmt"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

type iamEvaluationResultXML struct {
	EvalActionName       string
	EvalResourceName     string
	EvalDecision         string
	MatchedStatements    iamList[struct{}]
	MissingContextValues iamList[string]
}

type iamSimulateResult struct {
	EvaluationResults iamList[iamEvaluationResultXML]
	IsTruncated       bool
	Marker            string `xml:",omitempty"`
}

var iamContextKeyTypes = map[string]bool{
	"string": true, "stringList": true, "numeric": true, "numericList": true, "boolean": true, "booleanList": true,
	"ip": true, "ipList": true, "binary": true, "binaryList": true, "date": true, "dateList": true,
}

// iamSimulatedPrincipal builds the principal a PolicySourceArn names: a user,
// or a session of a role, in the caller's account.
func iamSimulatedPrincipal(c *call, arn string) (*principal, error) {
	m := iamEntityARN.FindStringSubmatch(arn)
	if m == nil {
		return nil, iamInvalidInput("Invalid Entity Arn: %s does not clearly define entity type and name.", arn)
	}
	a := c.s.accounts[m[1]]
	if m[1] != c.caller.account {
		a = nil
	}
	name := m[4]
	if m[2] == "user" {
		var u *iamUser
		if a != nil {
			u = a.iam.users[name]
		}
		if u == nil || u.arn != arn {
			return nil, iamUserNotFound(name)
		}
		return &principal{kind: kindUser, account: a.id, arn: u.arn, userID: u.id, userName: u.name}, nil
	}
	var r *iamRole
	if a != nil {
		r = a.iam.roles[name]
	}
	if r == nil || r.arn != arn {
		return nil, iamRoleNotFound(name)
	}
	return &principal{kind: kindRoleSession, account: a.id, arn: r.arn, userID: r.id, roleName: r.name, rolePath: r.path}, nil
}

// iamSimulationContext reads ContextEntries.member.N.
func iamSimulationContext(c *call) (policy.Context, error) {
	ctx := policy.Context{}
	for i, e := range c.params.structs("ContextEntries.member") {
		name := e.get("ContextKeyName")
		if name == "" || len(name) > 256 {
			return nil, validationError("1 validation error detected: Value '%s' at 'contextEntries.%d.member.contextKeyName' failed to satisfy constraint: Member must have length greater than or equal to 5", name, i+1)
		}
		if typ := e.get("ContextKeyType"); typ != "" && !iamContextKeyTypes[typ] {
			return nil, validationError("1 validation error detected: Value '%s' at 'contextEntries.%d.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]", typ, i+1)
		}
		ctx.Set(name, e.list("ContextKeyValues.member")...)
	}
	return ctx, nil
}

func iamSimulatePrincipalPolicy(c *call) (any, error) {
	source, err := iamRequired(c, "PolicySourceArn")
	if err != nil {
		return nil, err
	}
	actions := c.params.list("ActionNames.member")
	if len(actions) == 0 {
		return nil, validationError("1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
	}
	resources := c.params.list("ResourceArns.member")
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	extra, err := iamSimulationContext(c)
	if err != nil {
		return nil, err
	}
	var inputs []*policy.Document
	for _, text := range c.params.list("PolicyInputList.member") {
		d, perr := c.s.parsePolicy(text, policy.KindIdentity)
		if perr != nil {
			return nil, iamMalformed(perr)
		}
		inputs = append(inputs, d.doc)
	}
	var resourcePolicy *policy.Document
	if text := c.params.get("ResourcePolicy"); text != "" {
		d, perr := c.s.parsePolicy(text, policy.KindResource)
		if perr != nil {
			return nil, iamMalformed(perr)
		}
		resourcePolicy = d.doc
	}
	if err := c.can("iam:SimulatePrincipalPolicy", source); err != nil {
		return nil, err
	}
	p, err := iamSimulatedPrincipal(c, source)
	if err != nil {
		return nil, err
	}
	identity := append(c.s.identityPoliciesLocked(p), inputs...)
	resourceAccount := p.account
	if owner := c.params.get("ResourceOwner"); owner != "" {
		if acct := accountOfARN(owner); acct != "" {
			resourceAccount = acct
		}
	}

	var results []iamEvaluationResultXML
	for _, action := range actions {
		for _, resource := range resources {
			ctx := c.s.requestContextLocked(p, "us-east-1", "")
			for k, v := range extra {
				ctx[k] = v
			}
			req := &policy.Request{
				Principal: policy.Principal{Account: p.account, ARN: p.arn, EntityARN: p.entityARN()},
				Action:    action, Resource: resource, Context: ctx,
			}
			res := policy.Authorize(policy.Input{Request: req, Identity: identity, Resource: resourcePolicy, ResourceAccount: resourceAccount})
			decision := "implicitDeny"
			switch {
			case res.ExplicitDeny:
				decision = "explicitDeny"
			case res.Allowed:
				decision = "allowed"
			}
			results = append(results, iamEvaluationResultXML{EvalActionName: action, EvalResourceName: resource, EvalDecision: decision})
		}
	}
	page, pg, err := iamPaginate(c, iamIndexed(results), func(r iamIndexedResult) string { return r.key })
	if err != nil {
		return nil, err
	}
	out := &iamSimulateResult{IsTruncated: pg.truncated, Marker: pg.marker}
	for _, r := range page {
		out.EvaluationResults.Members = append(out.EvaluationResults.Members, r.result)
	}
	return out, nil
}

type iamIndexedResult struct {
	key    string
	result iamEvaluationResultXML
}

// iamIndexed gives results keys in their order, for pagination.
func iamIndexed(results []iamEvaluationResultXML) []iamIndexedResult {
	out := make([]iamIndexedResult, len(results))
	for i, r := range results {
		out[i] = iamIndexedResult{key: fmt.Sprintf("%08d", i), result: r}
	}
	return out
}
