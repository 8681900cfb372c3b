package policy

import (
	"embed"
	"sort"
	"sync"
)

// managedFS holds the AWS managed policy documents, one file per policy,
// copied verbatim from AWS (default version as of the VersionID below).
//
//go:embed managed/*.json
var managedFS embed.FS

// ManagedPolicyInfo describes an AWS managed policy for GetPolicy/ListPolicies.
type ManagedPolicyInfo struct {
	ARN         string
	Name        string
	Path        string // e.g. "/" or "/service-role/"
	VersionID   string // the default version, e.g. "v13"
	Description string
}

var managedCatalog = []ManagedPolicyInfo{
	{Name: "AdministratorAccess", Path: "/", VersionID: "v1",
		Description: "Provides full access to AWS services and resources."},
	{Name: "AmazonRDSFullAccess", Path: "/", VersionID: "v13",
		Description: "Provides full access to Amazon RDS via the AWS Management Console."},
	{Name: "AmazonRDSReadOnlyAccess", Path: "/", VersionID: "v7",
		Description: "Provides read only access to Amazon RDS via the AWS Management Console."},
	{Name: "IAMFullAccess", Path: "/", VersionID: "v2",
		Description: "Provides full access to IAM via the AWS Management Console."},
	{Name: "IAMReadOnlyAccess", Path: "/", VersionID: "v4",
		Description: "Provides read only access to IAM via the AWS Management Console."},
	{Name: "AmazonVPCFullAccess", Path: "/", VersionID: "v10",
		Description: "Provides full access to Amazon VPC via the AWS Management Console."},
	{Name: "AWSLambdaBasicExecutionRole", Path: "/service-role/", VersionID: "v1",
		Description: "Provides write permissions to CloudWatch Logs."},
	{Name: "SecretsManagerReadWrite", Path: "/", VersionID: "v6",
		Description: "Provides read/write access to AWS Secrets Manager via the AWS Management Console. Note: this exludes IAM actions, so combine with IAMFullAccess if rotation configuration is required."},
}

type managedEntry struct {
	info ManagedPolicyInfo
	doc  *Document
}

var (
	managedOnce  sync.Once
	managedByARN map[string]managedEntry
	managedErr   error
)

func managedARN(path, name string) string { return "arn:aws:iam::aws:policy" + path + name }

// loadManaged parses every embedded document once. A parse failure is a
// bug in the embedded data; it is kept in managedErr (and caught by tests)
// rather than panicking.
func loadManaged() {
	managedByARN = make(map[string]managedEntry, len(managedCatalog))
	for _, info := range managedCatalog {
		info.ARN = managedARN(info.Path, info.Name)
		raw, err := managedFS.ReadFile("managed/" + info.Name + ".json")
		if err != nil {
			managedErr = err
			continue
		}
		doc, err := Parse(string(raw), KindIdentity)
		if err != nil {
			managedErr = err
			continue
		}
		managedByARN[info.ARN] = managedEntry{info: info, doc: doc}
	}
}

// AWSManaged returns the AWS managed policy with this ARN
// (arn:aws:iam::aws:policy/...), parsed. The Document is shared: callers
// must not modify it.
func AWSManaged(arn string) (*Document, bool) {
	managedOnce.Do(loadManaged)
	e, ok := managedByARN[arn]
	return e.doc, ok
}

// AWSManagedInfo returns the metadata of an AWS managed policy.
func AWSManagedInfo(arn string) (ManagedPolicyInfo, bool) {
	managedOnce.Do(loadManaged)
	e, ok := managedByARN[arn]
	return e.info, ok
}

// AWSManagedARNs lists the AWS managed policies this package knows, sorted.
func AWSManagedARNs() []string {
	managedOnce.Do(loadManaged)
	out := make([]string, 0, len(managedByARN))
	for arn := range managedByARN {
		out = append(out, arn)
	}
	sort.Strings(out)
	return out
}
