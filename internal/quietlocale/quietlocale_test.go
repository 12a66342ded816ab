package quietlocale

import (
	"bytes"
	"log"
	"testing"
)

func TestFilterDropsOnlyTheLocaleReport(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  string
	}{
		{"locale report", []string{
			"Fyne error:  Error parsing user locale C",
			"  Cause: language: tag is not well-formed",
			"  At: /fyne/lang/locale.go:35",
		}, ""},
		{"other Fyne error kept whole", []string{
			"Fyne error:  Failed to open window",
			"  Cause: no display",
			"  At: /fyne/app.go:1",
		}, "Fyne error:  Failed to open window\n  Cause: no display\n  At: /fyne/app.go:1\n"},
		{"line after the report kept", []string{
			"Fyne error:  Error parsing user locale C",
			"  Cause: language: tag is not well-formed",
			"  At: /fyne/lang/locale.go:35",
			"saved",
			"  At: not part of a report",
		}, "saved\n  At: not part of a report\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			l := log.New(&Filter{W: &out}, "", 0)
			for _, s := range tc.lines {
				l.Println(s)
			}
			if out.String() != tc.want {
				t.Errorf("got %q, want %q", out.String(), tc.want)
			}
		})
	}
}

func TestInstalledOnTheStandardLogger(t *testing.T) {
	if _, ok := log.Writer().(*Filter); !ok {
		t.Fatalf("the standard logger writes to %T, not the filter", log.Writer())
	}
}
