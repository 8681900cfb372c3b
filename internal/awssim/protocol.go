package awssim

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"time"
)

// protocol is an AWS wire protocol.
type protocol int

const (
	protoQuery protocol = iota // STS, IAM, RDS: form-encoded Action, <XResponse><XResult>
	protoEC2                   // like query, no Result wrapper, <item> lists
	protoJSON                  // JSON 1.1 with X-Amz-Target
)

// handler runs one API action. It returns the result to encode (nil for
// an empty result) or an error, usually an *APIError.
type handler func(c *call) (any, error)

// service is one simulated AWS service.
type service struct {
	name    string // SigV4 signing name
	proto   protocol
	xmlns   string // query and EC2 protocols
	version string // API version the query protocol expects
	target  string // JSON protocol X-Amz-Target prefix
	global  bool   // IAM, Organizations: one endpoint for all regions
	actions map[string]handler
}

func (s *Server) services() map[string]*service {
	list := []*service{
		{name: "sts", proto: protoQuery, xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", version: "2011-06-15", actions: s.stsActions()},
		{name: "iam", proto: protoQuery, xmlns: "https://iam.amazonaws.com/doc/2010-05-08/", version: "2010-05-08", global: true, actions: s.iamActions()},
		{name: "rds", proto: protoQuery, xmlns: "http://rds.amazonaws.com/doc/2014-10-31/", version: "2014-10-31", actions: s.rdsActions()},
		{name: "ec2", proto: protoEC2, xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/", version: "2016-11-15", actions: s.ec2Actions()},
		{name: "secretsmanager", proto: protoJSON, target: "secretsmanager", actions: s.secretsActions()},
		{name: "kms", proto: protoJSON, target: "TrentService", actions: s.kmsActions()},
		{name: "organizations", proto: protoJSON, target: "AWSOrganizationsV20161128", global: true, actions: s.orgActions()},
	}
	m := make(map[string]*service, len(list))
	for _, svc := range list {
		m[svc.name] = svc
	}
	return m
}

// ec2Meta is embedded in every EC2 response to carry its requestId.
type ec2Meta struct {
	RequestID string `xml:"requestId"`
}

func (m *ec2Meta) setRequestID(id string) { m.RequestID = id }

type requestIDSetter interface{ setRequestID(string) }

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

func writeResult(w http.ResponseWriter, svc *service, action, requestID string, result any) {
	var buf bytes.Buffer
	switch svc.proto {
	case protoJSON:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-RequestId", requestID)
		if result == nil {
			buf.WriteString("{}")
		} else if err := json.NewEncoder(&buf).Encode(result); err != nil {
			writeError(w, svc, requestID, apiErr(500, "InternalFailure", "encoding the response failed: %v", err))
			return
		}
	case protoQuery:
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-RequestId", requestID)
		enc := xml.NewEncoder(&buf)
		start := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: svc.xmlns}}}
		err := enc.EncodeToken(start)
		if err == nil && result != nil {
			err = enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}})
		}
		if err == nil {
			err = enc.EncodeElement(responseMetadata{RequestID: requestID}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
		}
		if err == nil {
			err = enc.EncodeToken(start.End())
		}
		if err == nil {
			err = enc.Flush()
		}
		if err != nil {
			writeError(w, svc, requestID, apiErr(500, "InternalFailure", "encoding the response failed: %v", err))
			return
		}
	case protoEC2:
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		if result == nil {
			result = &struct {
				ec2Meta
				Return bool `xml:"return"`
			}{Return: true}
		}
		if s, ok := result.(requestIDSetter); ok {
			s.setRequestID(requestID)
		}
		buf.WriteString(xml.Header)
		enc := xml.NewEncoder(&buf)
		start := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: svc.xmlns}}}
		if err := enc.EncodeElement(result, start); err != nil {
			writeError(w, svc, requestID, apiErr(500, "InternalError", "encoding the response failed: %v", err))
			return
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

type queryErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr,omitempty"`
	Error     queryErrorBody
	RequestID string `xml:"RequestId"`
}

type queryErrorBody struct {
	Type    string
	Code    string
	Message string
}

type ec2ErrorResponse struct {
	XMLName   xml.Name       `xml:"Response"`
	Errors    []ec2ErrorBody `xml:"Errors>Error"`
	RequestID string         `xml:"RequestID"`
}

type ec2ErrorBody struct {
	Code    string
	Message string
}

// writeError renders err in the service's protocol. A nil service (the
// request could not be routed) gets the query protocol's shape.
func writeError(w http.ResponseWriter, svc *service, requestID string, e *APIError) {
	proto, xmlns := protoQuery, ""
	if svc != nil {
		proto, xmlns = svc.proto, svc.xmlns
	}
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	var body []byte
	switch proto {
	case protoJSON:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", e.Code)
		w.Header().Set("X-Amzn-RequestId", requestID)
		body, _ = json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	case protoEC2:
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		b, _ := xml.Marshal(ec2ErrorResponse{Errors: []ec2ErrorBody{{Code: e.Code, Message: e.Message}}, RequestID: requestID})
		body = append([]byte(xml.Header), b...)
	default:
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-RequestId", requestID)
		typ := "Sender"
		if e.Server {
			typ = "Receiver"
		}
		body, _ = xml.Marshal(queryErrorResponse{Xmlns: xmlns, Error: queryErrorBody{Type: typ, Code: e.Code, Message: e.Message}, RequestID: requestID})
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// xmlTime formats a timestamp as the query protocols do.
func xmlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// epochTime is a JSON-protocol timestamp: seconds since the epoch.
type epochTime time.Time

func (t epochTime) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64)), nil
}

// unknownOperation is each protocol's answer to an action it doesn't know.
func unknownOperation(svc *service, action string) *APIError {
	switch svc.proto {
	case protoJSON:
		return badRequest("UnknownOperationException", "")
	case protoEC2:
		return badRequest("InvalidAction", "The action %s is not valid for this web service.", action)
	default:
		return badRequest("InvalidAction", "Could not find operation %s for version %s", action, svc.version)
	}
}
