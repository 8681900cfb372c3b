package world

import (
	_ "embed"
	"sync"
)

// DemoYAML is the text of the built-in demo world (demo.yaml).
//
//go:embed demo.yaml
var DemoYAML []byte

var (
	demoOnce  sync.Once
	demoWorld *World
)

// Demo returns the built-in demo world: a management account running AWS's
// DB management host (i-0123456789abcdef0, instance profile
// DB-Management-Host-Profile) and application accounts dev 111111111111,
// eng 222222222222, prod 333333333333 and legacy 444444444444 with RDS
// instances and clusters in us-east-1 and eu-west-1. docs/simulator.md
// describes it.
//
// The file is parsed and validated once; every call returns a fresh deep
// copy, so callers may modify what they get. Demo panics only if the
// embedded file is broken, which the package's tests rule out.
func Demo() *World {
	demoOnce.Do(func() {
		w, err := Parse("demo.yaml", DemoYAML)
		if err != nil {
			panic("world: the embedded demo world is broken: " + err.Error())
		}
		demoWorld = w
	})
	return demoWorld.Clone()
}
