package awssim

import (
	"sort"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// account is one simulated AWS account.
type account struct {
	id, name, email string
	status          string // ACTIVE, SUSPENDED, PENDING_CLOSURE
	ouID            string // parent OU, or the root ID
	tags            map[string]string
	joined          time.Time
	disabled        map[string]bool // opt-in regions not enabled

	iam     iamAccount
	regions map[string]*region
}

// region is an account's resources in one region.
type region struct {
	name    string
	ec2     ec2Region
	rds     rdsRegion
	secrets secretsRegion
	kms     kmsRegion
}

// regionLocked returns the account's state in a region, creating it.
func (a *account) regionLocked(name string) *region {
	r := a.regions[name]
	if r == nil {
		r = &region{name: name}
		a.regions[name] = r
	}
	return r
}

// organization is the AWS Organizations view of the world.
type organization struct {
	id, arn           string
	managementAccount string
	rootID            string
	ous               map[string]*orgUnit // by ID
	created           time.Time
}

// orgUnit is an organizational unit.
type orgUnit struct {
	id, arn, name, parentID string
}

// accountIDsLocked lists account IDs in a stable order.
func (s *Server) accountIDsLocked() []string {
	ids := make([]string, 0, len(s.accounts))
	for id := range s.accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// load builds the server's state from a world.
func (s *Server) load(w *world.World) error {
	s.regionNames = append([]string(nil), w.Regions...)
	if len(s.regionNames) == 0 {
		s.regionNames = append([]string(nil), world.DefaultRegions...)
	}
	for _, r := range s.regionNames {
		s.regionSet[r] = true
	}
	created := s.now().Add(-90 * 24 * time.Hour)
	for i := range w.Accounts {
		wa := &w.Accounts[i]
		a := &account{
			id: wa.ID, name: wa.Name, email: wa.Email, status: wa.Status, tags: wa.Tags,
			joined: created, disabled: map[string]bool{}, regions: map[string]*region{},
		}
		if a.status == "" {
			a.status = "ACTIVE"
		}
		if a.email == "" {
			a.email = wa.Name + "@example.com"
		}
		for _, r := range wa.DisabledRegions {
			a.disabled[r] = true
		}
		s.accounts[a.id] = a
	}
	if w.Organization != nil {
		s.loadOrganization(w)
	}
	for i := range w.Accounts {
		wa := &w.Accounts[i]
		a := s.accounts[wa.ID]
		for _, load := range []func(*account, *world.Account) error{s.loadIAM, s.loadEC2, s.loadKMS, s.loadSecrets, s.loadRDS} {
			if err := load(a, wa); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Server) loadOrganization(w *world.World) {
	o := w.Organization
	id := o.ID
	if id == "" {
		id = "o-" + stableLower("org"+o.ManagementAccount, 10)
	}
	org := &organization{
		id: id, managementAccount: o.ManagementAccount,
		arn:     "arn:aws:organizations::" + o.ManagementAccount + ":organization/" + id,
		rootID:  "r-" + stableLower("root"+id, 4),
		ous:     map[string]*orgUnit{},
		created: s.now().Add(-365 * 24 * time.Hour),
	}
	byPath := map[string]string{}
	var walk func(ous []world.OU, parentID, prefix string)
	walk = func(ous []world.OU, parentID, prefix string) {
		for _, ou := range ous {
			path := ou.Name
			if prefix != "" {
				path = prefix + "/" + ou.Name
			}
			oid := ou.ID
			if oid == "" {
				oid = "ou-" + org.rootID[2:] + "-" + stableLower("ou"+path, 8)
			}
			org.ous[oid] = &orgUnit{id: oid, name: ou.Name, parentID: parentID,
				arn: "arn:aws:organizations::" + o.ManagementAccount + ":ou/" + id + "/" + oid}
			byPath[path] = oid
			walk(ou.Children, oid, path)
		}
	}
	walk(o.OrganizationalUnits, org.rootID, "")
	s.org = org
	for _, wa := range w.Accounts {
		a := s.accounts[wa.ID]
		a.ouID = org.rootID
		if wa.OU != "" {
			a.ouID = byPath[wa.OU]
		}
	}
}

// stableLower derives n lower-case alphanumerics from a seed.
func stableLower(seed string, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	id := stableID("", seed)
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[int(id[i%len(id)]+byte(i*7))%len(alphabet)]
	}
	return string(out)
}
