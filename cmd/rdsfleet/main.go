// Command rdsfleet sees, checks and acts on every RDS and Aurora database in
// every AWS account of an organization.
package main

import (
	"os"

	"github.com/rdsfleet/rdsfleet/internal/cli"
)

func main() { os.Exit(cli.Main()) }
