package awssim

import (
	"strings"
)

// rdsEngine is what the simulator knows of one RDS engine.
type rdsEngine struct {
	name, description string
	port              int32
	license           string
	logTypes          []string
	versions          []rdsEngineVersion // oldest first
	defaultVersion    string
}

// rdsEngineVersion is one engine version of the DescribeDBEngineVersions table.
type rdsEngineVersion struct {
	version, major, family string
	deprecated             bool
}

func (e *rdsEngine) aurora() bool { return strings.HasPrefix(e.name, "aurora") }

func (e *rdsEngine) findVersion(v string) *rdsEngineVersion {
	for i := range e.versions {
		if e.versions[i].version == v {
			return &e.versions[i]
		}
	}
	return nil
}

// rdsEngines is a small, realistic version table per engine.
var rdsEngines = func() map[string]*rdsEngine {
	pg := func(family string, vs ...string) []rdsEngineVersion {
		var out []rdsEngineVersion
		for _, v := range vs {
			major, _, _ := strings.Cut(v, ".")
			out = append(out, rdsEngineVersion{version: v, major: major, family: family + major})
		}
		return out
	}
	my := func(family string, vs ...string) []rdsEngineVersion {
		var out []rdsEngineVersion
		for _, v := range vs {
			parts := strings.SplitN(v, ".", 3)
			major := parts[0] + "." + parts[1]
			out = append(out, rdsEngineVersion{version: v, major: major, family: family + major})
		}
		return out
	}
	oracle := func(edition string) []rdsEngineVersion {
		var out []rdsEngineVersion
		for _, v := range []string{"19.0.0.0.ru-2024-01.rur-2024-01.r1", "19.0.0.0.ru-2024-04.rur-2024-04.r1", "19.0.0.0.ru-2024-07.rur-2024-07.r1"} {
			out = append(out, rdsEngineVersion{version: v, major: "19", family: edition + "-19"})
		}
		return out
	}
	sqlserver := func(edition string) []rdsEngineVersion {
		return []rdsEngineVersion{
			{version: "15.00.4385.2.v1", major: "15.00", family: edition + "-15.0"},
			{version: "16.00.4135.4.v1", major: "16.00", family: edition + "-16.0"},
		}
	}
	deprecate := func(vs []rdsEngineVersion, n int) []rdsEngineVersion {
		for i := 0; i < n && i < len(vs); i++ {
			vs[i].deprecated = true
		}
		return vs
	}
	list := []*rdsEngine{
		{name: "postgres", description: "PostgreSQL", port: 5432, license: "postgresql-license",
			logTypes: []string{"postgresql", "upgrade"}, defaultVersion: "16.4",
			versions: deprecate(pg("postgres", "11.22", "12.20", "13.16", "14.13", "15.8", "16.3", "16.4"), 1)},
		{name: "mysql", description: "MySQL Community Edition", port: 3306, license: "general-public-license",
			logTypes: []string{"audit", "error", "general", "slowquery"}, defaultVersion: "8.0.39",
			versions: deprecate(my("mysql", "5.7.44", "8.0.36", "8.0.39", "8.4.3"), 1)},
		{name: "mariadb", description: "MariaDb Community Edition", port: 3306, license: "general-public-license",
			logTypes: []string{"audit", "error", "general", "slowquery"}, defaultVersion: "10.11.9",
			versions: my("mariadb", "10.6.19", "10.11.9", "11.4.3")},
		{name: "aurora-postgresql", description: "Aurora (PostgreSQL)", port: 5432, license: "postgresql-license",
			logTypes: []string{"postgresql"}, defaultVersion: "16.4",
			versions: deprecate(pg("aurora-postgresql", "11.21", "13.15", "14.12", "15.7", "16.4"), 1)},
		{name: "aurora-mysql", description: "Aurora MySQL", port: 3306, license: "general-public-license",
			logTypes: []string{"audit", "error", "general", "slowquery"}, defaultVersion: "8.0.mysql_aurora.3.07.1",
			versions: []rdsEngineVersion{
				{version: "5.7.mysql_aurora.2.11.5", major: "5.7", family: "aurora-mysql5.7", deprecated: true},
				{version: "8.0.mysql_aurora.3.05.2", major: "8.0", family: "aurora-mysql8.0"},
				{version: "8.0.mysql_aurora.3.07.1", major: "8.0", family: "aurora-mysql8.0"},
			}},
		{name: "oracle-ee", description: "Oracle Database Enterprise Edition", port: 1521, license: "bring-your-own-license",
			logTypes: []string{"alert", "audit", "listener", "trace"}, defaultVersion: "19.0.0.0.ru-2024-07.rur-2024-07.r1",
			versions: oracle("oracle-ee")},
		{name: "oracle-se2", description: "Oracle Database Standard Edition Two", port: 1521, license: "license-included",
			logTypes: []string{"alert", "audit", "listener", "trace"}, defaultVersion: "19.0.0.0.ru-2024-07.rur-2024-07.r1",
			versions: oracle("oracle-se2")},
	}
	for _, ed := range []struct{ name, desc string }{
		{"sqlserver-ee", "Microsoft SQL Server Enterprise Edition"},
		{"sqlserver-se", "Microsoft SQL Server Standard Edition"},
		{"sqlserver-ex", "Microsoft SQL Server Express Edition"},
		{"sqlserver-web", "Microsoft SQL Server Web Edition"},
	} {
		list = append(list, &rdsEngine{name: ed.name, description: ed.desc, port: 1433, license: "license-included",
			logTypes: []string{"agent", "error"}, defaultVersion: "16.00.4135.4.v1", versions: sqlserver(ed.name)})
	}
	m := map[string]*rdsEngine{}
	for _, e := range list {
		m[e.name] = e
	}
	return m
}()

// rdsEngineOrder is the order DescribeDBEngineVersions lists engines in.
var rdsEngineOrder = []string{
	"aurora-mysql", "aurora-postgresql", "mariadb", "mysql", "oracle-ee", "oracle-se2",
	"postgres", "sqlserver-ee", "sqlserver-ex", "sqlserver-se", "sqlserver-web",
}

// family is the parameter group family of an engine version, falling back
// to the engine's default for versions outside the table.
func (e *rdsEngine) family(version string) string {
	if v := e.findVersion(version); v != nil {
		return v.family
	}
	return e.findVersion(e.defaultVersion).family
}

// defaultParamGroup is the default DB parameter group name for a version.
func (e *rdsEngine) defaultParamGroup(version string) string {
	return "default." + e.family(version)
}

// defaultOptionGroup is the default option group name ("default:postgres-16").
func (e *rdsEngine) defaultOptionGroup(version string) string {
	major := e.findVersion(e.defaultVersion).major
	if v := e.findVersion(version); v != nil {
		major = v.major
	}
	return "default:" + e.name + "-" + strings.NewReplacer(".", "-").Replace(major)
}

type xmlUpgradeTarget struct {
	Engine                string
	EngineVersion         string
	Description           string
	AutoUpgrade           bool
	IsMajorVersionUpgrade bool
}

type xmlDBEngineVersion struct {
	Engine                             string
	EngineVersion                      string
	DBParameterGroupFamily             string
	DBEngineDescription                string
	DBEngineVersionDescription         string
	ValidUpgradeTarget                 []xmlUpgradeTarget `xml:"ValidUpgradeTarget>UpgradeTarget"`
	ExportableLogTypes                 []string           `xml:"ExportableLogTypes>member"`
	SupportsLogExportsToCloudwatchLogs bool
	SupportsReadReplica                bool
	SupportedEngineModes               []string `xml:"SupportedEngineModes>member,omitempty"`
	Status                             string
	SupportsParallelQuery              bool
	SupportsGlobalDatabases            bool
	MajorEngineVersion                 string
	SupportsBabelfish                  bool
}

type xmlDBEngineVersionMessage struct {
	Marker           string               `xml:",omitempty"`
	DBEngineVersions []xmlDBEngineVersion `xml:"DBEngineVersions>DBEngineVersion"`
}

func (e *rdsEngine) versionXML(i int) xmlDBEngineVersion {
	v := e.versions[i]
	status := "available"
	if v.deprecated {
		status = "deprecated"
	}
	out := xmlDBEngineVersion{
		Engine: e.name, EngineVersion: v.version, DBParameterGroupFamily: v.family,
		DBEngineDescription: e.description, DBEngineVersionDescription: e.description + " " + v.version,
		ExportableLogTypes: e.logTypes, SupportsLogExportsToCloudwatchLogs: true, SupportsReadReplica: true,
		Status: status, MajorEngineVersion: v.major,
		SupportsGlobalDatabases: e.aurora(), SupportsBabelfish: e.name == "aurora-postgresql",
	}
	if e.aurora() {
		out.SupportedEngineModes = []string{"provisioned"}
	}
	for _, t := range e.versions[i+1:] {
		out.ValidUpgradeTarget = append(out.ValidUpgradeTarget, xmlUpgradeTarget{
			Engine: e.name, EngineVersion: t.version, Description: e.description + " " + t.version,
			IsMajorVersionUpgrade: t.major != v.major,
		})
	}
	return out
}

func rdsDescribeDBEngineVersions(c *call) (any, error) {
	if err := c.can("rds:DescribeDBEngineVersions", "*"); err != nil {
		return nil, err
	}
	max, err := rdsMaxRecords(c.params)
	if err != nil {
		return nil, err
	}
	engine, version, family := c.params.get("Engine"), c.params.get("EngineVersion"), c.params.get("DBParameterGroupFamily")
	defaultOnly, _, err := c.params.bool("DefaultOnly")
	if err != nil {
		return nil, err
	}
	filters, err := rdsParseFilters(c.params, "engine", "engine-version", "db-parameter-group-family", "status", "engine-mode")
	if err != nil {
		return nil, err
	}
	if engine != "" && rdsEngines[engine] == nil {
		return nil, invalidParam("Invalid DB engine: %s", engine)
	}
	var all []xmlDBEngineVersion
	for _, name := range rdsEngineOrder {
		e := rdsEngines[name]
		if engine != "" && name != engine {
			continue
		}
		for i, v := range e.versions {
			if version != "" && v.version != version && !strings.HasPrefix(v.version, version+".") {
				continue
			}
			if family != "" && v.family != family {
				continue
			}
			if defaultOnly && v.version != e.defaultVersion {
				continue
			}
			status := "available"
			if v.deprecated {
				status = "deprecated"
			}
			// AWS lists deprecated versions only when asked for them.
			if v.deprecated && version == "" && !filters.has("status") {
				continue
			}
			if !filters.match("engine", name) || !filters.match("engine-version", v.version) ||
				!filters.match("db-parameter-group-family", v.family) || !filters.match("status", status) {
				continue
			}
			all = append(all, e.versionXML(i))
		}
	}
	keys := make([]string, len(all))
	for i := range all {
		keys[i] = rdsIndexKey(i)
	}
	start, end, next := rdsPage(keys, c.params.get("Marker"), max)
	return &xmlDBEngineVersionMessage{Marker: next, DBEngineVersions: all[start:end]}, nil
}
