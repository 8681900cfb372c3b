package awssim

import (
	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

// authorizeKey checks a KMS action on a key. Key policies are
// authoritative: a key policy naming the account root delegates to IAM
// policies, and across accounts both must allow.
func (c *call) authorizeKey(action string, k *kmsKey, ctx policy.Context) error {
	return c.authorize(c.keyAuthz(action, k, ctx))
}

func (c *call) keyAuthz(action string, k *kmsKey, ctx policy.Context) authz {
	if ctx == nil {
		ctx = policy.Context{}
	}
	ctx.Set("kms:CallerAccount", c.caller.account)
	for _, t := range k.tags {
		ctx.Set("aws:ResourceTag/"+t.TagKey, t.TagValue)
	}
	return authz{action: action, resource: k.arn, resourcePolicy: k.policy.doc, resourceAccount: k.account, mode: policy.ModeResourceRequired, context: ctx}
}

// kmsDecryptAllowedLocked answers whether the caller may have Secrets
// Manager decrypt a secret of secretAccount protected by keyRef ("" is
// aws/secretsmanager), returning the error Secrets Manager returns if not.
func (s *Server) kmsDecryptAllowedLocked(c *call, keyRef, secretAccount, region, secretARN string) error {
	return s.kmsSecretsKeyAllowedLocked(c, "kms:Decrypt", keyRef, secretAccount, region, secretARN)
}

// kmsSecretsKeyAllowedLocked evaluates a KMS action Secrets Manager makes
// on the caller's behalf (kms:Decrypt to read, kms:GenerateDataKey to write).
func (s *Server) kmsSecretsKeyAllowedLocked(c *call, action, keyRef, secretAccount, region, secretARN string) error {
	if keyRef == "" {
		keyRef = secretsManagerAlias
	}
	k, kerr := s.findKMSKeyLocked(secretAccount, region, keyRef)
	if kerr != nil || k.state != "Enabled" {
		if action != "kms:Decrypt" {
			return badRequest("EncryptionFailure", "Secrets Manager can't encrypt the protected secret text using the provided KMS key. Check that the KMS key is available, enabled, and not in an invalid state.")
		}
		return badRequest("DecryptionFailure", "Secrets Manager can't decrypt the protected secret text using the provided KMS key.")
	}
	if k.manager == "AWS" && c.caller.account != k.account {
		// AWS managed key policies are read-only and name only their own
		// account, so no other account can ever decrypt with them.
		return badRequest("AccessDeniedException", "You can't access a secret from a different AWS account if you encrypt the secret with the default KMS service key.")
	}
	ctx := policy.Context{}
	ctx.Set("kms:ViaService", "secretsmanager."+region+".amazonaws.com")
	ctx.Set("kms:EncryptionContext:SecretARN", secretARN)
	ctx.Set("kms:EncryptionContextKeys", "SecretARN", "SecretVersionId")
	q := c.keyAuthz(action, k, ctx)
	if res := s.evaluateLocked(c.caller, c.region, c.sourceIP, q); !res.Allowed {
		return badRequest("AccessDeniedException", "Access to KMS is not allowed")
	}
	return nil
}
