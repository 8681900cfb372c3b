package world

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

// docProblem is what is wrong with a policy document: a message and, when
// it is one statement's fault, the path into the document
// ("Statement", 0, "Effect").
type docProblem struct {
	sub []any
	msg string
}

var (
	topKeys       = []string{"Version", "Id", "Statement"}
	statementKeys = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

// checkPolicy explains a malformed document in world-file terms first
// (which statement, which key), then defers to the policy package, which
// answers with AWS's own MalformedPolicyDocument wording. nil means the
// document is fine.
func checkPolicy(doc string, kind policy.Kind) *docProblem {
	if strings.TrimSpace(doc) == "" {
		return &docProblem{msg: "the document is empty"}
	}
	if p := lintPolicy(doc, kind); p != nil {
		return p
	}
	if _, err := policy.Parse(doc, kind); err != nil {
		return &docProblem{msg: err.Error() + " (AWS's MalformedPolicyDocument message)"}
	}
	return nil
}

func lintPolicy(doc string, kind policy.Kind) *docProblem {
	var root any
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		msg := "not valid JSON: " + err.Error()
		var se *json.SyntaxError
		if e, ok := err.(*json.SyntaxError); ok {
			se = e
		}
		if se != nil && strings.Contains(doc, "\n") {
			line := 1 + strings.Count(doc[:min(int(se.Offset), len(doc))], "\n")
			msg += fmt.Sprintf(" (line %d of the document)", line)
		}
		return &docProblem{msg: msg}
	}
	if dec.More() {
		return &docProblem{msg: "not valid JSON: text after the closing brace"}
	}
	top, ok := root.(map[string]any)
	if !ok {
		return &docProblem{msg: "a policy document is a JSON object with Version and Statement"}
	}
	for _, k := range sortedKeys(top) {
		if !contains(topKeys, k) {
			return &docProblem{sub: []any{k}, msg: fmt.Sprintf("unknown key %q (a document has %s)", k, strings.Join(topKeys, ", "))}
		}
	}
	if v, ok := top["Version"]; ok {
		if s, _ := v.(string); s != "2012-10-17" && s != "2008-10-17" {
			return &docProblem{sub: []any{"Version"}, msg: fmt.Sprintf("Version %v must be \"2012-10-17\"", jsonText(v))}
		}
	}
	st, ok := top["Statement"]
	if !ok {
		return &docProblem{msg: "the document has no Statement"}
	}
	var stmts []any
	var at func(i int) []any
	switch t := st.(type) {
	case []any:
		stmts = t
		at = func(i int) []any { return []any{"Statement", i} }
	case map[string]any:
		stmts = []any{t}
		at = func(int) []any { return []any{"Statement"} }
	default:
		return &docProblem{sub: []any{"Statement"}, msg: "Statement must be a statement object or a list of them"}
	}
	if len(stmts) == 0 {
		return &docProblem{sub: []any{"Statement"}, msg: "Statement is empty"}
	}
	what := map[policy.Kind]string{policy.KindIdentity: "an identity policy", policy.KindResource: "a resource policy", policy.KindTrust: "a trust policy"}[kind]
	for i, e := range stmts {
		s, ok := e.(map[string]any)
		if !ok {
			return &docProblem{sub: at(i), msg: "a statement must be an object with Effect, Action and (for most policies) Resource"}
		}
		for _, k := range sortedKeys(s) {
			if !contains(statementKeys, k) {
				hint := ""
				if c := closest(k, statementKeys); c != "" {
					hint = fmt.Sprintf("did you mean %q? ", c)
				}
				return &docProblem{sub: append(at(i), k), msg: fmt.Sprintf("unknown statement key %q (%sa statement has %s)", k, hint, strings.Join(statementKeys, ", "))}
			}
		}
		eff, ok := s["Effect"]
		if !ok {
			return &docProblem{sub: at(i), msg: "the statement has no Effect (Allow or Deny)"}
		}
		if e, _ := eff.(string); e != "Allow" && e != "Deny" {
			return &docProblem{sub: append(at(i), "Effect"), msg: fmt.Sprintf("Effect %s must be Allow or Deny", jsonText(eff))}
		}
		if s["Action"] == nil && s["NotAction"] == nil {
			return &docProblem{sub: at(i), msg: "the statement has no Action (or NotAction)"}
		}
		_, hasPrincipal := s["Principal"]
		_, hasNotPrincipal := s["NotPrincipal"]
		_, hasResource := s["Resource"]
		_, hasNotResource := s["NotResource"]
		switch kind {
		case policy.KindIdentity:
			if hasPrincipal || hasNotPrincipal {
				return &docProblem{sub: append(at(i), "Principal"), msg: what + " has no Principal: it applies to whoever it is attached to"}
			}
		case policy.KindTrust:
			if !hasPrincipal {
				return &docProblem{sub: at(i), msg: "the statement has no Principal: a trust policy says who may assume the role"}
			}
			if hasResource || hasNotResource {
				return &docProblem{sub: append(at(i), "Resource"), msg: what + " has no Resource: the resource is the role itself"}
			}
		case policy.KindResource:
			if !hasPrincipal && !hasNotPrincipal {
				return &docProblem{sub: at(i), msg: "the statement has no Principal: a resource policy says whom it applies to"}
			}
		}
		if kind != policy.KindTrust && !hasResource && !hasNotResource {
			return &docProblem{sub: at(i), msg: `the statement has no Resource (use "*" for every resource)`}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
