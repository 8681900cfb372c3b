// Package inventory lists RDS resources of one account and region as rows.
//
// Each function makes one RDS client from the aws.Config it is given (which
// carries the account's credentials, the region and the retryer), reads
// every page of one or two Describe operations and returns our own row
// structs, sorted by identifier. The rows' JSON field names are a public
// contract (rdsfleet ls -o json): fields are only ever added, never renamed
// or removed, and every field is always present (no omitempty).
//
// Conventions shared by every row type:
//   - account, account_name and region say where the resource lives;
//   - times are RFC 3339 strings in UTC ("2025-06-01T12:00:00Z"), "" when
//     RDS gives none;
//   - tags is a JSON object, {} when the resource has no tags;
//   - values RDS leaves out are the zero value ("", 0, false).
package inventory

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"golang.org/x/time/rate"
)

// Limiter paces calls to stay under RDS's own throttle (one per account
// and region, shared by the functions below); nil means no pacing.
// *rate.Limiter (golang.org/x/time/rate) satisfies it; a nil
// *rate.Limiter also means no pacing.
type Limiter interface {
	Wait(ctx context.Context) error
}

// maxRecords is the page size asked of every Describe call: RDS's maximum,
// so that a region takes as few calls as possible.
const maxRecords = 100

// pager is what the SDK's paginators have in common.
type pager[T any] interface {
	HasMorePages() bool
	NextPage(ctx context.Context, optFns ...func(*rds.Options)) (T, error)
}

// eachPage reads every page of p, waiting for lim before each request, and
// hands each page to fn. Errors, from the limiter or the SDK, are wrapped
// with op ("describe db instances: ...") and otherwise left as they are,
// so that smithy.APIError and friends stay reachable with errors.As.
func eachPage[T any](ctx context.Context, lim Limiter, op string, p pager[T], fn func(T)) error {
	if l, ok := lim.(*rate.Limiter); ok && l == nil {
		lim = nil // a typed nil would panic in Wait
	}
	for p.HasMorePages() {
		if lim != nil {
			if err := lim.Wait(ctx); err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		fn(page)
	}
	return nil
}

// tagMap turns a TagList into a map; never nil, so that JSON shows {}.
func tagMap(tags []rdstypes.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		if t.Key != nil {
			m[*t.Key] = deref(t.Value)
		}
	}
	return m
}

// timeString formats an optional SDK time as RFC 3339 in UTC.
func timeString(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func intOf(p *int32) int { return int(deref(p)) }

// resourceID returns the identifier an RDS ARN names:
// "arn:aws:rds:us-east-1:111111111111:db:orders" gives "orders". Anything
// that is not an ARN is returned as it is.
func resourceID(arn string) string {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" {
		return arn
	}
	return parts[6]
}
