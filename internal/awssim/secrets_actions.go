package awssim

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

type smTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type smCreateSecretInput struct {
	Name               string
	ClientRequestToken string
	Description        string
	KmsKeyId           string
	SecretBinary       []byte
	SecretString       *string
	Tags               []smTag
}

type smSecretRef struct {
	ARN       string `json:"ARN"`
	Name      string `json:"Name"`
	VersionId string `json:"VersionId,omitempty"`
}

func smCreateSecret(c *call) (any, error) {
	var in smCreateSecretInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Name == "" {
		return nil, badRequest("ValidationException", "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
	}
	if in.SecretString != nil && in.SecretBinary != nil {
		return nil, badRequest("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.")
	}
	if err := validSecretName(in.Name); err != nil {
		return nil, err
	}
	a := c.account()
	ctx := policy.Context{}
	ctx.Set("secretsmanager:Name", in.Name)
	if in.KmsKeyId != "" {
		ctx.Set("secretsmanager:KmsKeyId", in.KmsKeyId)
	}
	tags := make([]secretTag, 0, len(in.Tags))
	for _, t := range in.Tags {
		tags = append(tags, secretTag{t.Key, t.Value})
		ctx.Set("aws:RequestTag/"+t.Key, t.Value)
	}
	if len(tags) > 0 {
		keys := make([]string, len(tags))
		for i, t := range tags {
			keys[i] = t.Key
		}
		ctx.Set("aws:TagKeys", keys...)
	}
	if err := c.authorize(authz{action: "secretsmanager:CreateSecret", resource: secretARN(a.id, c.region, in.Name), context: ctx}); err != nil {
		return nil, err
	}
	if err := c.s.checkSecretKeyLocked(a, c.region, in.KmsKeyId); err != nil {
		return nil, err
	}
	if in.SecretString != nil || in.SecretBinary != nil {
		if err := c.s.kmsSecretsKeyAllowedLocked(c, "kms:GenerateDataKey", in.KmsKeyId, a.id, c.region, secretARN(a.id, c.region, in.Name)); err != nil {
			return nil, err
		}
	}
	sec, err := c.s.newSecretLocked(a, c.region, in.Name, in.Description, in.KmsKeyId, tags, c.now)
	if err != nil {
		return nil, err
	}
	out := smSecretRef{ARN: sec.arn, Name: sec.name}
	if in.SecretString != nil || in.SecretBinary != nil {
		id := in.ClientRequestToken
		if id == "" {
			id = newVersionID()
		}
		sec.addVersion(id, in.SecretString, in.SecretBinary, nil, c.now)
		out.VersionId = id
	}
	return out, nil
}

type smSecretIDInput struct {
	SecretId     string
	VersionId    string
	VersionStage string
}

type smGetSecretValueOutput struct {
	ARN           string    `json:"ARN"`
	Name          string    `json:"Name"`
	VersionId     string    `json:"VersionId"`
	SecretString  *string   `json:"SecretString,omitempty"`
	SecretBinary  []byte    `json:"SecretBinary,omitempty"`
	VersionStages []string  `json:"VersionStages"`
	CreatedDate   epochTime `json:"CreatedDate"`
}

func smGetSecretValue(c *call) (any, error) {
	var in smSecretIDInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	ctx := policy.Context{}
	if in.VersionStage != "" {
		ctx.Set("secretsmanager:VersionStage", in.VersionStage)
	}
	if in.VersionId != "" {
		ctx.Set("secretsmanager:VersionId", in.VersionId)
	}
	sec, err := c.resolveSecret(in.SecretId, "secretsmanager:GetSecretValue", ctx)
	if err != nil {
		return nil, err
	}
	if !sec.deleted.IsZero() {
		return nil, errMarkedForDeletion()
	}
	v, err := sec.version(in.VersionId, in.VersionStage)
	if err != nil {
		return nil, err
	}
	if err := c.s.kmsDecryptAllowedLocked(c, sec.kmsKey, sec.account, sec.region, sec.arn); err != nil {
		return nil, err
	}
	// AWS records access by day.
	sec.accessed = c.now.UTC().Truncate(24 * time.Hour)
	return smGetSecretValueOutput{ARN: sec.arn, Name: sec.name, VersionId: v.id, SecretString: v.str, SecretBinary: v.bin,
		VersionStages: append([]string{}, v.stages...), CreatedDate: epochTime(v.created)}, nil
}

// version selects a version by ID and/or stage (AWSCURRENT by default).
func (sec *secret) version(id, stage string) (*secretVersion, error) {
	if id != "" {
		v := sec.versions[id]
		if v == nil || (stage != "" && !hasStage(v.stages, stage)) {
			return nil, badRequest("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: %s", id)
		}
		return v, nil
	}
	if stage == "" {
		stage = "AWSCURRENT"
	}
	for _, v := range sec.versions {
		if hasStage(v.stages, stage) {
			return v, nil
		}
	}
	return nil, badRequest("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: %s", stage)
}

type smDescribeSecretOutput struct {
	ARN                string              `json:"ARN"`
	Name               string              `json:"Name"`
	Description        string              `json:"Description,omitempty"`
	KmsKeyId           string              `json:"KmsKeyId,omitempty"`
	RotationEnabled    *bool               `json:"RotationEnabled,omitempty"`
	LastChangedDate    *epochTime          `json:"LastChangedDate,omitempty"`
	LastAccessedDate   *epochTime          `json:"LastAccessedDate,omitempty"`
	DeletedDate        *epochTime          `json:"DeletedDate,omitempty"`
	Tags               []smTag             `json:"Tags,omitempty"`
	VersionIdsToStages map[string][]string `json:"VersionIdsToStages,omitempty"`
	OwningService      string              `json:"OwningService,omitempty"`
	CreatedDate        *epochTime          `json:"CreatedDate,omitempty"`
	PrimaryRegion      string              `json:"PrimaryRegion,omitempty"`
}

// describeSecretLocked is the secret's metadata as DescribeSecret shows it.
func (s *Server) describeSecretLocked(sec *secret) smDescribeSecretOutput {
	f := false
	out := smDescribeSecretOutput{ARN: sec.arn, Name: sec.name, Description: sec.description, RotationEnabled: &f,
		LastChangedDate: epochPtr(sec.changed), LastAccessedDate: epochPtr(sec.accessed), DeletedDate: epochPtr(sec.deleted),
		CreatedDate: epochPtr(sec.created), PrimaryRegion: sec.region, VersionIdsToStages: map[string][]string{}}
	if sec.kmsKey != "" {
		out.KmsKeyId = sec.kmsKey
		if k, err := s.findKMSKeyLocked(sec.account, sec.region, sec.kmsKey); err == nil {
			out.KmsKeyId = k.arn
		}
	}
	for _, t := range sec.tags {
		out.Tags = append(out.Tags, smTag{t.Key, t.Value})
		if t.Key == "aws:secretsmanager:owningService" {
			out.OwningService = t.Value
		}
	}
	for id, v := range sec.versions {
		if len(v.stages) > 0 {
			out.VersionIdsToStages[id] = append([]string{}, v.stages...)
		}
	}
	return out
}

func epochPtr(t time.Time) *epochTime {
	if t.IsZero() {
		return nil
	}
	e := epochTime(t)
	return &e
}

func smDescribeSecret(c *call) (any, error) {
	var in smSecretIDInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	sec, err := c.resolveSecret(in.SecretId, "secretsmanager:DescribeSecret", nil)
	if err != nil {
		return nil, err
	}
	return c.s.describeSecretLocked(sec), nil
}

type smFilter struct {
	Key    string
	Values []string
}

type smListSecretsInput struct {
	MaxResults             *int
	NextToken              string
	Filters                []smFilter
	SortOrder              string
	IncludePlannedDeletion bool
}

type smListEntry struct {
	smDescribeSecretOutput
	VersionIdsToStages     map[string][]string `json:"VersionIdsToStages,omitempty"` // hidden: the list calls it SecretVersionsToStages
	SecretVersionsToStages map[string][]string `json:"SecretVersionsToStages,omitempty"`
}

func smListSecrets(c *call) (any, error) {
	var in smListSecretsInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if err := c.can("secretsmanager:ListSecrets", "*"); err != nil {
		return nil, err
	}
	max := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return nil, badRequest("InvalidParameterException", "Invalid MaxResults value: %d. The value must be between 1 and 100.", *in.MaxResults)
		}
		max = *in.MaxResults
	}
	for _, f := range in.Filters {
		switch f.Key {
		case "description", "name", "tag-key", "tag-value", "primary-region", "all", "owning-service":
		default:
			return nil, badRequest("ValidationException", "1 validation error detected: Value '%s' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [all, name, tag-key, description, tag-value, primary-region, owning-service]", f.Key)
		}
		if len(f.Values) == 0 {
			return nil, badRequest("InvalidParameterException", "Invalid filter values provided for filter key: %s.", f.Key)
		}
	}
	st := secretsState(c.account(), c.region)
	var list []*secret
	for _, sec := range st.byARN {
		if !sec.deleted.IsZero() && !in.IncludePlannedDeletion {
			continue
		}
		if matchSecretFilters(sec, in.Filters) {
			list = append(list, sec)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].created.Equal(list[j].created) {
			return list[i].created.Before(list[j].created)
		}
		return list[i].name < list[j].name
	})
	if strings.EqualFold(in.SortOrder, "desc") {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	start := 0
	if in.NextToken != "" {
		n, ok := decodePageToken(in.NextToken)
		if !ok || n > len(list) {
			return nil, badRequest("InvalidNextTokenException", "The NextToken value is invalid.")
		}
		start = n
	}
	end := min(start+max, len(list))
	out := struct {
		SecretList []smListEntry `json:"SecretList"`
		NextToken  string        `json:"NextToken,omitempty"`
	}{SecretList: []smListEntry{}}
	for _, sec := range list[start:end] {
		d := c.s.describeSecretLocked(sec)
		out.SecretList = append(out.SecretList, smListEntry{smDescribeSecretOutput: d, SecretVersionsToStages: d.VersionIdsToStages})
	}
	if end < len(list) {
		out.NextToken = encodePageToken(end)
	}
	return out, nil
}

func encodePageToken(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("page:" + strconv.Itoa(n)))
}

func decodePageToken(tok string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(b), "page:") {
		return 0, false
	}
	n, err := strconv.Atoi(string(b[5:]))
	return n, err == nil && n >= 0
}

// matchSecretFilters applies ListSecrets filters: prefix matches, "!"
// negates, values of one filter OR together and filters AND together.
func matchSecretFilters(sec *secret, filters []smFilter) bool {
	for _, f := range filters {
		any := false
		for _, v := range f.Values {
			neg := strings.HasPrefix(v, "!")
			v = strings.TrimPrefix(v, "!")
			if secretFilterMatch(sec, f.Key, v) != neg {
				any = true
			}
		}
		if !any {
			return false
		}
	}
	return true
}

func secretFilterMatch(sec *secret, key, v string) bool {
	switch key {
	case "name":
		return strings.HasPrefix(sec.name, v)
	case "description":
		return strings.HasPrefix(strings.ToLower(sec.description), strings.ToLower(v))
	case "primary-region":
		return strings.HasPrefix(sec.region, v)
	case "tag-key":
		for _, t := range sec.tags {
			if strings.HasPrefix(t.Key, v) {
				return true
			}
		}
	case "tag-value":
		for _, t := range sec.tags {
			if strings.HasPrefix(t.Value, v) {
				return true
			}
		}
	case "all":
		for _, w := range strings.Fields(strings.ToLower(v)) {
			fields := []string{sec.name, sec.description}
			for _, t := range sec.tags {
				fields = append(fields, t.Key, t.Value)
			}
			for _, f := range fields {
				if strings.Contains(strings.ToLower(f), w) {
					return true
				}
			}
		}
	}
	return false
}
