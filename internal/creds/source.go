// Package creds hands out AWS credentials for a fleet: one base identity
// (resolved by the SDK from the AWS config, the environment or instance
// metadata), many assumed roles, each with its own credentials cache and
// STS client, and a disk cache shared between runs.
package creds

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Source is a base identity: an SDK config whose credentials sign the
// AssumeRole calls.
type Source struct {
	// Name identifies the source in messages: "profile mgmt",
	// "credential_source Ec2InstanceMetadata", "default credentials".
	Name   string
	Config aws.Config

	once  sync.Once
	ident Identity
	err   error
}

// Identity is the answer of sts:GetCallerIdentity.
type Identity struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	UserID  string `json:"user_id"`
}

// Partition is the identity's partition ("aws", "aws-cn", "aws-us-gov").
func (i Identity) Partition() string {
	parts := strings.SplitN(i.ARN, ":", 3)
	if len(parts) < 2 || parts[1] == "" {
		return "aws"
	}
	return parts[1]
}

// Identity asks STS who the source is, once per run.
func (s *Source) Identity(ctx context.Context) (Identity, error) {
	s.once.Do(func() {
		cfg := s.Config.Copy()
		if cfg.Region == "" {
			// STS answers GetCallerIdentity in every region; a profile
			// without one still has an identity.
			cfg.Region = "us-east-1"
		}
		out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			s.err = fmt.Errorf("%s: get caller identity: %w", s.Name, err)
			return
		}
		s.ident = Identity{ARN: aws.ToString(out.Arn), Account: aws.ToString(out.Account), UserID: aws.ToString(out.UserId)}
	})
	return s.ident, s.err
}

// LoadDefaultSource is the SDK's default credential chain, or the named
// profile's credentials.
func LoadDefaultSource(ctx context.Context, profile string, opts ...func(*config.LoadOptions) error) (*Source, error) {
	name := "default credentials"
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
		name = "profile " + profile
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("%s: no credentials found", name)
	}
	return &Source{Name: name, Config: cfg}, nil
}

// LoadProfileSource resolves the source credentials of a role profile
// (its credential_source or source_profile chain) with the SDK's own
// shared-config loading, by loading the profile and keeping the client the
// SDK built to call AssumeRole: its credentials are the source's.
func LoadProfileSource(ctx context.Context, profile, roleARN, name string, opts ...func(*config.LoadOptions) error) (*Source, error) {
	var captured *sts.Client
	opts = append(opts,
		config.WithSharedConfigProfile(profile),
		config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
			if c, ok := o.Client.(*sts.Client); ok && o.RoleARN == roleARN {
				captured = c
			}
			if o.TokenProvider == nil {
				o.TokenProvider = noMFAPrompt
			}
		}))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if captured == nil {
		return nil, fmt.Errorf("profile %s: the SDK did not resolve role_arn %s from it", profile, roleARN)
	}
	cfg.Credentials = captured.Options().Credentials
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("profile %s: no source credentials", profile)
	}
	return &Source{Name: name, Config: cfg}, nil
}

var errNoMFA = errors.New("an MFA code is needed: run on a terminal or pass --mfa-code")

func noMFAPrompt() (string, error) { return "", errNoMFA }
