package awsconfig

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// DebugLog is a config option that logs every AWS call to w: service,
// operation, region, HTTP status, duration and AWS's request ID, one line
// each. It never logs headers or bodies, so no credential, token or
// secret value can reach the log (the SDK's own request logging prints the
// security token).
func DebugLog(w io.Writer) func(*config.LoadOptions) error {
	var mu sync.Mutex
	mw := middleware.DeserializeMiddlewareFunc("rdsfleetDebugLog", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
		start := time.Now()
		out, md, err := next.HandleDeserialize(ctx, in)
		status, reqID := 0, ""
		if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp != nil {
			status = resp.StatusCode
			reqID = resp.Header.Get("X-Amzn-RequestId")
		}
		outcome := "ok"
		if err != nil {
			outcome = "error"
		}
		mu.Lock()
		label := awsmiddleware.GetServiceID(ctx) + " " + awsmiddleware.GetOperationName(ctx) + " " + awsmiddleware.GetRegion(ctx)
		if req, ok := in.Request.(*smithyhttp.Request); ok && strings.HasPrefix(req.URL.Path, "/latest/") {
			// Instance metadata calls made while signing inherit the
			// outer operation's names; say what they are.
			label = "IMDS " + req.Method + " " + req.URL.Path
		}
		fmt.Fprintf(w, "debug: %s status=%d %s in %s request-id=%q\n", label, status, outcome, time.Since(start).Round(time.Millisecond), reqID)
		mu.Unlock()
		return out, md, err
	})
	return config.WithAPIOptions([]func(*middleware.Stack) error{
		func(s *middleware.Stack) error { return s.Deserialize.Add(mw, middleware.After) },
	})
}
