package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/rdsfleet/rdsfleet/internal/iostreams"
)

func TestDemoShowsEveryAccountAndTheUnreachableOne(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := Run(context.Background(), &Options{IO: ios, KeepDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"Base identity (before): arn:aws:sts::999999999999:assumed-role/DB-Management-Host-CrossAccountAccess-Role/i-0123456789abcdef0",
		"arn:aws:sts::111111111111:assumed-role/DB-Management-Host-Access-Role/",
		"arn:aws:sts::333333333333:assumed-role/DB-Management-Host-Access-Role/",
		"payments-aurora-instance-1",
		"legacy (444444444444) us-east-1: AccessDenied: User: arn:aws:sts::999999999999:assumed-role/DB-Management-Host-CrossAccountAccess-Role/i-0123456789abcdef0 is not authorized to perform: sts:AssumeRole",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("demo output lacks %q\n%s", want, got)
		}
	}
}
