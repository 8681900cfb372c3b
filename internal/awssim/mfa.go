package awssim

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// TOTP returns the six-digit RFC 6238 code (SHA-1, 30 s steps) of a virtual
// MFA device's base32 seed at time t, as an authenticator app shows it.
func TOTP(seed string, t time.Time) (string, error) {
	key, err := decodeTOTPSeed(seed)
	if err != nil {
		return "", err
	}
	return totpCode(key, t.Unix()/30), nil
}

func decodeTOTPSeed(seed string) ([]byte, error) {
	s := strings.ToUpper(strings.ReplaceAll(seed, " ", ""))
	s = strings.TrimRight(s, "=")
	return base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
}

func totpCode(key []byte, counter int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1000000)
}

// checkMFALocked verifies a code for a device, accepting the previous and
// next 30-second window for clock drift, and refusing a code already used.
func (s *Server) checkMFALocked(d *mfaDevice, code string) bool {
	step := s.now().Unix() / 30
	for _, c := range []int64{step, step - 1, step + 1} {
		if hmac.Equal([]byte(totpCode(d.seed, c)), []byte(code)) {
			if d.lastCode == code {
				return false
			}
			d.lastCode = code
			return true
		}
	}
	return false
}
