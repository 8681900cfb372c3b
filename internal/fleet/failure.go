package fleet

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/rdsfleet/rdsfleet/internal/awsconfig"
	"github.com/rdsfleet/rdsfleet/internal/creds"
	"github.com/rdsfleet/rdsfleet/internal/output"
	"github.com/rdsfleet/rdsfleet/internal/sweep"
)

// Failure describes a target's error for the user: which account and
// region, at which stage, AWS's code and message, and what to try.
func Failure(t sweep.Target, err error) output.Failure {
	f := output.Failure{Account: t.Account.ID, AccountName: t.Account.Name, Region: t.Region, Stage: "api"}
	var assume *creds.AssumeError
	if errors.As(err, &assume) {
		f.Stage = "assume-role"
	}
	var ae smithy.APIError
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		f.Code, f.Message = "Cancelled", "the sweep was cancelled before this finished"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		f.Code, f.Message = "Timeout", "no answer in time"
		f.Hint = "the endpoint is slow or unreachable from this host; retry, or lower --concurrency"
	case awsconfig.IsCertificateError(err):
		f.Code, f.Message = "Certificate", err.Error()
		f.Hint = "this host does not trust the endpoint's (or proxy's) TLS certificate; point AWS_CA_BUNDLE at the CA that signed it"
	case errors.As(err, &ae):
		f.Code, f.Message = ae.ErrorCode(), ae.ErrorMessage()
		f.Hint = hint(f.Stage, f.Code, t)
	default:
		f.Code, f.Message = "Error", err.Error()
	}
	return f
}

func hint(stage, code string, t sweep.Target) string {
	acct := t.Account.Name
	switch {
	case stage == "assume-role" && code == "AccessDenied":
		return "the role's trust policy must trust the caller named in the message, and the caller's own policy must allow sts:AssumeRole on " +
			t.Account.RoleARN + "; check with: rdsfleet whoami --account " + acct
	case stage == "assume-role" && code == "ValidationError":
		return "check the session duration and name for this account"
	case code == "InvalidClientTokenId" || code == "UnrecognizedClientException" || code == "AuthFailure":
		return "region " + t.Region + " may not be enabled for account " + t.Account.ID + "; leave it out with --region or enable it"
	case code == "ExpiredToken" || code == "ExpiredTokenException" || code == "RequestExpired":
		return "credentials expired mid-run; run again (rdsfleet cache clear if it repeats)"
	case code == "AccessDenied" || code == "AccessDeniedException" || code == "UnauthorizedOperation":
		return "the role " + t.Account.RoleARN + " lacks this permission; AmazonRDSReadOnlyAccess covers listing"
	case strings.Contains(code, "Throttl") || code == "RequestLimitExceeded":
		return "throttled past the retry budget; lower --concurrency or run again"
	}
	return ""
}
