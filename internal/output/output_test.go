package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type testRow struct {
	AccountName string            `json:"account_name"`
	Region      string            `json:"region"`
	ID          string            `json:"id"`
	Engine      string            `json:"engine"`
	Storage     int               `json:"storage"`
	MultiAZ     bool              `json:"multi_az"`
	Status      string            `json:"status"`
	Class       string            `json:"class" header:"INSTANCE CLASS"`
	Tags        map[string]string `json:"tags,omitempty"`
	internal    string
	Skipped     string `json:"-"`
}

func testRows() []testRow {
	return []testRow{
		{AccountName: "prod", Region: "us-east-1", ID: "orders", Engine: "postgres", Storage: 100, MultiAZ: true,
			Status: "available", Class: "db.r6g.large", Tags: map[string]string{"env": "prod", "team": "shop"}},
		{AccountName: "prod", Region: "eu-west-1", ID: "users", Engine: "mysql", Storage: 20,
			Status: "stopped", Class: "db.t3.micro", Tags: map[string]string{"env": "prod"}},
		{AccountName: "dev", Region: "us-east-1", ID: "scratch", Engine: "postgres", Storage: 5,
			Status: "incompatible-parameters", Class: "db.t4g.small"},
		{AccountName: "staging", Region: "us-east-1", ID: "reports", Engine: "aurora-postgresql", Storage: 1000,
			Status: "available", Class: "db.r6g.xlarge", Tags: map[string]string{"env": "staging"}},
	}
}

func testFailures() []Failure {
	return []Failure{
		{Account: "222222222222", AccountName: "sandbox", Region: "us-east-1", Stage: "describe-db-instances",
			Code: "AccessDenied", Message: "not authorized to perform rds:DescribeDBInstances"},
		{Account: "111111111111", AccountName: "legacy", Stage: "assume-role", Code: "AccessDenied",
			Message: "not authorized to perform sts:AssumeRole", Hint: "deploy the rdsfleet role in this account"},
	}
}

var defaultColumns = []string{"account_name", "region", "id", "engine", "status", "class"}

func render(t *testing.T, tb Table, opts Options) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := Render(&out, &errOut, tb, opts); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return out.String(), errOut.String()
}

func ids(t *testing.T, tb Table, opts Options) string {
	t.Helper()
	opts.Format, opts.Columns = FormatTable, []string{"id"}
	out, _ := render(t, tb, opts)
	return strings.Join(strings.Split(strings.TrimSpace(out), "\n")[1:], ",")
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{
		"table": FormatTable, "json": FormatJSON, "JSONL": FormatJSONL, " csv ": FormatCSV, "yaml": FormatYAML, "yml": FormatYAML,
	} {
		got, err := ParseFormat(in)
		if err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := ParseFormat("xml")
	if want := `unknown output format "xml" (valid: table, json, jsonl, csv, yaml)`; err == nil || err.Error() != want {
		t.Errorf("ParseFormat(xml) error = %v, want %s", err, want)
	}
	var f Format
	if err := f.Set("JSON"); err != nil || f != FormatJSON || f.String() != "json" || f.Type() != "format" {
		t.Errorf("Set(JSON): %q, %v", f, err)
	}
}

func TestTableTTY(t *testing.T) {
	tb := Table{
		Rows: testRows(), Failures: testFailures(), Default: defaultColumns,
		Summary: func(rows any) string { return strings.Repeat("x", len(rows.([]testRow))) + " rows" },
	}
	out, errOut := render(t, tb, Options{TTY: true})
	want := "" +
		"ACCOUNT NAME  REGION     ID       ENGINE             STATUS                   INSTANCE CLASS\n" +
		"prod          us-east-1  orders   postgres           available                db.r6g.large\n" +
		"prod          eu-west-1  users    mysql              stopped                  db.t3.micro\n" +
		"dev           us-east-1  scratch  postgres           incompatible-parameters  db.t4g.small\n" +
		"staging       us-east-1  reports  aurora-postgresql  available                db.r6g.xlarge\n" +
		"xxxx rows; 2 failures\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	wantErr := "" +
		"legacy (111111111111): AccessDenied: not authorized to perform sts:AssumeRole\n" +
		"  hint: deploy the rdsfleet role in this account\n" +
		"sandbox (222222222222) us-east-1: AccessDenied: not authorized to perform rds:DescribeDBInstances\n"
	if errOut != wantErr {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut, wantErr)
	}
}

func TestTableTTYEmptyValuesAndMaps(t *testing.T) {
	rows := []testRow{{ID: "a", Tags: map[string]string{"b": "2", "a": "1"}}, {ID: "bé"}}
	out, _ := render(t, Table{Rows: rows}, Options{TTY: true, Columns: []string{"id", "region", "tags", "tag:a"}})
	want := "" +
		"ID  REGION  TAGS     TAG:a\n" +
		"a   -       a=1,b=2  1\n" +
		"bé  -       -        -\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestTableTTYColor(t *testing.T) {
	tb := Table{Rows: testRows()[1:3], Failures: testFailures()[:1]}
	out, errOut := render(t, tb, Options{TTY: true, Color: true, Columns: []string{"id", "status"}})
	want := "" +
		"\x1b[1mID\x1b[0m       \x1b[1mSTATUS\x1b[0m\n" +
		"users    \x1b[33mstopped\x1b[0m\n" +
		"scratch  \x1b[31mincompatible-parameters\x1b[0m\n"
	if out != want {
		t.Errorf("got:\n%q\nwant:\n%q", out, want)
	}
	wantErr := "\x1b[31msandbox (222222222222) us-east-1: AccessDenied: not authorized to perform rds:DescribeDBInstances\x1b[0m\n"
	if errOut != wantErr {
		t.Errorf("stderr %q, want %q", errOut, wantErr)
	}
	// Colour needs a terminal.
	out, errOut = render(t, tb, Options{Color: true, Columns: []string{"id", "status"}})
	if strings.Contains(out+errOut, "\x1b") {
		t.Errorf("colour without a TTY: %q %q", out, errOut)
	}
}

func TestTableNonTTY(t *testing.T) {
	rows := testRows()
	rows[0].Class = strings.Repeat("long-", 30)
	rows[1].Region = ""
	rows[2].ID = "tab\there\nnewline"
	tb := Table{Rows: rows, Failures: testFailures()[:1], Default: defaultColumns,
		Summary: func(any) string { t.Error("summary without a TTY"); return "" }}
	out, errOut := render(t, tb, Options{Color: true, Width: 40})
	want := "" +
		"ACCOUNT NAME\tREGION\tID\tENGINE\tSTATUS\tINSTANCE CLASS\n" +
		"prod\tus-east-1\torders\tpostgres\tavailable\t" + strings.Repeat("long-", 30) + "\n" +
		"prod\t\tusers\tmysql\tstopped\tdb.t3.micro\n" +
		"dev\tus-east-1\ttab here newline\tpostgres\tincompatible-parameters\tdb.t4g.small\n" +
		"staging\tus-east-1\treports\taurora-postgresql\tavailable\tdb.r6g.xlarge\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if want := "sandbox (222222222222) us-east-1: AccessDenied: not authorized to perform rds:DescribeDBInstances\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
}

func TestTableTTYWidth(t *testing.T) {
	rows := []testRow{{ID: "short", Class: "a-rather-long-instance-class-name", Status: "available"}}
	out, _ := render(t, Table{Rows: rows}, Options{TTY: true, Width: 30, Columns: []string{"id", "class", "status"}})
	want := "" +
		"ID     INSTANCE CL…  STATUS\n" +
		"short  a-rather-lo…  available\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestColumns(t *testing.T) {
	cols, err := Columns([]testRow{})
	if err != nil {
		t.Fatal(err)
	}
	var names, headers []string
	for _, c := range cols {
		names, headers = append(names, c.Name), append(headers, c.Header)
	}
	if got, want := strings.Join(names, ","), "account_name,region,id,engine,storage,multi_az,status,class,tags"; got != want {
		t.Errorf("names %s, want %s", got, want)
	}
	if got, want := strings.Join(headers, ","), "ACCOUNT NAME,REGION,ID,ENGINE,STORAGE,MULTI AZ,STATUS,INSTANCE CLASS,TAGS"; got != want {
		t.Errorf("headers %s, want %s", got, want)
	}
	if _, err := Columns([]string{}); err == nil {
		t.Error("Columns of []string: no error")
	}
}

func TestColumnSelection(t *testing.T) {
	tb := Table{Rows: testRows()[:2], Default: defaultColumns}
	out, _ := render(t, tb, Options{Columns: []string{"ID", "tag:team", "storage", "multi_az"}})
	want := "ID\tTAG:team\tSTORAGE\tMULTI AZ\n" +
		"orders\tshop\t100\ttrue\n" +
		"users\t\t20\tfalse\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}

	var o, e bytes.Buffer
	err := Render(&o, &e, Table{Rows: testRows(), Failures: testFailures()}, Options{Format: FormatJSON, Columns: []string{"id", "engin"}})
	wantErr := `unknown column "engin" (valid: account_name, region, id, engine, storage, multi_az, status, class, tags, tag:KEY)`
	if err == nil || err.Error() != wantErr {
		t.Errorf("error %v, want %s", err, wantErr)
	}
	if o.Len()+e.Len() > 0 {
		t.Errorf("output written despite the error: %q %q", o.String(), e.String())
	}
	for _, opts := range []Options{{Sort: []string{"-nope"}}, {Filters: []Filter{{"nope", "=", "x"}}}} {
		if err := Render(&o, &e, tb, opts); err == nil || !strings.HasPrefix(err.Error(), `unknown column "nope"`) {
			t.Errorf("%+v: error %v", opts, err)
		}
	}
	if err := Render(&o, &e, Table{Rows: nil}, Options{}); err == nil {
		t.Error("nil rows: no error")
	}
}

func TestSort(t *testing.T) {
	tb := Table{Rows: testRows()}
	for _, tc := range []struct {
		sort []string
		want string
	}{
		{nil, "orders,users,scratch,reports"},
		{[]string{"id"}, "orders,reports,scratch,users"},
		{[]string{"-id"}, "users,scratch,reports,orders"},
		{[]string{"storage"}, "scratch,users,orders,reports"}, // 5 20 100 1000: numeric, not lexical
		{[]string{"-storage"}, "reports,orders,users,scratch"},
		{[]string{"engine"}, "reports,users,orders,scratch"}, // stable within postgres
		{[]string{"region", "-account_name"}, "users,reports,orders,scratch"},
		{[]string{"tag:env", "id"}, "scratch,orders,users,reports"}, // missing tag first
		{[]string{"-multi_az", "+account_name"}, "orders,scratch,users,reports"},
	} {
		got := ids(t, tb, Options{Sort: tc.sort})
		if got != tc.want {
			t.Errorf("sort %v: %s, want %s", tc.sort, got, tc.want)
		}
	}
}

func TestParseFilter(t *testing.T) {
	for in, want := range map[string]Filter{
		"engine=postgres":      {"engine", "=", "postgres"},
		"status!=available":    {"status", "!=", "available"},
		"class~r6g":            {"class", "~", "r6g"},
		"class!~t3":            {"class", "!~", "t3"},
		"tag:env=prod":         {"tag:env", "=", "prod"},
		"tag:env=":             {"tag:env", "=", ""},
		"tag:a=b=c":            {"tag:a", "=", "b=c"},
		" engine =postgres":    {"engine", "=", "postgres"},
		"tag:aws:stack~orders": {"tag:aws:stack", "~", "orders"},
	} {
		got, err := ParseFilter(in)
		if err != nil || got != want {
			t.Errorf("ParseFilter(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if err == nil && strings.TrimSpace(got.String()) != strings.ReplaceAll(strings.TrimSpace(in), " ", "") {
			t.Errorf("%q.String() = %q", in, got.String())
		}
	}
	for _, in := range []string{"engine", "=postgres", "!=x", ""} {
		if _, err := ParseFilter(in); err == nil {
			t.Errorf("ParseFilter(%q): no error", in)
		}
	}
	_, err := ParseFilter("engine")
	if want := `invalid filter "engine": want COLUMN=VALUE, COLUMN!=VALUE, COLUMN~TEXT or COLUMN!~TEXT`; err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestFilters(t *testing.T) {
	tb := Table{Rows: testRows()}
	for _, tc := range []struct {
		filters []string
		want    string
	}{
		{[]string{"engine=postgres"}, "orders,scratch"},
		{[]string{"engine=Postgres"}, ""}, // = is exact
		{[]string{"status!=available"}, "users,scratch"},
		{[]string{"class~R6G"}, "orders,reports"}, // ~ ignores case
		{[]string{"class!~r6g"}, "users,scratch"},
		{[]string{"tag:env=prod"}, "orders,users"},
		{[]string{"tag:env="}, "scratch"},
		{[]string{"tag:env!=prod"}, "scratch,reports"},
		{[]string{"storage=100"}, "orders"},
		{[]string{"multi_az=true"}, "orders"},
		{[]string{"engine=postgres", "engine=mysql"}, "orders,users,scratch"},              // OR on one column
		{[]string{"engine=postgres", "region=us-east-1", "status=available"}, "orders"},    // AND across columns
		{[]string{"status!=available", "status!=stopped"}, "scratch"},                      // negations all hold
		{[]string{"engine~postgres", "engine!=aurora-postgresql"}, "orders,scratch"},       // positive and negative
		{[]string{"Engine=mysql", "engine=postgres", "account_name=prod"}, "orders,users"}, // column names ignore case
		{[]string{"tags~team="}, "orders"},                                                 // whole map as k=v,k=v
		{[]string{"region=us-east-1", "region=eu-west-1", "tag:env~prod"}, "orders,users"}, // tags AND
		{[]string{"account_name=nobody"}, ""},
	} {
		var fs []Filter
		for _, s := range tc.filters {
			f, err := ParseFilter(s)
			if err != nil {
				t.Fatal(err)
			}
			fs = append(fs, f)
		}
		if got := ids(t, tb, Options{Filters: fs}); got != tc.want {
			t.Errorf("filters %v: %q, want %q", tc.filters, got, tc.want)
		}
	}
	var o, e bytes.Buffer
	if err := Render(&o, &e, tb, Options{Filters: []Filter{{"id", "==", "x"}}}); err == nil {
		t.Error("bad operator: no error")
	}
}

func TestJSON(t *testing.T) {
	rows := testRows()[1:3]
	out, errOut := render(t, Table{Rows: rows, Failures: testFailures()[1:], Default: defaultColumns}, Options{Format: FormatJSON})
	want := `{
  "rows": [
    {
      "account_name": "prod",
      "region": "eu-west-1",
      "id": "users",
      "engine": "mysql",
      "storage": 20,
      "multi_az": false,
      "status": "stopped",
      "class": "db.t3.micro",
      "tags": {
        "env": "prod"
      }
    },
    {
      "account_name": "dev",
      "region": "us-east-1",
      "id": "scratch",
      "engine": "postgres",
      "storage": 5,
      "multi_az": false,
      "status": "incompatible-parameters",
      "class": "db.t4g.small"
    }
  ],
  "errors": [
    {
      "account": "111111111111",
      "account_name": "legacy",
      "region": "",
      "stage": "assume-role",
      "code": "AccessDenied",
      "message": "not authorized to perform sts:AssumeRole",
      "hint": "deploy the rdsfleet role in this account"
    }
  ]
}
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if errOut != "" {
		t.Errorf("stderr %q", errOut)
	}

	// Whole rows parse back to the same rows; errors is an empty list, not null.
	all := testRows()
	all[0].ID = "<orders & co>"
	out, _ = render(t, Table{Rows: all}, Options{Format: FormatJSON})
	if !strings.Contains(out, `"<orders & co>"`) || !strings.HasSuffix(out, "  \"errors\": []\n}\n") {
		t.Errorf("HTML escaped or errors not an empty list:\n%s", out)
	}
	var doc struct {
		Rows   []testRow `json:"rows"`
		Errors []Failure `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(doc.Rows, all) || doc.Errors == nil || len(doc.Errors) != 0 {
		t.Errorf("parsed back %+v", doc)
	}

	// Filters and sorting apply; pointer rows work.
	ptrs := []*testRow{&all[0], &all[1], &all[2]}
	out, _ = render(t, Table{Rows: ptrs, Failures: testFailures()}, Options{Format: FormatJSON, Sort: []string{"storage"},
		Filters: []Filter{{"engine", "=", "postgres"}, {"engine", "=", "mysql"}}})
	doc.Rows, doc.Errors = nil, nil
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if want := []testRow{all[2], all[1], all[0]}; !reflect.DeepEqual(doc.Rows, want) {
		t.Errorf("rows %+v, want %+v", doc.Rows, want)
	}
	if want := sortedFailures(testFailures()); !reflect.DeepEqual(doc.Errors, want) {
		t.Errorf("errors %+v, want %+v", doc.Errors, want)
	}
}

func TestJSONColumns(t *testing.T) {
	out, _ := render(t, Table{Rows: testRows()[:3]}, Options{Format: FormatJSON,
		Columns: []string{"storage", "tag:team", "id", "tag:env", "multi_az", "id"}})
	want := `{
  "rows": [
    {
      "storage": 100,
      "tags": {
        "env": "prod",
        "team": "shop"
      },
      "id": "orders",
      "multi_az": true
    },
    {
      "storage": 20,
      "tags": {
        "env": "prod"
      },
      "id": "users",
      "multi_az": false
    },
    {
      "storage": 5,
      "tags": {},
      "id": "scratch",
      "multi_az": false
    }
  ],
  "errors": []
}
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	// The whole map wins over its keys.
	out, _ = render(t, Table{Rows: testRows()[:1]}, Options{Format: FormatJSONL, Columns: []string{"tag:env", "id", "tags"}})
	if want := `{"id":"orders","tags":{"env":"prod","team":"shop"}}` + "\n"; out != want {
		t.Errorf("got %s want %s", out, want)
	}
}

func TestJSONL(t *testing.T) {
	out, errOut := render(t, Table{Rows: testRows()[1:3], Failures: testFailures()}, Options{Format: FormatJSONL, TTY: true, Color: true})
	want := `{"account_name":"prod","region":"eu-west-1","id":"users","engine":"mysql","storage":20,"multi_az":false,"status":"stopped","class":"db.t3.micro","tags":{"env":"prod"}}
{"account_name":"dev","region":"us-east-1","id":"scratch","engine":"postgres","storage":5,"multi_az":false,"status":"incompatible-parameters","class":"db.t4g.small"}
{"error":{"account":"111111111111","account_name":"legacy","region":"","stage":"assume-role","code":"AccessDenied","message":"not authorized to perform sts:AssumeRole","hint":"deploy the rdsfleet role in this account"}}
{"error":{"account":"222222222222","account_name":"sandbox","region":"us-east-1","stage":"describe-db-instances","code":"AccessDenied","message":"not authorized to perform rds:DescribeDBInstances","hint":""}}
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if errOut != "" {
		t.Errorf("stderr %q", errOut)
	}
	out, _ = render(t, Table{Rows: []testRow{}}, Options{Format: FormatJSONL})
	if out != "" {
		t.Errorf("no rows: %q", out)
	}
}

func TestCSV(t *testing.T) {
	rows := testRows()
	rows[1].ID = `say "hi", then
leave`
	tb := Table{Rows: rows, Failures: testFailures()[:1], Default: []string{"id", "storage", "multi_az", "tags"}}
	out, errOut := render(t, tb, Options{Format: FormatCSV, TTY: true, Color: true})
	want := "id,storage,multi_az,tags\n" +
		"orders,100,true,\"env=prod,team=shop\"\n" +
		"\"say \"\"hi\"\", then\nleave\",20,false,env=prod\n" +
		"scratch,5,false,\n" +
		"reports,1000,false,env=staging\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if want := "sandbox (222222222222) us-east-1: AccessDenied: not authorized to perform rds:DescribeDBInstances\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 || recs[2][0] != rows[1].ID || recs[1][3] != "env=prod,team=shop" || recs[0][1] != "storage" {
		t.Errorf("parsed back %q", recs)
	}

	out, _ = render(t, tb, Options{Format: FormatCSV, Columns: []string{"tag:env", "account_name"}, Sort: []string{"-tag:env"}})
	if want := "tag:env,account_name\nstaging,staging\nprod,prod\nprod,prod\n,dev\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestYAML(t *testing.T) {
	rows := testRows()[:2]
	rows[1].ID = "no"
	rows[1].Class = "12:30"
	out, errOut := render(t, Table{Rows: rows, Failures: testFailures()[1:]}, Options{Format: FormatYAML})
	want := `rows:
  - account_name: prod
    region: us-east-1
    id: orders
    engine: postgres
    storage: 100
    multi_az: true
    status: available
    class: db.r6g.large
    tags:
      env: prod
      team: shop
  - account_name: prod
    region: eu-west-1
    id: "no"
    engine: mysql
    storage: 20
    multi_az: false
    status: stopped
    class: "12:30"
    tags:
      env: prod
errors:
  - account: "111111111111"
    account_name: legacy
    region: ""
    stage: assume-role
    code: AccessDenied
    message: not authorized to perform sts:AssumeRole
    hint: deploy the rdsfleet role in this account
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if errOut != "" {
		t.Errorf("stderr %q", errOut)
	}
	// It reads back as the JSON document does.
	js, _ := render(t, Table{Rows: rows, Failures: testFailures()[1:]}, Options{Format: FormatJSON})
	var fromJSON, fromYAML any
	if err := json.Unmarshal([]byte(js), &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(out), &fromYAML); err != nil {
		t.Fatal(err)
	}
	y, _ := json.Marshal(fromYAML)
	j, _ := json.Marshal(fromJSON)
	if string(y) != string(j) {
		t.Errorf("YAML reads back as\n%s\nJSON as\n%s", y, j)
	}
	out, _ = render(t, Table{Rows: []testRow{}}, Options{Format: FormatYAML})
	if want := "rows: []\nerrors: []\n"; out != want {
		t.Errorf("empty: %q, want %q", out, want)
	}
}

func TestFailureError(t *testing.T) {
	for _, tc := range []struct {
		f    Failure
		want string
	}{
		{Failure{Account: "1", AccountName: "a", Region: "r", Code: "C", Message: "m"}, "a (1) r: C: m"},
		{Failure{Account: "1", Region: "r", Message: "m"}, "1 r: m"},
		{Failure{AccountName: "a", Code: "C"}, "a: C"},
		{Failure{Region: "r"}, "r: failed"},
	} {
		if got := tc.f.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.f, got, tc.want)
		}
	}
}

func TestSummaryGetsShownRows(t *testing.T) {
	var got []*testRow
	rows := testRows()
	ptrs := []*testRow{&rows[0], &rows[1], &rows[2]}
	tb := Table{Rows: ptrs, Summary: func(r any) string { got = r.([]*testRow); return "" }}
	out, _ := render(t, tb, Options{TTY: true, Columns: []string{"id"}, Filters: []Filter{{"engine", "=", "postgres"}}, Sort: []string{"-id"}})
	if len(got) != 2 || got[0].ID != "scratch" || got[1].ID != "orders" {
		t.Errorf("summary got %+v", got)
	}
	if want := "ID\nscratch\norders\n"; out != want {
		t.Errorf("empty summary printed: %q", out)
	}
}
