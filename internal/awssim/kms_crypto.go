package awssim

import (
	"crypto/sha256"
	"encoding/binary"
	"sort"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

// The simulator's ciphertexts are not secure: they only have to name their
// key and encryption context, as real KMS ciphertexts do, so Decrypt can
// find the key and refuse a wrong context.
const kmsBlobMagic = "awssim-kms1"

type kmsCryptoInput struct {
	KeyId             string
	Plaintext         []byte
	CiphertextBlob    []byte
	EncryptionContext map[string]string
	NumberOfBytes     *int
	KeySpec           string
}

func contextDigest(ec map[string]string) []byte {
	keys := make([]string, 0, len(ec))
	for k := range ec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k + "\x00" + ec[k] + "\x00"))
	}
	return h.Sum(nil)
}

func keystream(k *kmsKey, n int) []byte {
	out := make([]byte, 0, n+32)
	for i := uint32(0); len(out) < n; i++ {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], i)
		sum := sha256.Sum256(append([]byte(k.arn), b[:]...))
		out = append(out, sum[:]...)
	}
	return out[:n]
}

func sealBlob(k *kmsKey, ec map[string]string, plain []byte) []byte {
	blob := []byte(kmsBlobMagic)
	blob = binary.BigEndian.AppendUint16(blob, uint16(len(k.arn)))
	blob = append(blob, k.arn...)
	blob = append(blob, contextDigest(ec)...)
	ks := keystream(k, len(plain))
	for i, b := range plain {
		blob = append(blob, b^ks[i])
	}
	return blob
}

// openBlob splits a ciphertext into its key ARN, context digest and body.
func openBlob(blob []byte) (arn string, digest, body []byte, ok bool) {
	if len(blob) < len(kmsBlobMagic)+2 || string(blob[:len(kmsBlobMagic)]) != kmsBlobMagic {
		return "", nil, nil, false
	}
	rest := blob[len(kmsBlobMagic):]
	n := int(binary.BigEndian.Uint16(rest))
	rest = rest[2:]
	if len(rest) < n+32 {
		return "", nil, nil, false
	}
	return string(rest[:n]), rest[n : n+32], rest[n+32:], true
}

func encryptionContext(ec map[string]string) policy.Context {
	ctx := policy.Context{}
	keys := make([]string, 0, len(ec))
	for k, v := range ec {
		ctx.Set("kms:EncryptionContext:"+k, v)
		keys = append(keys, k)
	}
	if len(keys) > 0 {
		sort.Strings(keys)
		ctx.Set("kms:EncryptionContextKeys", keys...)
	}
	return ctx
}

// usableKey resolves a key for a cryptographic operation and authorizes it.
func (c *call) usableKey(ref, action string, ec map[string]string) (*kmsKey, error) {
	k, err := c.s.findKMSKeyLocked(c.caller.account, c.region, ref)
	if err != nil {
		return nil, err
	}
	if err := c.authorizeKey(action, k, encryptionContext(ec)); err != nil {
		return nil, err
	}
	if k.state != "Enabled" {
		return nil, badRequest("DisabledException", "%s is disabled.", k.arn)
	}
	return k, nil
}

func kmsEncrypt(c *call) (any, error) {
	var in kmsCryptoInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Plaintext) == 0 || len(in.Plaintext) > 4096 {
		return nil, badRequest("ValidationException", "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and 4096")
	}
	k, err := c.usableKey(in.KeyId, "kms:Encrypt", in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return map[string]any{"CiphertextBlob": sealBlob(k, in.EncryptionContext, in.Plaintext), "KeyId": k.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
}

func kmsGenerateDataKey(c *call) (any, error) {
	var in kmsCryptoInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	n := 0
	switch {
	case in.NumberOfBytes != nil && in.KeySpec != "":
		return nil, badRequest("ValidationException", "Please specify either number of bytes or key spec.")
	case in.NumberOfBytes != nil:
		n = *in.NumberOfBytes
	case in.KeySpec == "AES_256":
		n = 32
	case in.KeySpec == "AES_128":
		n = 16
	default:
		return nil, badRequest("ValidationException", "Please specify either number of bytes or key spec.")
	}
	if n < 1 || n > 1024 {
		return nil, badRequest("ValidationException", "1 validation error detected: Value '%d' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024", n)
	}
	k, err := c.usableKey(in.KeyId, "kms:GenerateDataKey", in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	plain := []byte(randomString(n * 2))[:n]
	return map[string]any{"CiphertextBlob": sealBlob(k, in.EncryptionContext, plain), "Plaintext": plain, "KeyId": k.arn}, nil
}

func kmsDecrypt(c *call) (any, error) {
	var in kmsCryptoInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	arn, digest, body, ok := openBlob(in.CiphertextBlob)
	if !ok {
		return nil, badRequest("InvalidCiphertextException", "")
	}
	k, err := c.usableKey(arn, "kms:Decrypt", in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	if in.KeyId != "" {
		want, err := c.s.findKMSKeyLocked(c.caller.account, c.region, in.KeyId)
		if err != nil {
			return nil, err
		}
		if want != k {
			return nil, badRequest("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
		}
	}
	if string(digest) != string(contextDigest(in.EncryptionContext)) {
		return nil, badRequest("InvalidCiphertextException", "")
	}
	ks := keystream(k, len(body))
	plain := make([]byte, len(body))
	for i, b := range body {
		plain[i] = b ^ ks[i]
	}
	return map[string]any{"KeyId": k.arn, "Plaintext": plain, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
}
