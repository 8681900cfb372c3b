package awssim

import (
	"crypto/sha256"
	"encoding/base32"
	"sort"
	"strings"
	"time"
)

// rdsRegion is an account's RDS resources in one region, keyed by
// lower-case identifier (RDS stores identifiers in lower case).
type rdsRegion struct {
	instances        map[string]*dbInstance
	clusters         map[string]*dbCluster
	snapshots        map[string]*dbSnapshot
	clusterSnapshots map[string]*dbClusterSnapshot
	subnetGroups     map[string]*dbSubnetGroup
	seq              int // creation order, for cluster member order
}

// ready makes the maps; a region's state may exist before RDS loads.
func (r *rdsRegion) ready() *rdsRegion {
	if r.instances == nil {
		r.instances = map[string]*dbInstance{}
		r.clusters = map[string]*dbCluster{}
		r.snapshots = map[string]*dbSnapshot{}
		r.clusterSnapshots = map[string]*dbClusterSnapshot{}
		r.subnetGroups = map[string]*dbSubnetGroup{}
	}
	return r
}

func (s *Server) rdsActions() map[string]handler {
	return map[string]handler{
		"DescribeDBInstances":               rdsDescribeDBInstances,
		"CreateDBInstance":                  rdsCreateDBInstance,
		"DeleteDBInstance":                  rdsDeleteDBInstance,
		"ModifyDBInstance":                  rdsModifyDBInstance,
		"StartDBInstance":                   rdsStartDBInstance,
		"StopDBInstance":                    rdsStopDBInstance,
		"RebootDBInstance":                  rdsRebootDBInstance,
		"DescribeDBClusters":                rdsDescribeDBClusters,
		"CreateDBCluster":                   rdsCreateDBCluster,
		"DeleteDBCluster":                   rdsDeleteDBCluster,
		"StartDBCluster":                    rdsStartDBCluster,
		"StopDBCluster":                     rdsStopDBCluster,
		"DescribeDBSnapshots":               rdsDescribeDBSnapshots,
		"CreateDBSnapshot":                  rdsCreateDBSnapshot,
		"DeleteDBSnapshot":                  rdsDeleteDBSnapshot,
		"DescribeDBClusterSnapshots":        rdsDescribeDBClusterSnapshots,
		"CreateDBClusterSnapshot":           rdsCreateDBClusterSnapshot,
		"DeleteDBClusterSnapshot":           rdsDeleteDBClusterSnapshot,
		"DescribeDBSnapshotAttributes":      rdsDescribeDBSnapshotAttributes,
		"ModifyDBSnapshotAttribute":         rdsModifyDBSnapshotAttribute,
		"DescribePendingMaintenanceActions": rdsDescribePendingMaintenanceActions,
		"ApplyPendingMaintenanceAction":     rdsApplyPendingMaintenanceAction,
		"DescribeDBEngineVersions":          rdsDescribeDBEngineVersions,
		"ListTagsForResource":               rdsListTagsForResource,
		"AddTagsToResource":                 rdsAddTagsToResource,
		"RemoveTagsFromResource":            rdsRemoveTagsFromResource,
	}
}

// rdsGone is the pseudo-status a deleting resource reaches: it is removed.
const rdsGone = "-gone-"

// lifecycle is a resource's status and the transition in progress, if
// any. Statuses are worked out lazily on each call (settle) from the
// simulated clock, so no goroutines run behind the handlers.
type lifecycle struct {
	status string
	next   string // status at until; "" when stable
	until  time.Time
}

// begin starts a transition: status now, next after the transition time.
func (l *lifecycle) begin(c *call, status, next string) {
	l.status, l.next, l.until = status, next, c.now.Add(c.s.transitionTime())
}

// settle completes a transition whose time has come; true if the resource
// is gone.
func (l *lifecycle) settle(now time.Time) bool {
	if l.next != "" && !now.Before(l.until) {
		l.status, l.next = l.next, ""
	}
	return l.status == rdsGone
}

func (s *Server) transitionTime() time.Duration {
	if s.opts.TransitionTime > 0 {
		return s.opts.TransitionTime
	}
	return 5 * time.Second
}

// rds is the caller's RDS state in the request's region, with every
// transition due by now completed.
func (c *call) rds() *rdsRegion {
	r := c.regionState().rds.ready()
	r.settle(c.now)
	return r
}

func (r *rdsRegion) settle(now time.Time) {
	for id, d := range r.instances {
		if d.settle(now) {
			delete(r.instances, id)
			// Automated backups go with the instance, as AWS deletes them
			// by default.
			for sid, sn := range r.snapshots {
				if sn.automated && sn.instance == id {
					delete(r.snapshots, sid)
				}
			}
		}
	}
	for id, cl := range r.clusters {
		if cl.settle(now) {
			delete(r.clusters, id)
			for sid, sn := range r.clusterSnapshots {
				if sn.automated && sn.cluster == id {
					delete(r.clusterSnapshots, sid)
				}
			}
		}
	}
	for id, sn := range r.snapshots {
		if sn.settle(now) {
			delete(r.snapshots, id)
		}
	}
	for id, sn := range r.clusterSnapshots {
		if sn.settle(now) {
			delete(r.clusterSnapshots, id)
		}
	}
}

// members lists a cluster's instances in the order they joined.
func (r *rdsRegion) members(clusterID string) []*dbInstance {
	var out []*dbInstance
	for _, d := range r.instances {
		if d.cluster == clusterID {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// rdsARN is an RDS resource ARN; kind is db, cluster, snapshot or
// cluster-snapshot.
func rdsARN(region, acct, kind, id string) string {
	return "arn:aws:rds:" + region + ":" + acct + ":" + kind + ":" + id
}

// rdsSiblingARN is the ARN of another resource in the same account and
// region as arn; "" when id is.
func rdsSiblingARN(arn, kind, id string) string {
	parts := strings.SplitN(arn, ":", 7)
	if id == "" || len(parts) != 7 {
		return ""
	}
	return rdsARN(parts[3], parts[4], kind, id)
}

// rdsRef resolves an identifier or ARN of the given kind in the caller's
// account and region to a lower-case identifier; ok is false for an ARN
// naming another kind, account or region.
func (c *call) rdsRef(ref, kind string) (string, bool) {
	if !strings.HasPrefix(ref, "arn:") {
		return strings.ToLower(ref), true
	}
	parts := strings.SplitN(ref, ":", 7)
	if len(parts) != 7 || parts[2] != "rds" || parts[3] != c.region || parts[4] != c.caller.account || parts[5] != kind {
		return "", false
	}
	return strings.ToLower(parts[6]), true
}

var rdsIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// rdsResourceID derives a DbiResourceId-style ID (26 upper-case
// alphanumerics) from what it names, so a world's IDs are stable.
func rdsResourceID(prefix, of string) string {
	sum := sha256.Sum256([]byte(of))
	return prefix + rdsIDEncoding.EncodeToString(sum[:])[:26]
}

// rdsEndpointHash is the per-account-and-region label in RDS endpoint
// names (ID.<hash>.REGION.rds.amazonaws.com).
func rdsEndpointHash(acct, region string) string {
	return stableLower("rds-endpoint/"+acct+"/"+region, 12)
}

// rdsHostedZones are RDS's Route 53 hosted zone IDs per region.
var rdsHostedZones = map[string]string{
	"us-east-1": "Z2R2ITUGPM61AM",
	"us-east-2": "Z2XHWR1WZ565X2",
	"us-west-1": "Z10WI91S59XXQN",
	"us-west-2": "Z1PVIF0B656C1W",
	"eu-west-1": "Z29XKXDKYMONMX",
}

// rdsAuthorize asks whether the caller may do action on arn, with the
// resource's tags as condition keys (aws:ResourceTag/… and RDS's own
// rds:<kind>-tag/…).
func (c *call) rdsAuthorize(action, arn, kind string, tags map[string]string) error {
	ctx := tagContext(nil, tags)
	for k, v := range tags {
		ctx.Set("rds:"+kind+"-tag/"+k, v)
	}
	return c.authorize(authz{action: action, resource: arn, context: ctx})
}

// rdsRequestTagContext adds aws:RequestTag/… and aws:TagKeys for tags a
// request sets.
func rdsRequestTags(c *call, action, arn string, tags map[string]string) error {
	ctx := tagContext(nil, nil)
	keys := make([]string, 0, len(tags))
	for k, v := range tags {
		ctx.Set("aws:RequestTag/"+k, v)
		ctx.Set("rds:req-tag/"+k, v)
		keys = append(keys, k)
	}
	if len(keys) > 0 {
		sort.Strings(keys)
		ctx.Set("aws:TagKeys", keys...)
	}
	return c.authorize(authz{action: action, resource: arn, context: ctx})
}

// rdsInvalidState is the InvalidDBInstanceState fault.
func rdsInvalidState(format string, args ...any) *APIError {
	return badRequest("InvalidDBInstanceState", format, args...)
}

func rdsInstanceNotFound(id string) *APIError {
	return notFound("DBInstanceNotFound", "DBInstance %s not found.", id)
}

func rdsClusterNotFound(id string) *APIError {
	return notFound("DBClusterNotFoundFault", "DBCluster %s not found.", id)
}

func rdsSnapshotNotFound(id string) *APIError {
	return notFound("DBSnapshotNotFound", "DBSnapshot %s not found.", id)
}

func rdsClusterSnapshotNotFound(id string) *APIError {
	return notFound("DBClusterSnapshotNotFoundFault", "DBClusterSnapshot %s not found.", id)
}

// validRDSIdentifier applies RDS's identifier rules (instances, clusters,
// snapshots).
func validRDSIdentifier(id string) bool {
	if id == "" || len(id) > 255 {
		return false
	}
	if c := id[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return false
	}
	if strings.HasSuffix(id, "-") || strings.Contains(id, "--") {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func invalidIdentifier(param string) *APIError {
	return invalidParam("The parameter %s is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.", param)
}

// sortedTags lists tags in key order, as the TagList of a response.
func sortedTags(tags map[string]string) xmlTagList {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := xmlTagList{Tags: make([]xmlTag, 0, len(keys))}
	for _, k := range keys {
		out.Tags = append(out.Tags, xmlTag{Key: k, Value: tags[k]})
	}
	return out
}
