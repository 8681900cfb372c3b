package output

import (
	"cmp"
	"slices"
	"strings"
)

// Failure is one account-region (or account) that could not be swept.
type Failure struct {
	Account     string `json:"account"`
	AccountName string `json:"account_name"`
	Region      string `json:"region"`
	Stage       string `json:"stage"` // where it failed, e.g. "assume-role"
	Code        string `json:"code"`  // e.g. "AccessDenied"
	Message     string `json:"message"`
	Hint        string `json:"hint"` // what to do about it, if known
}

// Error returns the failure on one line, without the hint:
// "prod (123456789012) us-east-1: AccessDenied: message".
func (f Failure) Error() string {
	var b strings.Builder
	switch {
	case f.AccountName != "" && f.Account != "":
		b.WriteString(f.AccountName + " (" + f.Account + ")")
	default:
		b.WriteString(f.AccountName + f.Account)
	}
	if f.Region != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.Region)
	}
	for _, s := range []string{f.Code, f.Message} {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(s)
	}
	if f.Code == "" && f.Message == "" {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString("failed")
	}
	return b.String()
}

// sortedFailures returns the failures ordered by account name, account,
// region and stage, so that output does not depend on the sweep's timing.
func sortedFailures(fs []Failure) []Failure {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b Failure) int {
		return cmp.Or(
			cmp.Compare(a.AccountName, b.AccountName),
			cmp.Compare(a.Account, b.Account),
			cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Stage, b.Stage),
		)
	})
	if out == nil {
		out = []Failure{}
	}
	return out
}
