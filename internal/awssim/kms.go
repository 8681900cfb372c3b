package awssim

import (
	"crypto/sha1"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// kmsRegion is an account's KMS keys in one region.
type kmsRegion struct {
	keys    map[string]*kmsKey // by key ID
	aliases map[string]*kmsAlias
}

// kmsKey is a KMS key, customer or AWS managed.
type kmsKey struct {
	id, arn, account, region string
	description              string
	manager                  string // CUSTOMER or AWS
	state                    string // Enabled
	policy                   policyDoc
	tags                     []kmsTag
	created                  time.Time
}

// kmsAlias is an alias; AWS managed aliases may name no key yet.
type kmsAlias struct {
	name, arn, target string
	created, updated  time.Time
}

type kmsTag struct{ TagKey, TagValue string }

// secretsManagerAlias is the AWS managed key Secrets Manager uses by default.
const secretsManagerAlias = "alias/aws/secretsmanager"

func (s *Server) kmsActions() map[string]handler {
	return map[string]handler{
		"CreateKey":        kmsCreateKey,
		"DescribeKey":      kmsDescribeKey,
		"GetKeyPolicy":     kmsGetKeyPolicy,
		"PutKeyPolicy":     kmsPutKeyPolicy,
		"ListKeyPolicies":  kmsListKeyPolicies,
		"ListKeys":         kmsListKeys,
		"CreateAlias":      kmsCreateAlias,
		"ListAliases":      kmsListAliases,
		"ListResourceTags": kmsListResourceTags,
		"TagResource":      kmsTagResource,
		"Encrypt":          kmsEncrypt,
		"Decrypt":          kmsDecrypt,
		"GenerateDataKey":  kmsGenerateDataKey,
	}
}

// kmsState is an account's KMS state in a region, with its maps made.
func kmsState(a *account, region string) *kmsRegion {
	k := &a.regionLocked(region).kms
	if k.keys == nil {
		k.keys = map[string]*kmsKey{}
		k.aliases = map[string]*kmsAlias{}
	}
	return k
}

func kmsKeyARN(region, acct, id string) string {
	return "arn:aws:kms:" + region + ":" + acct + ":key/" + id
}

func kmsAliasARN(region, acct, name string) string {
	return "arn:aws:kms:" + region + ":" + acct + ":" + name
}

// stableUUID derives a UUID-shaped key ID from a seed.
func stableUUID(seed string) string {
	sum := sha1.Sum([]byte(seed))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// defaultKeyPolicy is the key policy AWS writes when CreateKey gets none.
func defaultKeyPolicy(acct string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + acct + `:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`
}

// awsManagedServices are the services whose AWS managed keys
// (alias/aws/<service>) the simulator creates on first use, with their
// display names and key descriptions.
var awsManagedServices = map[string][2]string{
	"secretsmanager": {"AWS Secrets Manager", "Default key that protects my Secrets Manager data when no other key is defined"},
	"rds":            {"Amazon RDS", "Default key that protects my RDS database volumes when no other key is defined"},
	"ebs":            {"EBS", "Default key that protects my EBS volumes when no other key is defined"},
	"s3":             {"S3", "Default key that protects my S3 objects when no other key is defined"},
}

// awsManagedKeyPolicy is the policy of alias/aws/<service>: usable only
// through that service by principals of the owning account.
func awsManagedKeyPolicy(acct, region, service string) string {
	via := service + "." + region + ".amazonaws.com"
	title := awsManagedServices[service][0]
	return `{
  "Version" : "2012-10-17",
  "Id" : "auto-` + service + `-2",
  "Statement" : [ {
    "Sid" : "Allow access through ` + title + ` for all principals in the account that are authorized to use ` + title + `",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "` + acct + `",
        "kms:ViaService" : "` + via + `"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + acct + `:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
}`
}

// awsManagedAliasService returns the service of an AWS managed alias.
func awsManagedAliasService(alias string) (string, bool) {
	svc, ok := strings.CutPrefix(alias, "alias/aws/")
	if !ok {
		return "", false
	}
	_, known := awsManagedServices[svc]
	return svc, known
}

// newKMSKeyLocked adds a customer managed key.
func (s *Server) newKMSKeyLocked(a *account, region, id, description, policyText string, now time.Time) (*kmsKey, error) {
	if id == "" {
		id = stableUUID(fmt.Sprintf("%s/%s/%d/%s", a.id, region, now.UnixNano(), randomString(8)))
	}
	if policyText == "" {
		policyText = defaultKeyPolicy(a.id)
	}
	pd, err := s.parseKeyPolicy(policyText)
	if err != nil {
		return nil, err
	}
	k := &kmsKey{id: id, arn: kmsKeyARN(region, a.id, id), account: a.id, region: region,
		description: description, manager: "CUSTOMER", state: "Enabled", policy: pd, created: now}
	kmsState(a, region).keys[id] = k
	return k, nil
}

// awsManagedKeyLocked returns the AWS managed key behind alias/aws/<svc>
// (a service in awsManagedServices), creating it on first use as AWS does.
func (s *Server) awsManagedKeyLocked(a *account, region, alias string) *kmsKey {
	st := kmsState(a, region)
	if al := st.aliases[alias]; al != nil && al.target != "" {
		if k := st.keys[al.target]; k != nil {
			return k
		}
	}
	svc, _ := awsManagedAliasService(alias)
	id := stableUUID("aws-managed/" + a.id + "/" + region + "/" + alias)
	pd, err := s.parsePolicy(awsManagedKeyPolicy(a.id, region, svc), policy.KindResource)
	if err != nil {
		panic("awssim: aws managed key policy: " + err.Error())
	}
	now := s.now()
	k := &kmsKey{id: id, arn: kmsKeyARN(region, a.id, id), account: a.id, region: region,
		description: awsManagedServices[svc][1], manager: "AWS", state: "Enabled", policy: pd, created: now}
	st.keys[id] = k
	st.aliases[alias] = &kmsAlias{name: alias, arn: kmsAliasARN(region, a.id, alias), target: id, created: now, updated: now}
	return k
}

// kmsKeyRef is a parsed key reference: key ID, key ARN, alias name or alias ARN.
type kmsKeyRef struct {
	account, region string // set for ARNs
	id, alias       string
}

// parseKMSKeyRef splits a key reference; ok is false for a malformed ARN.
func parseKMSKeyRef(ref string) (kmsKeyRef, bool) {
	if !strings.HasPrefix(ref, "arn:") {
		if strings.HasPrefix(ref, "alias/") {
			return kmsKeyRef{alias: ref}, true
		}
		return kmsKeyRef{id: ref}, true
	}
	parts := strings.SplitN(ref, ":", 6)
	if len(parts) != 6 || parts[2] != "kms" || parts[3] == "" || len(parts[4]) != 12 {
		return kmsKeyRef{}, false
	}
	r := kmsKeyRef{region: parts[3], account: parts[4]}
	switch {
	case strings.HasPrefix(parts[5], "key/") && len(parts[5]) > 4:
		r.id = parts[5][4:]
	case strings.HasPrefix(parts[5], "alias/") && len(parts[5]) > 6:
		r.alias = parts[5]
	default:
		return kmsKeyRef{}, false
	}
	return r, true
}

// findKMSKeyLocked resolves a key reference for a caller in callerAccount
// and region. Keys of other accounts are reachable only by ARN.
//
// It returns error, not *APIError, so callers never hold a typed nil.
func (s *Server) findKMSKeyLocked(callerAccount, region, ref string) (*kmsKey, error) {
	r, ok := parseKMSKeyRef(ref)
	if !ok {
		return nil, badRequest("InvalidArnException", "ARN %s is not a valid ARN", ref)
	}
	acct, reg := callerAccount, region
	if r.account != "" {
		acct, reg = r.account, r.region
	}
	a := s.accounts[acct]
	if a == nil || !s.regionSet[reg] {
		return nil, kmsNotFound(r, reg, acct)
	}
	st := kmsState(a, reg)
	id := r.id
	if r.alias != "" {
		al := st.aliases[r.alias]
		if _, managed := awsManagedAliasService(r.alias); al == nil && managed {
			return s.awsManagedKeyLocked(a, reg, r.alias), nil
		}
		if al == nil || al.target == "" {
			return nil, kmsNotFound(r, reg, acct)
		}
		id = al.target
	}
	k := st.keys[id]
	if k == nil {
		return nil, kmsNotFound(r, reg, acct)
	}
	return k, nil
}

func kmsNotFound(r kmsKeyRef, region, acct string) *APIError {
	if r.alias != "" {
		return badRequest("NotFoundException", "Alias %s is not found.", kmsAliasARN(region, acct, r.alias))
	}
	return badRequest("NotFoundException", "Key '%s' does not exist", kmsKeyARN(region, acct, r.id))
}

// sortedKMSKeys lists a region's keys in a stable order.
func sortedKMSKeys(st *kmsRegion) []*kmsKey {
	out := make([]*kmsKey, 0, len(st.keys))
	for _, k := range st.keys {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (s *Server) loadKMS(a *account, w *world.Account) error {
	for _, wk := range w.KMSKeys {
		k, err := s.newKMSKeyLocked(a, wk.Region, wk.ID, wk.Description, string(wk.Policy), s.now())
		if err != nil {
			return fmt.Errorf("account %s: kms key %s: %v", a.id, wk.ID, err)
		}
		if wk.Alias != "" {
			kmsState(a, wk.Region).aliases[wk.Alias] = &kmsAlias{name: wk.Alias, arn: kmsAliasARN(wk.Region, a.id, wk.Alias), target: k.id, created: k.created, updated: k.created}
		}
	}
	return nil
}

// parseKeyPolicy validates a key policy, answering in KMS's words.
func (s *Server) parseKeyPolicy(text string) (policyDoc, error) {
	pd, err := s.parsePolicy(text, policy.KindResource)
	if err != nil {
		msg := err.Error()
		switch {
		case msg == "Missing required field Principal":
			msg = "Policy contains a statement with no principal."
		case strings.HasPrefix(msg, "Invalid principal in policy"):
			msg = "Policy contains a statement with one or more invalid principals."
		}
		return policyDoc{}, badRequest("MalformedPolicyDocumentException", "%s", msg)
	}
	return pd, nil
}
