package creds

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// DiskCache keeps assumed-role credentials between runs: one 0600 file per
// key in a 0700 directory, written atomically. It is the only place
// rdsfleet writes secrets.
type DiskCache struct {
	Dir string
	// MinRemaining is how long an entry must still be valid to be used;
	// zero means 5 minutes.
	MinRemaining time.Duration
	Now          func() time.Time

	dirOnce sync.Once
	dirErr  error
}

type diskEntry struct {
	AccessKeyID     string    `json:"AccessKeyId"`
	SecretAccessKey string    `json:"SecretAccessKey"`
	SessionToken    string    `json:"SessionToken"`
	Expiration      time.Time `json:"Expiration"`
	RoleARN         string    `json:"RoleArn"`
}

// DefaultCacheDir is rdsfleet's directory under the user's cache dir.
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: %w", err)
	}
	return filepath.Join(base, "rdsfleet"), nil
}

func (d *DiskCache) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *DiskCache) credsDir() string { return filepath.Join(d.Dir, "credentials") }

func (d *DiskCache) path(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(d.credsDir(), hex.EncodeToString(sum[:16])+".json")
}

// Get returns cached credentials for key if they stay valid long enough.
func (d *DiskCache) Get(key string) (aws.Credentials, bool) {
	data, err := os.ReadFile(d.path(key))
	if err != nil {
		return aws.Credentials{}, false
	}
	var e diskEntry
	if json.Unmarshal(data, &e) != nil || e.AccessKeyID == "" {
		return aws.Credentials{}, false
	}
	min := d.MinRemaining
	if min == 0 {
		min = 5 * time.Minute
	}
	if e.Expiration.Sub(d.now()) < min {
		return aws.Credentials{}, false
	}
	return aws.Credentials{
		AccessKeyID: e.AccessKeyID, SecretAccessKey: e.SecretAccessKey, SessionToken: e.SessionToken,
		Source: "rdsfleet disk cache", CanExpire: true, Expires: e.Expiration,
	}, true
}

// Put stores credentials for key. Errors are returned for the caller to
// log; a cache that can't be written only costs an AssumeRole next time.
func (d *DiskCache) Put(key, roleARN string, c aws.Credentials) error {
	// Once per run: a sweep writes thousands of entries.
	d.dirOnce.Do(func() { d.dirErr = d.prepareDir() })
	if d.dirErr != nil {
		return d.dirErr
	}
	data, err := json.Marshal(diskEntry{c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expires, roleARN})
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(d.credsDir(), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), d.path(key))
}

// prepareDir creates the directory 0700; MkdirAll leaves an existing
// directory's mode alone, so it is tightened too.
func (d *DiskCache) prepareDir() error {
	if err := os.MkdirAll(d.credsDir(), 0o700); err != nil {
		return err
	}
	if err := os.Chmod(d.Dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(d.credsDir(), 0o700)
}

// Clear removes every cached credential; it returns how many it removed.
func (d *DiskCache) Clear() (int, error) {
	entries, err := os.ReadDir(d.credsDir())
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if err := os.Remove(filepath.Join(d.credsDir(), e.Name())); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
