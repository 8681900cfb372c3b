package creds

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TokenFunc returns an MFA code for a device (a prompt, or --mfa-code).
type TokenFunc func(serial string) (string, error)

// OnceToken asks for a code once per device and remembers the answer for
// the run: AWS refuses a code used twice, so one code means one session.
func OnceToken(ask TokenFunc) TokenFunc {
	var mu sync.Mutex
	codes := map[string]string{}
	return func(serial string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if c, ok := codes[serial]; ok {
			return c, nil
		}
		c, err := ask(serial)
		if err != nil {
			return "", err
		}
		codes[serial] = c
		return c, nil
	}
}

// WithMFASession turns a source whose roles require MFA into one that
// holds an MFA session: STS GetSessionToken with the device's code, once,
// so every role after it is assumed with aws:MultiFactorAuthPresent and
// without another prompt. The source must be an IAM user (AWS allows
// GetSessionToken for users only).
func WithMFASession(ctx context.Context, src *Source, serial string, token TokenFunc) (*Source, error) {
	code, err := token(serial)
	if err != nil {
		return nil, fmt.Errorf("%s: MFA %s: %w", src.Name, serial, err)
	}
	cfg := src.Config.Copy()
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	out, err := sts.NewFromConfig(cfg).GetSessionToken(ctx, &sts.GetSessionTokenInput{
		SerialNumber: aws.String(serial), TokenCode: aws.String(code), DurationSeconds: aws.Int32(int32((12 * time.Hour).Seconds())),
	})
	if err != nil {
		return nil, fmt.Errorf("%s: MFA session with %s: %s", src.Name, serial, Describe(err))
	}
	c := out.Credentials
	session := aws.Credentials{
		AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken),
		Source: "rdsfleet MFA session", CanExpire: true, Expires: aws.ToTime(c.Expiration),
	}
	cfg = src.Config.Copy()
	cfg.Credentials = aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return session, nil
	}))
	return &Source{Name: src.Name + " with MFA", Config: cfg}, nil
}
