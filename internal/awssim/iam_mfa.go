package awssim

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

type iamCreateVirtualMFADeviceResult struct {
	VirtualMFADevice iamVirtualMFADeviceXML
}

type iamListMFADevicesResult struct {
	MFADevices  iamList[iamMFADeviceXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

var iamAuthCodePattern = regexp.MustCompile(`^\d{6}$`)

func iamCreateVirtualMFADevice(c *call) (any, error) {
	name, err := iamName(c, "VirtualMFADeviceName", 226)
	if err != nil {
		return nil, err
	}
	path, err := iamPath(c, false)
	if err != nil {
		return nil, err
	}
	tags, err := iamTags(c)
	if err != nil {
		return nil, err
	}
	a := c.account()
	serial := iamARN(a.id, "mfa", path, name)
	if err := c.can("iam:CreateVirtualMFADevice", serial); err != nil {
		return nil, err
	}
	for s := range a.iam.mfaDevices {
		if strings.EqualFold(s, serial) {
			return nil, iamAlreadyExists("MFADevice entity at the same path and name already exists.")
		}
	}
	// A 160-bit seed, shown to the user as base32 text, as IAM does.
	seed := make([]byte, 20)
	rand.Read(seed)
	seedText := base32.StdEncoding.EncodeToString(seed)
	tagMap := map[string]string{}
	if err := iamApplyTags(tagMap, tags); err != nil {
		return nil, err
	}
	a.iam.mfaDevices[serial] = &mfaDevice{serial: serial, seed: seed}
	// Base32StringSeed is a blob on the wire: base64 of the base32 text.
	return &iamCreateVirtualMFADeviceResult{VirtualMFADevice: iamVirtualMFADeviceXML{
		SerialNumber: serial, Base32StringSeed: base64.StdEncoding.EncodeToString([]byte(seedText)), Tags: iamTagList(tagMap),
	}}, nil
}

func iamEnableMFADevice(c *call) (any, error) {
	userName, err := iamName(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	serial, err := iamRequired(c, "SerialNumber")
	if err != nil {
		return nil, err
	}
	if len(serial) < 9 || len(serial) > 256 {
		return nil, validationError("1 validation error detected: Value '%s' at 'serialNumber' failed to satisfy constraint: Member must have length greater than or equal to 9", serial)
	}
	var codes [2]string
	for i, p := range []string{"AuthenticationCode1", "AuthenticationCode2"} {
		if codes[i], err = iamRequired(c, p); err != nil {
			return nil, err
		}
		if !iamAuthCodePattern.MatchString(codes[i]) {
			return nil, validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]+", codes[i], lowerFirst(p))
		}
	}
	u, err := iamFindUser(c, "iam:EnableMFADevice", userName)
	if err != nil {
		return nil, err
	}
	a := c.account()
	d := a.iam.mfaDevices[serial]
	if d == nil {
		return nil, iamNoSuchEntity("MFA Device with serial number %s does not exist.", serial)
	}
	if d.user != "" {
		return nil, iamAlreadyExists("MFA Device is already in use.")
	}
	if !iamCheckConsecutiveCodes(c, d, codes[0], codes[1]) {
		return nil, apiErr(http.StatusForbidden, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
	}
	d.user = u.name
	d.lastCode = codes[1]
	iamSetMFAEnableDate(d, c.now)
	return nil, nil
}

// iamCheckConsecutiveCodes reports whether two codes are the device's codes
// for two consecutive 30-second steps near now, as an authenticator shows
// them one after the other.
func iamCheckConsecutiveCodes(c *call, d *mfaDevice, code1, code2 string) bool {
	step := c.now.Unix() / 30
	for s := step - 3; s <= step+1; s++ {
		if totpCode(d.seed, s) == code1 && totpCode(d.seed, s+1) == code2 {
			return true
		}
	}
	return false
}

func iamListMFADevices(c *call) (any, error) {
	name, err := iamOptionalName(c, "UserName", 128)
	if err != nil {
		return nil, err
	}
	if name == "" {
		if name, err = iamCallerUser(c); err != nil {
			return nil, err
		}
	}
	u, err := iamFindUser(c, "iam:ListMFADevices", name)
	if err != nil {
		return nil, err
	}
	var devices []*mfaDevice
	for _, d := range c.account().iam.mfaDevices {
		if d.user == u.name {
			devices = append(devices, d)
		}
	}
	slices.SortFunc(devices, func(x, y *mfaDevice) int { return strings.Compare(x.serial, y.serial) })
	page, pg, err := iamPaginate(c, devices, func(d *mfaDevice) string { return d.serial })
	if err != nil {
		return nil, err
	}
	out := &iamListMFADevicesResult{IsTruncated: pg.truncated, Marker: pg.marker}
	for _, d := range page {
		out.MFADevices.Members = append(out.MFADevices.Members, iamMFADeviceXML{
			UserName: u.name, SerialNumber: d.serial, EnableDate: xmlTime(iamMFAEnableDate(d, u.created)),
		})
	}
	return out, nil
}
