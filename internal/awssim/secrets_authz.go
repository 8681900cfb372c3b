package awssim

import (
	"strings"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

// errSecretNotFound is Secrets Manager's answer for a secret it can't
// resolve, including a secret of another account named by name.
func errSecretNotFound() *APIError {
	return badRequest("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
}

// lookupSecret resolves a SecretId for the caller. A secret of another
// account is reachable only by its full ARN; a name or partial ARN resolves
// in the caller's own account and region, so it is not found there.
func (c *call) lookupSecret(id string) (*secret, error) {
	if id == "" {
		return nil, badRequest("InvalidParameterException", "You must provide a value for the SecretId parameter.")
	}
	if strings.HasPrefix(id, "arn:") {
		parts := strings.SplitN(id, ":", 7)
		if len(parts) == 7 && parts[2] == "secretsmanager" && parts[4] != c.caller.account {
			if a := c.s.accounts[parts[4]]; a != nil && parts[3] == c.region {
				if st := secretsState(a, c.region); c.s.liveOrPendingLocked(st, id) {
					return st.byARN[id], nil
				}
			}
			return nil, errSecretNotFound()
		}
	}
	arn, ok := c.s.secretARNLocked(c.account(), c.region, id)
	if !ok {
		return nil, errSecretNotFound()
	}
	return secretsState(c.account(), c.region).byARN[arn], nil
}

// authorizeSecret checks a Secrets Manager action on a secret: identity
// policies and the secret's resource policy, both required across accounts.
func (c *call) authorizeSecret(action string, sec *secret, ctx policy.Context) error {
	q := authz{action: action, resource: sec.arn, resourceAccount: sec.account, context: secretContext(sec, ctx)}
	if sec.policy != nil {
		q.resourcePolicy = sec.policy.doc
	}
	if sec.account != c.caller.account {
		// Across accounts the resource policy must allow; saying so makes
		// the denial name the missing resource-based policy as AWS does.
		q.mode = policy.ModeResourceRequired
	}
	return c.authorize(q)
}

// secretContext adds the condition keys Secrets Manager sets for a secret.
func secretContext(sec *secret, ctx policy.Context) policy.Context {
	if ctx == nil {
		ctx = policy.Context{}
	}
	ctx.Set("secretsmanager:SecretId", sec.arn)
	ctx.Set("secretsmanager:Name", sec.name)
	for _, t := range sec.tags {
		ctx.Set("secretsmanager:ResourceTag/"+t.Key, t.Value)
		ctx.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
	return ctx
}

// resolveSecret looks a secret up and authorizes action on it.
func (c *call) resolveSecret(id, action string, ctx policy.Context) (*secret, error) {
	sec, err := c.lookupSecret(id)
	if err != nil {
		return nil, err
	}
	if err := c.authorizeSecret(action, sec, ctx); err != nil {
		return nil, err
	}
	return sec, nil
}

// errMarkedForDeletion refuses most operations on a secret pending deletion.
func errMarkedForDeletion() *APIError {
	return badRequest("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
}
