package data

import (
	"strings"
	"testing"
)

var nameCases = []struct {
	name string
	in   string
	want string
}{
	{"Chinese with space and suffix", "北京 科技有限公司", "北京科技"},
	{"Chinese bare", "北京科技", "北京科技"},
	{"Chinese joint-stock", "北京科技股份有限公司", "北京科技"},
	{"Chinese limited liability", "北京科技有限责任公司", "北京科技"},
	{"Chinese group company", "海尔集团公司", "海尔"},
	{"Chinese group limited", "海尔集团有限公司", "海尔"},
	{"Chinese punctuation", "（北京）科技、有限公司。", "北京科技"},
	{"middle dot", "St. Mary·Hospital", "stmaryhospital"},
	{"Co., Ltd.", "ACME Co., Ltd.", "acme"},
	{"bare Latin", "acme", "acme"},
	{"full-width Inc.", "ＡＣＭＥ Inc.", "acme"},
	{"Corporation", "Acme Corporation", "acme"},
	{"Corp.", "Acme Corp.", "acme"},
	{"Incorporated", "Acme Incorporated", "acme"},
	{"GmbH", "ACME GmbH", "acme"},
	{"LLC", "Acme, LLC", "acme"},
	{"Company Limited", "Acme Company Limited", "acme"},
	{"Co Ltd", "Acme Co Ltd", "acme"},
	{"Co.,Ltd", "Acme Co.,Ltd", "acme"},
	{"Ltd.", "Acme Ltd.", "acme"},
	{"Limited", "Acme Limited", "acme"},
	{"Co.", "Acme Co.", "acme"},
	{"two Latin suffixes", "Acme Inc. Ltd.", "acme"},
	{"Chinese name with English suffix", "华为Co.,Ltd", "华为"},
	{"Chinese and English suffixes", "华为技术有限公司 Co., Ltd.", "华为技术"},
	{"word merely ending in inc", "Zinc", "zinc"},
	{"word merely ending in co", "Cisco", "cisco"},
	{"word ending in co with suffix", "Tesco Ltd", "tesco"},
	{"accented", "Müller GmbH", "müller"},
	{"digits", "3M China Ltd", "3mchina"},
	{"half-width katakana", "ﾃｽﾄ株式会社", "テスト株式会社"},
	{"only a suffix Chinese", "有限公司", "有限公司"},
	{"only a suffix Latin", "Co., Ltd.", "coltd"},
	{"only Inc", "Inc.", "inc"},
	{"group company only", "集团公司", "集团"},
	{"empty", "", ""},
	{"punctuation only", "  ，。、 ", ""},
}

func TestNormalizeName(t *testing.T) {
	for _, tc := range nameCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NormalizeName(tc.in); got != tc.want {
				t.Errorf("NormalizeName(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNormalizeNameDuplicates(t *testing.T) {
	groups := []struct {
		name  string
		names []string
	}{
		{"Beijing", []string{"北京 科技有限公司", "北京科技", "北京科技股份有限公司", "北京科技（有限公司）"}},
		{"ACME", []string{"ACME Co., Ltd.", "acme", "ＡＣＭＥ Inc.", "Acme Corp", "A.C.M.E. Limited"}},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			want := NormalizeName(g.names[0])
			for _, n := range g.names[1:] {
				if got := NormalizeName(n); got != want {
					t.Errorf("NormalizeName(%q) = %q; want %q like %q", n, got, want, g.names[0])
				}
			}
		})
	}
	if NormalizeName("Zinc") == NormalizeName("Z Inc.") {
		t.Errorf("Zinc and Z Inc. must stay different")
	}
}

func TestNormalizeEmail(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"lower-case all", "  Bob.Smith@Example.COM ", "bob.smith@example.com"},
		{"already normal", "a@b.cn", "a@b.cn"},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NormalizeEmail(tc.in); got != tc.want {
				t.Errorf("NormalizeEmail(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzNormalizeName(f *testing.F) {
	for _, tc := range nameCases {
		f.Add(tc.in)
	}
	// Unicode corner cases: marks separated by punctuation, ligatures, special casing, jamo.
	for _, s := range []string{"e.\u0301 Inc", "Caf\u0065\u0301 Co", "ﬁnc", "İnc.", "ǄLtd", "\u1100.\u1161.\u11a8",
		"Ⓒo., Ltd", "x\u200bInc", "㈱ACME", "Co Inc 公司", "\xff\xfe Ltd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeName(s)
		if again := NormalizeName(n); again != n {
			t.Fatalf("NormalizeName not idempotent: %q -> %q -> %q", s, n, again)
		}
		if strings.IndexFunc(n, IsNameSeparator) >= 0 {
			t.Fatalf("NormalizeName(%q) = %q keeps a separator", s, n)
		}
		if n == "" && FoldName(s) != "" {
			t.Fatalf("NormalizeName(%q) stripped the whole name %q", s, FoldName(s))
		}
	})
}
