package data

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// companySuffixes are legal-form endings that do not distinguish one customer from another,
// in the normalised spelling (lower case, no spaces or punctuation), longest first.
var companySuffixes = func() []companySuffix {
	cjk := []string{"股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团", "公司"}
	latin := []string{"companylimited", "incorporated", "corporation", "limited", "coltd",
		"gmbh", "corp", "llc", "ltd", "inc", "co"}
	var all []companySuffix
	for _, s := range cjk {
		all = append(all, companySuffix{s, false})
	}
	for _, s := range latin {
		all = append(all, companySuffix{s, true})
	}
	sort.SliceStable(all, func(i, j int) bool {
		return len([]rune(all[i].text)) > len([]rune(all[j].text))
	})
	return all
}()

type companySuffix struct {
	text  string
	latin bool // must start a word, so "Zinc" does not lose "inc"
}

// isNameSeparator reports runes that NormalizeName drops: they never tell two names apart.
func IsNameSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) ||
		unicode.IsControl(r) || unicode.In(r, unicode.Cf)
}

// foldName applies NFKC (full-width → half-width, compatibility forms), lower-casing and removal
// of separators until nothing changes, so the result is a fixed point of the same steps.
func FoldName(s string) string {
	for range 8 {
		t := strings.Map(func(r rune) rune {
			if IsNameSeparator(r) {
				return -1
			}
			return r
		}, strings.ToLower(norm.NFKC.String(s)))
		if t == s {
			break
		}
		s = t
	}
	return s
}

// NormalizeName gives the key used to detect duplicate customers: "北京 科技有限公司",
// "北京科技" and "北京科技股份有限公司" are the same customer, as are "ACME Co., Ltd.", "acme"
// and "ＡＣＭＥ Inc.". It folds width and case, removes whitespace and punctuation and then
// strips trailing legal-form suffixes, longest first and repeatedly, but never the whole name
// (stripping stops when the longest matching suffix is all that is left).
// A Latin suffix is only stripped where a word starts (after a space or punctuation in the
// input, or after a character that is not a Latin letter or digit, as in "华为Co.,Ltd"), so
// names that merely end in those letters ("Zinc", "Cisco") keep them.
func NormalizeName(s string) string {
	// Fold each word on its own so we know where words started.
	var b strings.Builder
	wordStart := map[int]bool{}
	for _, w := range strings.FieldsFunc(norm.NFKC.String(s), IsNameSeparator) {
		if f := FoldName(w); f != "" {
			wordStart[b.Len()] = true
			b.WriteString(f)
		}
	}
	name := b.String()
	if whole := FoldName(name); whole != name {
		// Folding across word boundaries changed something (combining marks after punctuation):
		// fall back to the whole-string fold without word information.
		name, wordStart = whole, nil
	}
	for {
		stripped := false
		for _, suf := range companySuffixes {
			if !strings.HasSuffix(name, suf.text) {
				continue
			}
			at := len(name) - len(suf.text)
			if suf.latin && at > 0 && !wordStart[at] {
				if prev, _ := utf8.DecodeLastRuneInString(name[:at]); unicode.Is(unicode.Latin, prev) || unicode.IsDigit(prev) {
					continue
				}
			}
			if at == 0 {
				// The longest suffix is the whole name ("有限公司", "Co., Ltd."): keep it, a
				// name must never normalise to nothing.
				return name
			}
			name, stripped = name[:at], true
			break
		}
		if !stripped {
			return name
		}
	}
}

// NormalizeEmail gives the key used to detect duplicate email addresses: trimmed and lower-cased
// as a whole, since in practice no mail server distinguishes case in the local part.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}
