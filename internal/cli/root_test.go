package cli

import (
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/rdsfleet/rdsfleet/internal/cli/exitcode"
	"github.com/rdsfleet/rdsfleet/internal/iostreams"
)

// TestDocs walks the command tree: every command has a short help that
// starts with a capital and has no full stop, and an example.
func TestDocs(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		short := c.Short
		if short == "" || !unicode.IsUpper([]rune(short)[0]) || strings.HasSuffix(short, ".") {
			t.Errorf("%s: short help %q should start with a capital and have no full stop", c.CommandPath(), short)
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s: no example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(ios))
}

func TestUnknownFlagIsAUsageError(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	root := NewRootCmd(ios)
	root.SetArgs([]string{"sim", "--no-such-flag"})
	err := classify(root.Execute())
	if code := exitcodeOf(err); code != 2 {
		t.Fatalf("exit code %d for %v, want 2", code, err)
	}
}

func exitcodeOf(err error) int { return exitcode.Of(err) }
