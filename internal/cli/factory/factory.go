// Package factory holds what every command needs from its surroundings:
// the I/O streams and how to reach AWS. Tests and the demo swap these.
package factory

import (
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/rdsfleet/rdsfleet/internal/iostreams"
)

// Factory is passed to every command constructor.
type Factory struct {
	IO *iostreams.IOStreams
	// LoadOptions are extra SDK options (the demo's and tests' transport
	// and metadata endpoint); nil for real use.
	LoadOptions []func(*config.LoadOptions) error
	// AWSConfigPath overrides AWS_CONFIG_FILE / ~/.aws/config; "" for real use.
	AWSConfigPath string
	// CacheDir overrides the user cache dir; "" for real use.
	CacheDir string
	// ConfigPath overrides RDSFLEET_CONFIG / the default config path.
	ConfigPath string
}
