package gui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"salesdesk/assets"
	"salesdesk/data"
)

// keysInUse lists every translation key the screens ask for: literal keys in the source, and the
// keys built from enum values and rule results.
func keysInUse(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	lit := regexp.MustCompile(`\bTf?\("([a-z_.]+[a-z_])"`)
	field := regexp.MustCompile(`(?:newField|\.add)\("([a-z_]+)"`)
	var keys []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			keys = append(keys, m[1])
		}
		for _, m := range field.FindAllStringSubmatch(string(src), -1) {
			keys = append(keys, "field."+m[1])
		}
	}
	enum := func(prefix string, vs ...string) {
		for _, v := range vs {
			keys = append(keys, prefix+"."+v)
		}
	}
	str := func(xs any) []string {
		var out []string
		switch v := xs.(type) {
		case []data.Status:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []data.Source:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []data.Ownership:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []data.Lifecycle:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []data.Level:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []data.Credit:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []data.ContactRole:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []data.MemberRole:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []data.Method:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []data.Grade:
			for _, x := range v {
				out = append(out, string(x))
			}
		}
		return out
	}
	enum("status", str(data.Statuses)...)
	enum("source", str(data.Sources)...)
	enum("ownership", str(data.Ownerships)...)
	enum("lifecycle", str(data.Lifecycles)...)
	enum("level", str(data.Levels)...)
	enum("credit", str(data.Credits)...)
	enum("role", str(data.ContactRoles)...)
	enum("role", str(data.MemberRoles)...)
	enum("method", str(data.Methods)...)
	enum("grade", str(data.Grades)...)
	enum("kind", "company", "person")
	enum("reason", "a_vip", "b_key", "c_purchased", "c_new_buyer", "d_need", "d_low_contact")
	enum("man", "ideal", "skilled_selling", "find_authority", "check_credit", "nurture", "stop")
	enum("cap", "month", "week")
	enum("dup.by", "name", "phone", "email")
	for _, g := range data.Grades {
		keys = append(keys, data.MaintenancePlanFor(g).Action)
	}
	keys = append(keys, "plan.after_sale") // the next action a won deal sets
	for _, st := range data.DefaultStages() {
		keys = append(keys, "stage."+st.Key)
	}
	var c data.Customer
	c.Kind = data.KindCompany
	for _, k := range c.Completeness().Missing {
		keys = append(keys, "field."+k)
	}
	return keys
}

func TestEveryKeyIsTranslatedInBothLanguages(t *testing.T) {
	keys := keysInUse(t)
	if len(keys) < 100 {
		t.Fatalf("found only %d keys; the scan is broken", len(keys))
	}
	for _, l := range Languages {
		table := loadTable(l)
		for _, k := range keys {
			if strings.TrimSpace(table[k]) == "" {
				t.Errorf("%s: %q has no translation", l, k)
			}
		}
	}
	zh, en := loadTable("zh"), loadTable("en")
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is in zh.json but not en.json", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%q is in en.json but not zh.json", k)
		}
	}
}

// A key kept in two catalogue files of one language would make one of them win silently.
func TestNoKeyIsInTwoCatalogueFiles(t *testing.T) {
	for _, l := range Languages {
		seen := map[string]string{}
		for _, name := range tableFiles(l) {
			raw, err := assets.Translations.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(raw, &part); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for k := range part {
				if other, ok := seen[k]; ok {
					t.Errorf("%q is in both %s and %s", k, other, name)
				}
				seen[k] = name
			}
		}
	}
}
