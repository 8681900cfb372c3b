package awssim

import (
	"sort"
	"strings"
	"time"
)

type xmlPendingMaintenanceAction struct {
	Action               string
	AutoAppliedAfterDate string `xml:",omitempty"`
	ForcedApplyDate      string `xml:",omitempty"`
	OptInStatus          string `xml:",omitempty"`
	CurrentApplyDate     string `xml:",omitempty"`
	Description          string `xml:",omitempty"`
}

type xmlResourcePendingMaintenanceActions struct {
	ResourceIdentifier              string
	PendingMaintenanceActionDetails []xmlPendingMaintenanceAction `xml:"PendingMaintenanceActionDetails>PendingMaintenanceAction"`
}

type xmlPendingMaintenanceActionsMessage struct {
	PendingMaintenanceActions []xmlResourcePendingMaintenanceActions `xml:"PendingMaintenanceActions>ResourcePendingMaintenanceActions"`
	Marker                    string                                 `xml:",omitempty"`
}

type xmlApplyPendingMaintenanceActionResult struct {
	ResourcePendingMaintenanceActions xmlResourcePendingMaintenanceActions
}

// pendingActions lists an instance's pending maintenance, dropping actions
// applied immediately once their work is done.
func (c *call) pendingActions(d *dbInstance) xmlResourcePendingMaintenanceActions {
	out := xmlResourcePendingMaintenanceActions{ResourceIdentifier: d.arn}
	kept := d.maintenance[:0]
	for _, m := range d.maintenance {
		if m.optIn == "immediate" && !c.now.Before(m.currentApply.Add(c.s.transitionTime())) {
			continue
		}
		kept = append(kept, m)
		x := xmlPendingMaintenanceAction{
			Action: m.action, AutoAppliedAfterDate: rdsTime(m.autoApplied), ForcedApplyDate: rdsTime(m.forced),
			OptInStatus: m.optIn, CurrentApplyDate: rdsTime(m.currentApply), Description: m.description,
		}
		if x.CurrentApplyDate == "" {
			// Without an opt-in, the action applies at the first of its dates.
			switch {
			case !m.autoApplied.IsZero():
				x.CurrentApplyDate = rdsTime(m.autoApplied)
			case !m.forced.IsZero():
				x.CurrentApplyDate = rdsTime(m.forced)
			}
		}
		out.PendingMaintenanceActionDetails = append(out.PendingMaintenanceActionDetails, x)
	}
	d.maintenance = kept
	return out
}

func rdsDescribePendingMaintenanceActions(c *call) (any, error) {
	r := c.rds()
	max, err := rdsMaxRecords(c.params)
	if err != nil {
		return nil, err
	}
	filters, err := rdsParseFilters(c.params, "db-instance-id", "db-cluster-id")
	if err != nil {
		return nil, err
	}
	resource := c.params.get("ResourceIdentifier")
	authResource := resource
	if authResource == "" {
		authResource = "*"
	}
	if err := c.can("rds:DescribePendingMaintenanceActions", authResource); err != nil {
		return nil, err
	}
	var found bool
	byARN := map[string]*dbInstance{}
	for _, d := range r.instances {
		if resource != "" && d.arn != resource {
			continue
		}
		found = true
		if !filters.match("db-instance-id", d.id, d.arn) || !filters.match("db-cluster-id", d.cluster, rdsSiblingARN(d.arn, "cluster", d.cluster)) {
			continue
		}
		byARN[d.arn] = d
	}
	if resource != "" && !found {
		if id, ok := c.rdsRef(resource, "cluster"); !ok || r.clusters[id] == nil || !strings.HasPrefix(resource, "arn:") {
			return nil, notFound("ResourceNotFoundFault", "The specified resource ARN %s was not found.", resource)
		}
	}
	var keys []string
	results := map[string]xmlResourcePendingMaintenanceActions{}
	for arn, d := range byARN {
		if x := c.pendingActions(d); len(x.PendingMaintenanceActionDetails) > 0 {
			keys = append(keys, arn)
			results[arn] = x
		}
	}
	sort.Strings(keys)
	start, end, next := rdsPage(keys, c.params.get("Marker"), max)
	out := &xmlPendingMaintenanceActionsMessage{Marker: next, PendingMaintenanceActions: []xmlResourcePendingMaintenanceActions{}}
	for _, k := range keys[start:end] {
		out.PendingMaintenanceActions = append(out.PendingMaintenanceActions, results[k])
	}
	return out, nil
}

func rdsApplyPendingMaintenanceAction(c *call) (any, error) {
	r := c.rds()
	p := c.params
	resource, err := p.required("ResourceIdentifier")
	if err != nil {
		return nil, err
	}
	action, err := p.required("ApplyAction")
	if err != nil {
		return nil, err
	}
	optIn, err := p.required("OptInType")
	if err != nil {
		return nil, err
	}
	id, ok := c.rdsRef(resource, "db")
	d := r.instances[id]
	var tags map[string]string
	if ok && d != nil {
		tags = d.tags
	}
	if err := c.rdsAuthorize("rds:ApplyPendingMaintenanceAction", resource, "db", tags); err != nil {
		return nil, err
	}
	if !ok || d == nil || !strings.HasPrefix(resource, "arn:") {
		return nil, notFound("ResourceNotFoundFault", "The specified resource ARN %s was not found.", resource)
	}
	if optIn != "immediate" && optIn != "next-maintenance" && optIn != "undo-opt-in" {
		return nil, invalidParam("Invalid value for OptInType: %s", optIn)
	}
	idx := -1
	for i, m := range d.maintenance {
		if m.action == action {
			idx = i
		}
	}
	if idx < 0 {
		return nil, invalidParam("Pending maintenance action %s not found for resource %s.", action, resource)
	}
	m := &d.maintenance[idx]
	switch optIn {
	case "immediate":
		if d.status != "available" {
			return nil, rdsInvalidState("Instance %s is not in available state.", d.id)
		}
		m.optIn, m.currentApply = "immediate", c.now
		status := "maintenance"
		if action == "db-upgrade" {
			status = "upgrading"
		}
		d.begin(c, status, "available")
	case "next-maintenance":
		m.optIn, m.currentApply = "next-maintenance", nextWindow(d.maintenanceWindow, c.now)
	case "undo-opt-in":
		m.optIn, m.currentApply = "", time.Time{}
	}
	x := c.pendingActions(d)
	return &xmlApplyPendingMaintenanceActionResult{ResourcePendingMaintenanceActions: x}, nil
}

// nextWindow is the start of the next maintenance window
// ("sun:05:16-sun:05:46") after now.
func nextWindow(window string, now time.Time) time.Time {
	start, _, _ := strings.Cut(window, "-")
	var day string
	var h, m int
	parts := strings.Split(start, ":")
	if len(parts) == 3 {
		day = parts[0]
		h, m = atoiOr(parts[1]), atoiOr(parts[2])
	}
	days := map[string]time.Weekday{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
	wd, ok := days[day]
	if !ok {
		return now.Add(7 * 24 * time.Hour).UTC().Truncate(time.Hour)
	}
	t := time.Date(now.Year(), now.Month(), now.Day(), h, m, 0, 0, time.UTC)
	for t.Weekday() != wd || !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

func atoiOr(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}
