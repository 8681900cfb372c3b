package awssim

import (
	"sort"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

type smPutSecretValueInput struct {
	SecretId           string
	ClientRequestToken string
	SecretBinary       []byte
	SecretString       *string
	VersionStages      []string
}

func smPutSecretValue(c *call) (any, error) {
	var in smPutSecretValueInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.SecretString == nil && in.SecretBinary == nil {
		return nil, badRequest("InvalidRequestException", "You must provide either SecretString or SecretBinary.")
	}
	if in.SecretString != nil && in.SecretBinary != nil {
		return nil, badRequest("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.")
	}
	sec, err := c.resolveSecret(in.SecretId, "secretsmanager:PutSecretValue", nil)
	if err != nil {
		return nil, err
	}
	if !sec.deleted.IsZero() {
		return nil, errMarkedForDeletion()
	}
	id := in.ClientRequestToken
	if id == "" {
		id = newVersionID()
	}
	if v := sec.versions[id]; v != nil {
		// A retried request with the same token and value is a no-op.
		if sameSecretValue(v, in.SecretString, in.SecretBinary) {
			return struct {
				smSecretRef
				VersionStages []string `json:"VersionStages"`
			}{smSecretRef{sec.arn, sec.name, id}, v.stages}, nil
		}
		return nil, badRequest("ResourceExistsException", "You can't modify an existing version, you can only create a new version.")
	}
	if err := c.s.kmsSecretsKeyAllowedLocked(c, "kms:GenerateDataKey", sec.kmsKey, sec.account, sec.region, sec.arn); err != nil {
		return nil, err
	}
	v := sec.addVersion(id, in.SecretString, in.SecretBinary, in.VersionStages, c.now)
	return struct {
		smSecretRef
		VersionStages []string `json:"VersionStages"`
	}{smSecretRef{sec.arn, sec.name, id}, v.stages}, nil
}

func sameSecretValue(v *secretVersion, str *string, bin []byte) bool {
	if (v.str == nil) != (str == nil) {
		return false
	}
	if str != nil {
		return *v.str == *str
	}
	return string(v.bin) == string(bin)
}

type smPutResourcePolicyInput struct {
	SecretId          string
	ResourcePolicy    string
	BlockPublicPolicy bool
}

// parseSecretPolicy validates a secret's resource policy.
func (s *Server) parseSecretPolicy(text string) (policyDoc, error) {
	pd, err := s.parsePolicy(text, policy.KindResource)
	if err != nil {
		return policyDoc{}, badRequest("MalformedPolicyDocumentException", "%s", err.Error())
	}
	return pd, nil
}

func smPutResourcePolicy(c *call) (any, error) {
	var in smPutResourcePolicyInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.ResourcePolicy == "" {
		return nil, badRequest("InvalidParameterException", "You must provide a value for the ResourcePolicy parameter.")
	}
	sec, err := c.resolveSecret(in.SecretId, "secretsmanager:PutResourcePolicy", nil)
	if err != nil {
		return nil, err
	}
	pd, err := c.s.parseSecretPolicy(in.ResourcePolicy)
	if err != nil {
		return nil, err
	}
	if in.BlockPublicPolicy && grantsPublicAccess(pd.doc) {
		return nil, badRequest("PublicPolicyException", "You can't attach a resource-based policy that grants broad access to the secret.")
	}
	sec.policy = &pd
	sec.changed = c.now
	return smSecretRef{ARN: sec.arn, Name: sec.name}, nil
}

// grantsPublicAccess approximates AWS's public-policy check: an Allow for
// any principal with no condition to narrow it.
func grantsPublicAccess(d *policy.Document) bool {
	for _, st := range d.Statements {
		if st.Effect != "Allow" || st.Principal == nil || len(st.Conditions) > 0 {
			continue
		}
		if st.Principal.Wildcard {
			return true
		}
		for _, v := range st.Principal.Values["AWS"] {
			if v == "*" {
				return true
			}
		}
	}
	return false
}

func smGetResourcePolicy(c *call) (any, error) {
	var in smSecretIDInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	sec, err := c.resolveSecret(in.SecretId, "secretsmanager:GetResourcePolicy", nil)
	if err != nil {
		return nil, err
	}
	out := struct {
		smSecretRef
		ResourcePolicy string `json:"ResourcePolicy,omitempty"`
	}{smSecretRef: smSecretRef{ARN: sec.arn, Name: sec.name}}
	if sec.policy != nil {
		out.ResourcePolicy = sec.policy.text
	}
	return out, nil
}

func smDeleteResourcePolicy(c *call) (any, error) {
	var in smSecretIDInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	sec, err := c.resolveSecret(in.SecretId, "secretsmanager:DeleteResourcePolicy", nil)
	if err != nil {
		return nil, err
	}
	sec.policy = nil
	sec.changed = c.now
	return smSecretRef{ARN: sec.arn, Name: sec.name}, nil
}

type smTagResourceInput struct {
	SecretId string
	Tags     []smTag
	TagKeys  []string
}

func smTagResource(c *call) (any, error) {
	var in smTagResourceInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	ctx := policy.Context{}
	keys := make([]string, 0, len(in.Tags))
	for _, t := range in.Tags {
		ctx.Set("aws:RequestTag/"+t.Key, t.Value)
		keys = append(keys, t.Key)
	}
	if len(keys) > 0 {
		ctx.Set("aws:TagKeys", keys...)
	}
	sec, err := c.resolveSecret(in.SecretId, "secretsmanager:TagResource", ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		found := false
		for i := range sec.tags {
			if sec.tags[i].Key == t.Key {
				sec.tags[i].Value, found = t.Value, true
			}
		}
		if !found {
			sec.tags = append(sec.tags, secretTag{t.Key, t.Value})
		}
	}
	if len(sec.tags) > 50 {
		return nil, badRequest("ValidationException", "Number of tags exceeds the limit of 50.")
	}
	sec.changed = c.now
	return nil, nil
}

func smUntagResource(c *call) (any, error) {
	var in smTagResourceInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	ctx := policy.Context{}
	if len(in.TagKeys) > 0 {
		ctx.Set("aws:TagKeys", in.TagKeys...)
	}
	sec, err := c.resolveSecret(in.SecretId, "secretsmanager:UntagResource", ctx)
	if err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	kept := sec.tags[:0]
	for _, t := range sec.tags {
		if !drop[t.Key] {
			kept = append(kept, t)
		}
	}
	sec.tags = kept
	sec.changed = c.now
	return nil, nil
}

type smDeleteSecretInput struct {
	SecretId                   string
	RecoveryWindowInDays       *int64
	ForceDeleteWithoutRecovery bool
}

func smDeleteSecret(c *call) (any, error) {
	var in smDeleteSecretInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.ForceDeleteWithoutRecovery && in.RecoveryWindowInDays != nil {
		return nil, badRequest("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	}
	days := int64(30)
	if in.RecoveryWindowInDays != nil {
		days = *in.RecoveryWindowInDays
		if days < 7 || days > 30 {
			return nil, badRequest("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
		}
	}
	sec, err := c.resolveSecret(in.SecretId, "secretsmanager:DeleteSecret", nil)
	if err != nil {
		return nil, err
	}
	if in.ForceDeleteWithoutRecovery {
		if a := c.s.accounts[sec.account]; a != nil {
			delete(secretsState(a, sec.region).byARN, sec.arn)
		}
		return struct {
			smSecretRef
			DeletionDate epochTime `json:"DeletionDate"`
		}{smSecretRef{ARN: sec.arn, Name: sec.name}, epochTime(c.now)}, nil
	}
	if sec.deleted.IsZero() {
		sec.deleted = c.now
		sec.purgeAt = c.now.Add(time.Duration(days) * 24 * time.Hour)
	}
	return struct {
		smSecretRef
		DeletionDate epochTime `json:"DeletionDate"`
	}{smSecretRef{ARN: sec.arn, Name: sec.name}, epochTime(sec.purgeAt)}, nil
}

func smRestoreSecret(c *call) (any, error) {
	var in smSecretIDInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	sec, err := c.resolveSecret(in.SecretId, "secretsmanager:RestoreSecret", nil)
	if err != nil {
		return nil, err
	}
	sec.deleted, sec.purgeAt = time.Time{}, time.Time{}
	return smSecretRef{ARN: sec.arn, Name: sec.name}, nil
}

type smVersionEntry struct {
	VersionId        string     `json:"VersionId"`
	VersionStages    []string   `json:"VersionStages"`
	LastAccessedDate *epochTime `json:"LastAccessedDate,omitempty"`
	CreatedDate      epochTime  `json:"CreatedDate"`
}

func smListSecretVersionIds(c *call) (any, error) {
	var in smSecretIDInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	sec, err := c.resolveSecret(in.SecretId, "secretsmanager:ListSecretVersionIds", nil)
	if err != nil {
		return nil, err
	}
	out := struct {
		smSecretRef
		Versions []smVersionEntry `json:"Versions"`
	}{smSecretRef: smSecretRef{ARN: sec.arn, Name: sec.name}, Versions: []smVersionEntry{}}
	for _, v := range sec.versions {
		out.Versions = append(out.Versions, smVersionEntry{VersionId: v.id, VersionStages: v.stages, CreatedDate: epochTime(v.created)})
	}
	sort.Slice(out.Versions, func(i, j int) bool {
		return time.Time(out.Versions[i].CreatedDate).After(time.Time(out.Versions[j].CreatedDate))
	})
	return out, nil
}
