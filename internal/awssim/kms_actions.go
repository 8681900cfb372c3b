package awssim

import (
	"sort"
	"strings"
)

type kmsKeyMetadata struct {
	AWSAccountId          string    `json:"AWSAccountId"`
	KeyId                 string    `json:"KeyId"`
	Arn                   string    `json:"Arn"`
	CreationDate          epochTime `json:"CreationDate"`
	Enabled               bool      `json:"Enabled"`
	Description           string    `json:"Description"`
	KeyUsage              string    `json:"KeyUsage"`
	KeyState              string    `json:"KeyState"`
	Origin                string    `json:"Origin"`
	KeyManager            string    `json:"KeyManager"`
	CustomerMasterKeySpec string    `json:"CustomerMasterKeySpec"`
	KeySpec               string    `json:"KeySpec"`
	EncryptionAlgorithms  []string  `json:"EncryptionAlgorithms"`
	MultiRegion           bool      `json:"MultiRegion"`
}

func (k *kmsKey) metadata() kmsKeyMetadata {
	return kmsKeyMetadata{AWSAccountId: k.account, KeyId: k.id, Arn: k.arn, CreationDate: epochTime(k.created),
		Enabled: k.state == "Enabled", Description: k.description, KeyUsage: "ENCRYPT_DECRYPT", KeyState: k.state,
		Origin: "AWS_KMS", KeyManager: k.manager, CustomerMasterKeySpec: "SYMMETRIC_DEFAULT", KeySpec: "SYMMETRIC_DEFAULT",
		EncryptionAlgorithms: []string{"SYMMETRIC_DEFAULT"}}
}

type kmsKeyInput struct {
	KeyId                          string
	Policy                         string
	PolicyName                     string
	Description                    string
	KeyUsage                       string
	KeySpec                        string
	BypassPolicyLockoutSafetyCheck bool
	Tags                           []kmsTag
	Limit                          *int
	Marker                         string
	AliasName                      string
	TargetKeyId                    string
}

func (c *call) decodeKMS() (kmsKeyInput, error) {
	var in kmsKeyInput
	err := c.decodeJSON(&in)
	return in, err
}

// keyFor resolves and authorizes a key for action.
func (c *call) keyFor(ref, action string) (*kmsKey, error) {
	if ref == "" {
		return nil, badRequest("ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	}
	k, err := c.s.findKMSKeyLocked(c.caller.account, c.region, ref)
	if err != nil {
		return nil, err
	}
	if k.account != c.caller.account && !strings.HasPrefix(ref, "arn:") {
		return nil, kmsNotFound(kmsKeyRef{id: ref}, c.region, c.caller.account)
	}
	if err := c.authorizeKey(action, k, nil); err != nil {
		return nil, err
	}
	return k, nil
}

func kmsCreateKey(c *call) (any, error) {
	in, err := c.decodeKMS()
	if err != nil {
		return nil, err
	}
	if err := c.can("kms:CreateKey", "*"); err != nil {
		return nil, err
	}
	if in.KeyUsage != "" && in.KeyUsage != "ENCRYPT_DECRYPT" {
		return nil, badRequest("UnsupportedOperationException", "The simulator only supports ENCRYPT_DECRYPT keys.")
	}
	if in.KeySpec != "" && in.KeySpec != "SYMMETRIC_DEFAULT" {
		return nil, badRequest("UnsupportedOperationException", "The simulator only supports SYMMETRIC_DEFAULT keys.")
	}
	a := c.account()
	text := in.Policy
	if text == "" {
		text = defaultKeyPolicy(a.id)
	}
	pd, err := c.s.parseKeyPolicy(text)
	if err != nil {
		return nil, err
	}
	if !in.BypassPolicyLockoutSafetyCheck && !c.policyKeepsControl(pd, kmsKeyARN(c.region, a.id, "*"), a.id) {
		return nil, badRequest("MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.")
	}
	k, err := c.s.newKMSKeyLocked(a, c.region, "", in.Description, text, c.now)
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		k.setTag(t)
	}
	return map[string]any{"KeyMetadata": k.metadata()}, nil
}

// policyKeepsControl is KMS's lockout safety check: the caller must still
// be allowed kms:PutKeyPolicy under the new policy.
func (c *call) policyKeepsControl(pd policyDoc, arn, acct string) bool {
	q := c.keyAuthz("kms:PutKeyPolicy", &kmsKey{arn: arn, account: acct, policy: pd}, nil)
	return c.s.evaluateLocked(c.caller, c.region, c.sourceIP, q).Allowed
}

func (k *kmsKey) setTag(t kmsTag) {
	for i := range k.tags {
		if k.tags[i].TagKey == t.TagKey {
			k.tags[i].TagValue = t.TagValue
			return
		}
	}
	k.tags = append(k.tags, t)
}

func kmsDescribeKey(c *call) (any, error) {
	in, err := c.decodeKMS()
	if err != nil {
		return nil, err
	}
	k, err := c.keyFor(in.KeyId, "kms:DescribeKey")
	if err != nil {
		return nil, err
	}
	return map[string]any{"KeyMetadata": k.metadata()}, nil
}

func checkPolicyName(name string) error {
	if name == "" {
		// Older clients required it; the API now defaults it.
		return nil
	}
	if name != "default" {
		return badRequest("NotFoundException", "No such policy exists")
	}
	return nil
}

func kmsGetKeyPolicy(c *call) (any, error) {
	in, err := c.decodeKMS()
	if err != nil {
		return nil, err
	}
	k, err := c.keyFor(in.KeyId, "kms:GetKeyPolicy")
	if err != nil {
		return nil, err
	}
	if err := checkPolicyName(in.PolicyName); err != nil {
		return nil, err
	}
	return map[string]string{"Policy": k.policy.text, "PolicyName": "default"}, nil
}

func kmsPutKeyPolicy(c *call) (any, error) {
	in, err := c.decodeKMS()
	if err != nil {
		return nil, err
	}
	k, err := c.keyFor(in.KeyId, "kms:PutKeyPolicy")
	if err != nil {
		return nil, err
	}
	if in.PolicyName != "" && in.PolicyName != "default" {
		return nil, badRequest("ValidationException", "1 validation error detected: Value '%s' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: default", in.PolicyName)
	}
	if in.Policy == "" {
		return nil, badRequest("ValidationException", "1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null")
	}
	pd, err := c.s.parseKeyPolicy(in.Policy)
	if err != nil {
		return nil, err
	}
	if !in.BypassPolicyLockoutSafetyCheck && !c.policyKeepsControl(pd, k.arn, k.account) {
		return nil, badRequest("MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.")
	}
	k.policy = pd
	return nil, nil
}

func kmsListKeyPolicies(c *call) (any, error) {
	in, err := c.decodeKMS()
	if err != nil {
		return nil, err
	}
	if _, err := c.keyFor(in.KeyId, "kms:ListKeyPolicies"); err != nil {
		return nil, err
	}
	return map[string]any{"PolicyNames": []string{"default"}, "Truncated": false}, nil
}

// kmsPage applies Limit (1–1000, default 100) and Marker to n items.
func kmsPage(in kmsKeyInput, n int) (start, end int, next string, err error) {
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 1000 {
			return 0, 0, "", badRequest("ValidationException", "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000", *in.Limit)
		}
		limit = *in.Limit
	}
	if in.Marker != "" {
		m, ok := decodePageToken(in.Marker)
		if !ok || m > n {
			return 0, 0, "", badRequest("InvalidMarkerException", "Invalid marker")
		}
		start = m
	}
	end = min(start+limit, n)
	if end < n {
		next = encodePageToken(end)
	}
	return start, end, next, nil
}

type kmsPageOutput struct {
	NextMarker string `json:"NextMarker,omitempty"`
	Truncated  bool   `json:"Truncated"`
}

func kmsListKeys(c *call) (any, error) {
	in, err := c.decodeKMS()
	if err != nil {
		return nil, err
	}
	if err := c.can("kms:ListKeys", "*"); err != nil {
		return nil, err
	}
	keys := sortedKMSKeys(kmsState(c.account(), c.region))
	start, end, next, err := kmsPage(in, len(keys))
	if err != nil {
		return nil, err
	}
	type entry struct{ KeyId, KeyArn string }
	out := struct {
		Keys []entry `json:"Keys"`
		kmsPageOutput
	}{Keys: []entry{}, kmsPageOutput: kmsPageOutput{NextMarker: next, Truncated: next != ""}}
	for _, k := range keys[start:end] {
		out.Keys = append(out.Keys, entry{k.id, k.arn})
	}
	return out, nil
}

func kmsCreateAlias(c *call) (any, error) {
	in, err := c.decodeKMS()
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(in.AliasName, "alias/") || len(in.AliasName) <= len("alias/") {
		return nil, badRequest("ValidationException", "1 validation error detected: Value '%s' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$", in.AliasName)
	}
	if strings.HasPrefix(in.AliasName, "alias/aws/") {
		return nil, badRequest("NotAuthorizedException", "")
	}
	a := c.account()
	aliasARN := kmsAliasARN(c.region, a.id, in.AliasName)
	if err := c.can("kms:CreateAlias", aliasARN); err != nil {
		return nil, err
	}
	k, err := c.s.findKMSKeyLocked(a.id, c.region, in.TargetKeyId)
	if err != nil {
		return nil, err
	}
	if k.account != a.id {
		return nil, badRequest("NotFoundException", "Key '%s' does not exist", kmsKeyARN(c.region, a.id, in.TargetKeyId))
	}
	if err := c.authorizeKey("kms:CreateAlias", k, nil); err != nil {
		return nil, err
	}
	st := kmsState(a, c.region)
	if _, dup := st.aliases[in.AliasName]; dup {
		return nil, badRequest("AlreadyExistsException", "An alias with the name %s already exists", aliasARN)
	}
	st.aliases[in.AliasName] = &kmsAlias{name: in.AliasName, arn: aliasARN, target: k.id, created: c.now, updated: c.now}
	return nil, nil
}

type kmsAliasEntry struct {
	AliasName       string     `json:"AliasName"`
	AliasArn        string     `json:"AliasArn"`
	TargetKeyId     string     `json:"TargetKeyId,omitempty"`
	CreationDate    *epochTime `json:"CreationDate,omitempty"`
	LastUpdatedDate *epochTime `json:"LastUpdatedDate,omitempty"`
}

func kmsListAliases(c *call) (any, error) {
	in, err := c.decodeKMS()
	if err != nil {
		return nil, err
	}
	if err := c.can("kms:ListAliases", "*"); err != nil {
		return nil, err
	}
	a := c.account()
	st := kmsState(a, c.region)
	var filter *kmsKey
	if in.KeyId != "" {
		k, err := c.s.findKMSKeyLocked(a.id, c.region, in.KeyId)
		if err != nil {
			return nil, err
		}
		filter = k
	}
	var list []kmsAliasEntry
	seen := map[string]bool{}
	for name, al := range st.aliases {
		if filter != nil && al.target != filter.id {
			continue
		}
		seen[name] = true
		list = append(list, kmsAliasEntry{AliasName: name, AliasArn: al.arn, TargetKeyId: al.target, CreationDate: epochPtr(al.created), LastUpdatedDate: epochPtr(al.updated)})
	}
	// AWS lists its predefined aliases even before their keys exist.
	for svc := range awsManagedServices {
		if name := "alias/aws/" + svc; filter == nil && !seen[name] {
			list = append(list, kmsAliasEntry{AliasName: name, AliasArn: kmsAliasARN(c.region, a.id, name)})
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].AliasName < list[j].AliasName })
	start, end, next, err := kmsPage(in, len(list))
	if err != nil {
		return nil, err
	}
	return struct {
		Aliases []kmsAliasEntry `json:"Aliases"`
		kmsPageOutput
	}{append([]kmsAliasEntry{}, list[start:end]...), kmsPageOutput{NextMarker: next, Truncated: next != ""}}, nil
}

func kmsListResourceTags(c *call) (any, error) {
	in, err := c.decodeKMS()
	if err != nil {
		return nil, err
	}
	k, err := c.keyFor(in.KeyId, "kms:ListResourceTags")
	if err != nil {
		return nil, err
	}
	start, end, next, err := kmsPage(in, len(k.tags))
	if err != nil {
		return nil, err
	}
	return struct {
		Tags []kmsTag `json:"Tags"`
		kmsPageOutput
	}{append([]kmsTag{}, k.tags[start:end]...), kmsPageOutput{NextMarker: next, Truncated: next != ""}}, nil
}

func kmsTagResource(c *call) (any, error) {
	in, err := c.decodeKMS()
	if err != nil {
		return nil, err
	}
	k, err := c.keyFor(in.KeyId, "kms:TagResource")
	if err != nil {
		return nil, err
	}
	if k.manager == "AWS" {
		return nil, badRequest("TagException", "Cannot tag an AWS managed key.")
	}
	if k.account != c.caller.account {
		return nil, kmsNotFound(kmsKeyRef{id: k.id}, c.region, c.caller.account)
	}
	for _, t := range in.Tags {
		k.setTag(t)
	}
	if len(k.tags) > 50 {
		return nil, badRequest("LimitExceededException", "Tag limit exceeded: %d", len(k.tags))
	}
	return nil, nil
}
