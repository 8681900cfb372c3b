package awssim

import (
	"crypto/sha1"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// secretsRegion is an account's Secrets Manager secrets in one region.
type secretsRegion struct {
	byARN map[string]*secret
}

// secret is a Secrets Manager secret.
type secret struct {
	arn, name, description string
	account, region        string
	kmsKey                 string // as given; "" means aws/secretsmanager
	policy                 *policyDoc
	tags                   []secretTag // in the order given, as AWS keeps them
	versions               map[string]*secretVersion
	created, changed       time.Time
	accessed               time.Time
	deleted, purgeAt       time.Time // scheduled deletion; zero if live
}

type secretTag struct{ Key, Value string }

type secretVersion struct {
	id      string
	str     *string
	bin     []byte
	stages  []string
	created time.Time
}

func (s *Server) secretsActions() map[string]handler {
	return map[string]handler{
		"CreateSecret":         smCreateSecret,
		"GetSecretValue":       smGetSecretValue,
		"DescribeSecret":       smDescribeSecret,
		"ListSecrets":          smListSecrets,
		"PutSecretValue":       smPutSecretValue,
		"PutResourcePolicy":    smPutResourcePolicy,
		"GetResourcePolicy":    smGetResourcePolicy,
		"DeleteResourcePolicy": smDeleteResourcePolicy,
		"TagResource":          smTagResource,
		"UntagResource":        smUntagResource,
		"DeleteSecret":         smDeleteSecret,
		"ListSecretVersionIds": smListSecretVersionIds,
		"RestoreSecret":        smRestoreSecret,
	}
}

// secretsState is an account's secrets in a region, with its map made.
func secretsState(a *account, region string) *secretsRegion {
	st := &a.regionLocked(region).secrets
	if st.byARN == nil {
		st.byARN = map[string]*secret{}
	}
	return st
}

// secretSuffix is the six characters AWS appends to a secret's ARN.
func secretSuffix(acct, region, name string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha1.Sum([]byte(acct + "/" + region + "/" + name))
	out := make([]byte, 6)
	for i := range out {
		out[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(out)
}

func secretARN(acct, region, name string) string {
	return "arn:aws:secretsmanager:" + region + ":" + acct + ":secret:" + name + "-" + secretSuffix(acct, region, name)
}

// createSecretLocked creates a secret (RDS uses it for ManageMasterUserPassword); kmsKey "" means aws/secretsmanager.
func (s *Server) createSecretLocked(a *account, region, name, secretString, kmsKey string, tags map[string]string) (arn string, err error) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	list := make([]secretTag, 0, len(keys))
	for _, k := range keys {
		list = append(list, secretTag{k, tags[k]})
	}
	sec, err := s.newSecretLocked(a, region, name, "", kmsKey, list, s.now())
	if err != nil {
		return "", err
	}
	str := secretString
	sec.addVersion(newVersionID(), &str, nil, nil, sec.created)
	return sec.arn, nil
}

// newSecretLocked adds a secret with no versions yet.
func (s *Server) newSecretLocked(a *account, region, name, description, kmsKey string, tags []secretTag, now time.Time) (*secret, error) {
	if err := validSecretName(name); err != nil {
		return nil, err
	}
	st := secretsState(a, region)
	if arn, ok := s.secretARNLocked(a, region, name); ok && arn != "" {
		if st.byARN[arn].deleted.IsZero() {
			return nil, badRequest("ResourceExistsException", "The operation failed because the secret %s already exists.", name)
		}
		return nil, badRequest("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
	}
	if err := s.checkSecretKeyLocked(a, region, kmsKey); err != nil {
		return nil, err
	}
	sec := &secret{
		arn: secretARN(a.id, region, name), name: name, description: description,
		account: a.id, region: region, kmsKey: kmsKey, tags: tags,
		versions: map[string]*secretVersion{}, created: now, changed: now,
	}
	st.byARN[sec.arn] = sec
	return sec, nil
}

// checkSecretKeyLocked checks that a secret's KMS key reference resolves:
// the owner's keys by ID or alias, another account's only by ARN.
func (s *Server) checkSecretKeyLocked(a *account, region, kmsKey string) error {
	if kmsKey == "" {
		return nil
	}
	k, err := s.findKMSKeyLocked(a.id, region, kmsKey)
	if err != nil || (k.account != a.id && !strings.HasPrefix(kmsKey, "arn:")) {
		return badRequest("ResourceNotFoundException", "Secrets Manager can't find the specified encryption key.")
	}
	return nil
}

// validSecretName applies Secrets Manager's naming rules.
func validSecretName(name string) error {
	if name == "" || len(name) > 512 {
		return badRequest("ValidationException", "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length between 1 and 512")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/_+=.@-!", r)) {
			return badRequest("ValidationException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
		}
	}
	return nil
}

func newVersionID() string {
	return stableUUID(randomString(16))
}

// addVersion stores a new version with the given stages (AWSCURRENT if
// none). Stages move from other versions; the version losing AWSCURRENT
// becomes AWSPREVIOUS, and versions left without stages are dropped.
func (sec *secret) addVersion(id string, str *string, bin []byte, stages []string, now time.Time) *secretVersion {
	if len(stages) == 0 {
		stages = []string{"AWSCURRENT"}
	}
	makesCurrent := hasStage(stages, "AWSCURRENT")
	for _, v := range sec.versions {
		wasCurrent := hasStage(v.stages, "AWSCURRENT")
		for _, st := range stages {
			v.stages = removeStage(v.stages, st)
		}
		if makesCurrent {
			v.stages = removeStage(v.stages, "AWSPREVIOUS")
			if wasCurrent {
				v.stages = append(v.stages, "AWSPREVIOUS")
			}
		}
		if len(v.stages) == 0 {
			delete(sec.versions, v.id)
		}
	}
	v := &secretVersion{id: id, str: str, bin: bin, stages: append([]string{}, stages...), created: now}
	sec.versions[id] = v
	sec.changed = now
	return v
}

func hasStage(stages []string, stage string) bool {
	for _, s := range stages {
		if s == stage {
			return true
		}
	}
	return false
}

func removeStage(stages []string, stage string) []string {
	out := stages[:0:0]
	for _, s := range stages {
		if s != stage {
			out = append(out, s)
		}
	}
	return out
}

// secretARNLocked resolves a secret name or ARN in an account and region.
// A full ARN, a partial ARN (without the random suffix) and a name all
// resolve; a name that ends like a suffix ("-abcdef") is tried as a name
// first, as AWS does.
func (s *Server) secretARNLocked(a *account, region, nameOrARN string) (string, bool) {
	st := secretsState(a, region)
	if strings.HasPrefix(nameOrARN, "arn:") {
		if s.liveOrPendingLocked(st, nameOrARN) {
			return nameOrARN, true
		}
		parts := strings.SplitN(nameOrARN, ":", 7)
		if len(parts) != 7 || parts[2] != "secretsmanager" || parts[3] != region || parts[4] != a.id || parts[5] != "secret" {
			return "", false
		}
		nameOrARN = parts[6]
		// A partial ARN names the secret without its suffix.
		if arn := secretARN(a.id, region, nameOrARN); s.liveOrPendingLocked(st, arn) {
			return arn, true
		}
		return "", false
	}
	if arn := secretARN(a.id, region, nameOrARN); s.liveOrPendingLocked(st, arn) {
		return arn, true
	}
	return "", false
}

// liveOrPendingLocked reports whether a secret exists, purging it first if
// its recovery window has passed.
func (s *Server) liveOrPendingLocked(st *secretsRegion, arn string) bool {
	sec := st.byARN[arn]
	if sec == nil {
		return false
	}
	if !sec.purgeAt.IsZero() && !s.now().Before(sec.purgeAt) {
		delete(st.byARN, arn)
		return false
	}
	return true
}

func (s *Server) loadSecrets(a *account, w *world.Account) error {
	for _, ws := range w.Secrets {
		tags := make([]secretTag, 0, len(ws.Tags))
		keys := make([]string, 0, len(ws.Tags))
		for k := range ws.Tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			tags = append(tags, secretTag{k, ws.Tags[k]})
		}
		now := s.now()
		sec, err := s.newSecretLocked(a, ws.Region, ws.Name, ws.Description, ws.KMSKey, tags, now)
		if err != nil {
			return fmt.Errorf("account %s: secret %s: %v", a.id, ws.Name, err)
		}
		str := ws.SecretString
		sec.addVersion(newVersionID(), &str, nil, nil, now)
		if ws.ResourcePolicy != "" {
			pd, err := s.parseSecretPolicy(string(ws.ResourcePolicy))
			if err != nil {
				return fmt.Errorf("account %s: secret %s: %v", a.id, ws.Name, err)
			}
			sec.policy = &pd
		}
	}
	return nil
}
