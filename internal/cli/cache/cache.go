// Package cache is `rdsfleet cache`: the credential and account-list cache.
package cache

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/rdsfleet/rdsfleet/internal/cli/factory"
	"github.com/rdsfleet/rdsfleet/internal/creds"
)

// NewCmdCache builds `cache` and `cache clear`.
func NewCmdCache(f *factory.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "cache",
		Short:   "Manage the cache of assumed-role credentials and account lists",
		Example: "  rdsfleet cache clear",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "clear",
		Short: "Remove every cached credential and Organizations account list",
		Long: `Remove the assumed-role credentials rdsfleet keeps between runs (0600 files in
a 0700 directory under the user cache dir) and the cached Organizations
account lists. The next run assumes every role again.`,
		Example: "  rdsfleet cache clear",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return Clear(cmd.Context(), f)
		},
	})
	return cmd
}

// Clear empties the cache.
func Clear(ctx context.Context, f *factory.Factory) error {
	dir := f.CacheDir
	if dir == "" {
		d, err := creds.DefaultCacheDir()
		if err != nil {
			return err
		}
		dir = d
	}
	n, err := (&creds.DiskCache{Dir: dir}).Clear()
	if err != nil {
		return fmt.Errorf("cache clear: %w", err)
	}
	orgs, _ := filepath.Glob(filepath.Join(dir, "org-*.json"))
	for _, p := range orgs {
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("cache clear: %w", err)
		}
	}
	fmt.Fprintf(f.IO.Out, "Removed %d cached credentials and %d account lists from %s\n", n, len(orgs), dir)
	return nil
}
