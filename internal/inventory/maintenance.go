package inventory

import (
	"cmp"
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
)

// MaintenanceRow is one pending maintenance action on one resource (a DB
// instance or a DB cluster), as DescribePendingMaintenanceActions reports it.
type MaintenanceRow struct {
	Account     string `json:"account"`
	AccountName string `json:"account_name"`
	Region      string `json:"region"`

	Resource    string `json:"resource"`     // identifier of the instance or cluster, from its ARN
	ResourceARN string `json:"resource_arn"` // ResourceIdentifier, the ARN
	Action      string `json:"action"`       // system-update, db-upgrade, os-upgrade, ...
	Description string `json:"description"`

	// Dates, RFC 3339 UTC; "" when RDS gives none.
	AutoAppliedAfter string `json:"auto_applied_after"` // applied in the next window after this date
	ForcedApplyDate  string `json:"forced_apply_date"`  // applied at this date, whatever the window
	CurrentApplyDate string `json:"current_apply_date"` // when it will actually be applied
	OptInStatus      string `json:"opt_in_status"`      // immediate, next-maintenance, undo-opt-in, or ""
}

// MaintenanceColumns are the default columns of table and CSV output of
// pending maintenance.
var MaintenanceColumns = []string{
	"account_name", "region", "resource", "action", "current_apply_date",
	"forced_apply_date", "opt_in_status", "description",
}

// Maintenance lists the pending maintenance actions of one account and
// region, one row per action, sorted by resource, then action.
func Maintenance(ctx context.Context, cfg aws.Config, acct accounts.Account, region string, lim Limiter) ([]MaintenanceRow, error) {
	c := rds.NewFromConfig(cfg)
	p := rds.NewDescribePendingMaintenanceActionsPaginator(c, &rds.DescribePendingMaintenanceActionsInput{MaxRecords: aws.Int32(maxRecords)})
	rows := []MaintenanceRow{}
	err := eachPage(ctx, lim, "describe pending maintenance actions", p, func(out *rds.DescribePendingMaintenanceActionsOutput) {
		for _, res := range out.PendingMaintenanceActions {
			arn := deref(res.ResourceIdentifier)
			for _, a := range res.PendingMaintenanceActionDetails {
				rows = append(rows, MaintenanceRow{
					Account: acct.ID, AccountName: acct.Name, Region: region,
					Resource: resourceID(arn), ResourceARN: arn,
					Action: deref(a.Action), Description: deref(a.Description),
					AutoAppliedAfter: timeString(a.AutoAppliedAfterDate), ForcedApplyDate: timeString(a.ForcedApplyDate),
					CurrentApplyDate: timeString(a.CurrentApplyDate), OptInStatus: deref(a.OptInStatus),
				})
			}
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b MaintenanceRow) int {
		return cmp.Or(cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.ResourceARN, b.ResourceARN), cmp.Compare(a.Action, b.Action))
	})
	return rows, nil
}
