package world

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocsWorlds parses the world files shown in docs/simulator.md, so the
// user's guide never shows a world the simulator rejects.
func TestDocsWorlds(t *testing.T) {
	data, err := os.ReadFile("../../../docs/simulator.md")
	if err != nil {
		t.Skip("docs not found:", err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(# [a-z-]+\\.yaml[^\n]*\n.*?)```").FindAllStringSubmatch(string(data), -1)
	if len(blocks) < 2 {
		t.Fatalf("found %d world files in docs/simulator.md, want the walkthrough and the complete example", len(blocks))
	}
	for _, b := range blocks {
		name := strings.Fields(b[1])[1]
		if _, err := Parse(name, []byte(b[1])); err != nil {
			t.Errorf("docs/simulator.md: %v", err)
		}
	}
}

// TestDocsCoverEverySchemaKey: the reference documents every key of the
// schema and the complete example uses each one.
func TestDocsCoverEverySchemaKey(t *testing.T) {
	data, err := os.ReadFile("../../../docs/simulator.md")
	if err != nil {
		t.Skip("docs not found:", err)
	}
	doc := string(data)
	_, example, ok := strings.Cut(doc, "# example.yaml\n")
	if !ok {
		t.Fatal("no example.yaml in docs/simulator.md")
	}
	example, _, _ = strings.Cut(example, "```")
	example = "\n" + example
	for typ := range worldTypes {
		for _, key := range knownFields(typ) {
			if !strings.Contains(doc, "`"+key+"`") {
				t.Errorf("docs/simulator.md does not document %s.%s", typ, key)
			}
			if !regexp.MustCompile(`[\s{,]` + key + `:`).MatchString(example) {
				t.Errorf("the complete example does not use %s.%s", typ, key)
			}
		}
	}
}
