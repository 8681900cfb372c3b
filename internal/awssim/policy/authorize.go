package policy

// Mode selects which policies must grant access.
type Mode int

const (
	ModeStandard         Mode = iota // ordinary API call: identity policies, plus the resource policy if the resource has one
	ModeResourceRequired             // role trust policies and KMS key policies: the resource policy must allow (directly, or by account delegation + identity allow)
)

// Input is everything AWS's evaluation logic looks at for one request.
type Input struct {
	Request         *Request
	Identity        []*Document // the principal's identity policies (inline + managed); nil for service principals
	Resource        *Document   // resource-based policy, nil if the resource has none
	ResourceAccount string      // account that owns the resource
	Mode            Mode
}

// Result is the decision and how it was reached.
type Result struct {
	Allowed        bool
	ExplicitDeny   bool // an explicit Deny matched (in identity or resource policy)
	DenyInIdentity bool // the explicit deny came from an identity policy
	IdentityAllows bool
	ResourceAllows bool // resource policy allows (directly or via account delegation)
}

// Authorize applies AWS's policy evaluation logic:
//   - an explicit Deny anywhere wins;
//   - same account, ModeStandard: allowed if an identity policy allows OR the
//     resource policy allows the principal directly (an account-root principal
//     only delegates, so identity must allow);
//   - cross account: identity policy must allow AND the resource policy must
//     allow (the caller's account root counts);
//   - ModeResourceRequired: the resource policy must allow; if it allows only
//     via account delegation, or the call is cross-account, identity policies
//     must allow too; a same-account direct grant is enough on its own;
//   - service principals (and federated web-identity/SAML callers) are
//     judged by the resource policy alone.
func Authorize(in Input) Result {
	var res Result
	r := in.Request
	if r == nil {
		return res
	}
	// Services and web-identity/SAML callers have no IAM identity of their
	// own: only the resource (trust) policy speaks for them.
	service := r.Principal.Account == "" && (r.Principal.Service != "" || r.Principal.Federated != "")

	if !service {
		for _, d := range in.Identity {
			switch eff, _ := d.Evaluate(r); eff {
			case Deny:
				res.ExplicitDeny, res.DenyInIdentity = true, true
			case Allow:
				res.IdentityAllows = true
			}
		}
	}
	resourceDirect := false
	if in.Resource != nil {
		switch eff, viaAccount := in.Resource.Evaluate(r); eff {
		case Deny:
			res.ExplicitDeny = true
		case Allow:
			res.ResourceAllows = true
			resourceDirect = !viaAccount
		}
	}
	if res.ExplicitDeny {
		return res
	}

	// An unknown resource owner is treated as the caller's own account.
	sameAccount := in.ResourceAccount == "" || in.ResourceAccount == r.Principal.Account
	switch {
	case service:
		res.Allowed = res.ResourceAllows
	case in.Mode == ModeResourceRequired:
		switch {
		case !res.ResourceAllows:
		case resourceDirect && sameAccount:
			res.Allowed = true
		default:
			res.Allowed = res.IdentityAllows
		}
	case sameAccount:
		res.Allowed = res.IdentityAllows || resourceDirect
	default:
		res.Allowed = res.IdentityAllows && res.ResourceAllows
	}
	return res
}
