// Package exitcode defines rdsfleet's exit codes and the error types commands
// return to select them.
package exitcode

import (
	"context"
	"errors"
	"strconv"
)

// Exit codes, documented in the README. Scripts tell a partial sweep from a
// total failure from bad input.
const (
	ExitOK        = 0
	ExitFailure   = 1 // the command could not do its job
	ExitUsage     = 2 // bad flags, arguments, config or input files
	ExitPartial   = 3 // some accounts or regions failed; the rest was done
	ExitCancelled = 130
)

// UsageError marks an error caused by what the user typed or wrote.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// PartialError marks a result that is complete except for the failures it
// already reported.
type PartialError struct{ Failed int }

func (e *PartialError) Error() string {
	if e.Failed == 1 {
		return "1 target failed"
	}
	return strconv.Itoa(e.Failed) + " targets failed"
}

// Of maps a command's error to the process exit code.
func Of(err error) int {
	var usage *UsageError
	var partial *PartialError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		return ExitCancelled
	case errors.As(err, &partial):
		return ExitPartial
	case errors.As(err, &usage):
		return ExitUsage
	}
	return ExitFailure
}
