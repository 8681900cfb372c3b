package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"golang.org/x/sync/errgroup"
)

// OrgOptions say how accounts found in AWS Organizations are reached.
type OrgOptions struct {
	RoleTemplate RoleTemplate
	ExternalID   string
	// CacheDir and CacheTTL keep the account list between runs so large
	// organizations don't call the Organizations API every time; an empty
	// CacheDir or a zero TTL disables the cache.
	CacheDir string
	CacheTTL time.Duration
	// Refresh ignores a cached list (but still writes the new one).
	Refresh bool
	Now     func() time.Time
}

// OrgResult is the organization's active accounts, and how many were
// skipped because they are suspended or closing.
type OrgResult struct {
	Accounts  []Account `json:"accounts"`
	Skipped   int       `json:"skipped"`
	FromCache bool      `json:"-"`
	FetchedAt time.Time `json:"fetched_at"`
}

// OrgAPI is the part of the Organizations client discovery uses.
type OrgAPI interface {
	organizations.ListAccountsAPIClient
	ListParents(ctx context.Context, in *organizations.ListParentsInput, optFns ...func(*organizations.Options)) (*organizations.ListParentsOutput, error)
	DescribeOrganizationalUnit(ctx context.Context, in *organizations.DescribeOrganizationalUnitInput, optFns ...func(*organizations.Options)) (*organizations.DescribeOrganizationalUnitOutput, error)
	ListTagsForResource(ctx context.Context, in *organizations.ListTagsForResourceInput, optFns ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error)
	DescribeOrganization(ctx context.Context, in *organizations.DescribeOrganizationInput, optFns ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
}

// FromOrganizations lists the organization's active accounts (every page)
// with their OU path and tags, through a management or delegated-admin
// identity. cacheKey identifies that identity (e.g. its profile name).
func FromOrganizations(ctx context.Context, api OrgAPI, cacheKey string, opts OrgOptions) (*OrgResult, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	tmpl := opts.RoleTemplate
	if tmpl == "" {
		tmpl = DefaultRoleTemplate
	}
	cachePath := ""
	if opts.CacheDir != "" && opts.CacheTTL > 0 {
		sum := sha256.Sum256([]byte(cacheKey + "\x00" + string(tmpl)))
		cachePath = filepath.Join(opts.CacheDir, "org-"+hex.EncodeToString(sum[:8])+".json")
		if !opts.Refresh {
			if r, ok := readOrgCache(cachePath, opts.CacheTTL, now()); ok {
				for i := range r.Accounts {
					r.Accounts[i].ExternalID = opts.ExternalID
				}
				return r, nil
			}
		}
	}
	org, err := api.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return nil, fmt.Errorf("organizations: describe organization: %w", err)
	}
	partition := "aws"
	if arn := aws.ToString(org.Organization.Arn); strings.HasPrefix(arn, "arn:") {
		partition = strings.SplitN(arn, ":", 3)[1]
	}
	res := &OrgResult{FetchedAt: now()}
	pages := organizations.NewListAccountsPaginator(api, &organizations.ListAccountsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("organizations: list accounts: %w", err)
		}
		for _, a := range page.Accounts {
			if a.State != orgtypes.AccountStateActive && a.Status != orgtypes.AccountStatusActive {
				res.Skipped++
				continue
			}
			id := aws.ToString(a.Id)
			name := aws.ToString(a.Name)
			res.Accounts = append(res.Accounts, Account{
				ID: id, Name: name, Source: "organizations",
				RoleARN: tmpl.Expand(partition, id, name), ExternalID: opts.ExternalID,
			})
		}
	}
	if err := enrichOrgAccounts(ctx, api, res.Accounts); err != nil {
		return nil, err
	}
	Sort(res.Accounts)
	if cachePath != "" {
		writeOrgCache(cachePath, res)
	}
	return res, nil
}

// enrichOrgAccounts adds each account's OU path and tags, a few accounts
// at a time: the Organizations API allows only a handful of calls a second.
func enrichOrgAccounts(ctx context.Context, api OrgAPI, accts []Account) error {
	var mu sync.Mutex
	ouNames := map[string]string{}
	parents := map[string]string{} // child → parent
	parentOf := func(ctx context.Context, child string) (string, string, error) {
		mu.Lock()
		p, ok := parents[child]
		mu.Unlock()
		if ok {
			return p, "", nil
		}
		out, err := api.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
		if err != nil {
			return "", "", err
		}
		if len(out.Parents) == 0 {
			return "", "", nil
		}
		p = aws.ToString(out.Parents[0].Id)
		mu.Lock()
		parents[child] = p
		mu.Unlock()
		return p, string(out.Parents[0].Type), nil
	}
	ouName := func(ctx context.Context, id string) (string, error) {
		mu.Lock()
		n, ok := ouNames[id]
		mu.Unlock()
		if ok {
			return n, nil
		}
		out, err := api.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String(id)})
		if err != nil {
			return "", err
		}
		n = aws.ToString(out.OrganizationalUnit.Name)
		mu.Lock()
		ouNames[id] = n
		mu.Unlock()
		return n, nil
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range accts {
		a := &accts[i]
		g.Go(func() error {
			var path []string
			for child := a.ID; ; {
				parent, _, err := parentOf(ctx, child)
				if err != nil {
					return fmt.Errorf("organizations: parents of %s: %w", child, err)
				}
				if parent == "" || strings.HasPrefix(parent, "r-") {
					break
				}
				name, err := ouName(ctx, parent)
				if err != nil {
					return fmt.Errorf("organizations: describe %s: %w", parent, err)
				}
				path = append([]string{name}, path...)
				child = parent
			}
			a.OU = strings.Join(path, "/")
			tags := map[string]string{}
			pages := organizations.NewListTagsForResourcePaginator(api, &organizations.ListTagsForResourceInput{ResourceId: aws.String(a.ID)})
			for pages.HasMorePages() {
				page, err := pages.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("organizations: tags of %s: %w", a.ID, err)
				}
				for _, t := range page.Tags {
					tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
			if len(tags) > 0 {
				a.Tags = tags
			}
			return nil
		})
	}
	return g.Wait()
}

func readOrgCache(path string, ttl time.Duration, now time.Time) (*OrgResult, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var r OrgResult
	if json.Unmarshal(data, &r) != nil || now.Sub(r.FetchedAt) > ttl || now.Before(r.FetchedAt) {
		return nil, false
	}
	r.FromCache = true
	return &r, true
}

// writeOrgCache is best effort: a failed write only costs an API call next
// time.
func writeOrgCache(path string, r *OrgResult) {
	data, err := json.Marshal(r)
	if err != nil {
		return
	}
	if os.MkdirAll(filepath.Dir(path), 0o700) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".org-*")
	if err != nil {
		return
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil || tmp.Close() != nil {
		return
	}
	os.Rename(tmp.Name(), path)
}
