package awssim

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func TestKMSDescribeAndKeyPolicy(t *testing.T) {
	ts := startSim(t, secretsWorld, Options{})
	ctx := context.Background()
	dev := kms.NewFromConfig(ts.cfg(t, "us-east-1", "AKIASECRETSDEV000001", "secretsdevsecretsdevsecretsdevsecretsdv1", ""))
	const keyID = "0b5d2f4e-1a2b-4c3d-8e9f-111111111111"
	keyARN := "arn:aws:kms:us-east-1:111111111111:key/" + keyID

	for _, ref := range []string{keyID, keyARN, "alias/shared", "arn:aws:kms:us-east-1:111111111111:alias/shared"} {
		out, err := dev.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
		if err != nil {
			t.Fatalf("DescribeKey(%s): %v", ref, err)
		}
		m := out.KeyMetadata
		if aws.ToString(m.Arn) != keyARN || m.KeyManager != kmstypes.KeyManagerTypeCustomer || m.KeyState != kmstypes.KeyStateEnabled || aws.ToString(m.Description) != "shared secrets" {
			t.Errorf("DescribeKey(%s) = %+v", ref, m)
		}
	}
	_, err := dev.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("11111111-2222-3333-4444-555555555555")})
	if apiCode(err) != "NotFoundException" || !strings.Contains(err.Error(), "Key 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555' does not exist") {
		t.Errorf("missing key: %v", err)
	}
	if _, err := dev.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("arn:aws:kms:bad")}); apiCode(err) != "InvalidArnException" {
		t.Errorf("bad ARN: %v", err)
	}
	managed, err := dev.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/aws/secretsmanager")})
	if err != nil || managed.KeyMetadata.KeyManager != kmstypes.KeyManagerTypeAws {
		t.Errorf("aws/secretsmanager: %+v, %v", managed, err)
	}

	// eng may describe dev's key by ARN (its key policy allows), never by ID.
	eng := kms.NewFromConfig(ts.cfg(t, "us-east-1", "AKIASECRETSENG000001", "secretsengsecretsengsecretsengsecretsen1", ""))
	if _, err := eng.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)}); apiCode(err) != "NotFoundException" {
		t.Errorf("cross-account by ID: %v", err)
	}
	// deployer has no identity policy for kms:DescribeKey.
	if _, err := eng.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyARN)}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("cross-account without identity policy: %v", err)
	}

	pol, err := dev.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), "AllowEng") {
		t.Fatalf("GetKeyPolicy: %v", err)
	}
	_, err = dev.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`)})
	if apiCode(err) != "MalformedPolicyDocumentException" || !strings.Contains(err.Error(), "Policy contains a statement with no principal.") {
		t.Errorf("malformed: %v", err)
	}
	if _, err = dev.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default"), Policy: aws.String(`{not json`)}); apiCode(err) != "MalformedPolicyDocumentException" {
		t.Errorf("bad JSON: %v", err)
	}
	lockout := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}]}`
	if _, err = dev.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default"), Policy: aws.String(lockout)}); apiCode(err) != "MalformedPolicyDocumentException" {
		t.Errorf("lockout: %v", err)
	}
	newPol := defaultKeyPolicy("111111111111")
	if _, err := dev.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default"), Policy: aws.String(newPol)}); err != nil {
		t.Fatal(err)
	}
	if pol, err := dev.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")}); err != nil || aws.ToString(pol.Policy) != newPol {
		t.Errorf("after put: %v", err)
	}
	if _, err := dev.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String("alias/aws/secretsmanager"), PolicyName: aws.String("default"), Policy: aws.String(newPol)}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("editing an AWS managed key policy: %v", err)
	}
}

func TestKMSCreateKeyAliasesAndCrypto(t *testing.T) {
	ts := startSim(t, secretsWorld, Options{})
	ctx := context.Background()
	dev := kms.NewFromConfig(ts.cfg(t, "us-east-1", "AKIASECRETSDEV000001", "secretsdevsecretsdevsecretsdevsecretsdv1", ""))
	ck, err := dev.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("new"), Tags: []kmstypes.Tag{{TagKey: aws.String("a"), TagValue: aws.String("b")}}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(ck.KeyMetadata.KeyId)
	if len(id) != 36 || aws.ToString(ck.KeyMetadata.AWSAccountId) != "111111111111" {
		t.Errorf("CreateKey = %+v", ck.KeyMetadata)
	}
	pol, err := dev.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default")})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), `"Sid" : "Enable IAM User Permissions"`) {
		t.Errorf("default key policy: %v", err)
	}
	if _, err := dev.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/new"), TargetKeyId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/new"), TargetKeyId: aws.String(id)}); apiCode(err) != "AlreadyExistsException" {
		t.Errorf("duplicate alias: %v", err)
	}
	keys, err := dev.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil || len(keys.Keys) != 2 {
		t.Errorf("ListKeys = %+v, %v", keys, err)
	}
	al, err := dev.ListAliases(ctx, &kms.ListAliasesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range al.Aliases {
		names = append(names, aws.ToString(a.AliasName))
	}
	if strings.Join(names, ",") != "alias/aws/ebs,alias/aws/rds,alias/aws/s3,alias/aws/secretsmanager,alias/new,alias/shared" {
		t.Errorf("ListAliases = %v", names)
	}
	tags, err := dev.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: aws.String(id)})
	if err != nil || len(tags.Tags) != 1 {
		t.Errorf("tags = %+v, %v", tags, err)
	}

	enc, err := dev.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String("alias/new"), Plaintext: []byte("hello"), EncryptionContext: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	dec, err := dev.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: map[string]string{"k": "v"}})
	if err != nil || string(dec.Plaintext) != "hello" {
		t.Errorf("Decrypt = %v", err)
	}
	if _, err := dev.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob}); apiCode(err) != "InvalidCiphertextException" {
		t.Errorf("wrong context: %v", err)
	}
}
