package output

import "strings"

const (
	bold   = "\x1b[1m"
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	reset  = "\x1b[0m"
)

// colorValue colours the values of status columns ("status", "*_status"):
// available is green; stopped and stopping are yellow; failed,
// incompatible-*, storage-full, inaccessible-encryption-credentials* and
// restore-error are red.
func colorValue(c Column, v string) string {
	if c.Name != "status" && !strings.HasSuffix(c.Name, "_status") {
		return v
	}
	switch s := strings.TrimSuffix(v, "…"); {
	case s == "available":
		return green + v + reset
	case s == "stopped" || s == "stopping":
		return yellow + v + reset
	case s == "failed" || s == "storage-full" || s == "restore-error" ||
		strings.HasPrefix(s, "incompatible-") || strings.HasPrefix(s, "inaccessible-encryption-credentials"):
		return red + v + reset
	}
	return v
}
