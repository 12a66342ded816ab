package data

import (
	"errors"
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors of the parsers below. The GUI translates a message by the identity of the
// sentinel (errors.Is), so the English texts here are only the fallback; wrapped errors add detail.
var (
	ErrPhoneEmpty   = errors.New("phone number is required")
	ErrPhoneInvalid = errors.New("phone number not recognised: enter a mobile number (138 0013 8000), " +
		"a landline with area code (010-12345678, optionally with extension -123) " +
		"or an international number starting with + (+49 151 12345678)")

	ErrEmailEmpty   = errors.New("email address is required")
	ErrEmailInvalid = errors.New("invalid email address")

	ErrAmountEmpty    = errors.New("amount is required")
	ErrAmountNegative = errors.New("amount must not be negative")
	ErrAmountInvalid  = errors.New("invalid amount")

	ErrDateEmpty   = errors.New("date is required")
	ErrDateInvalid = errors.New("invalid date")
)

// toHalfWidth maps full-width ASCII variants (as typed by a Chinese IME), the ideographic space,
// the full-width yen sign and the various Unicode dashes to their plain forms, so that every
// parser only has to deal with ASCII punctuation and digits.
func ToHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // ！ … ～ including ０-９, ＋, －, （）, ，, ．
			return r - 0xFEE0
		case r == 0x3000: // ideographic space
			return ' '
		case r == 0xFFE5: // ￥ full-width yen
			return '¥'
		case r >= 0x2010 && r <= 0x2015, r == 0x2212, r == 0xFE63: // hyphens, dashes, minus signs
			return '-'
		case r != ' ' && unicode.IsSpace(r): // tabs, no-break spaces …
			return ' '
		}
		return r
	}, s)
}

func IsDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------------------------
// Phone numbers

// PhoneKind tells which of the accepted phone number forms a number has.
type PhoneKind int

// The zero PhoneKind means "not parsed", so a zero Phone is distinguishable from a parsed one.
const (
	PhoneMobile        PhoneKind = iota + 1 // mainland mobile, normalised to 11 digits
	PhoneLandline                           // mainland landline, normalised to 010-12345678[-123]
	PhoneInternational                      // non-mainland number, normalised to +digits
)

// String names the kind for logs and debugging.
func (k PhoneKind) String() string {
	switch k {
	case PhoneMobile:
		return "mobile"
	case PhoneLandline:
		return "landline"
	case PhoneInternational:
		return "international"
	}
	return "unknown"
}

// Phone is a parsed phone number. Normalized is the canonical spelling, stable under re-parsing,
// so it can be stored and compared for duplicates.
type Phone struct {
	Kind       PhoneKind
	Normalized string
}

// ParsePhone accepts the ways people actually write phone numbers on business cards and in
// spreadsheets (spaces, dashes, parentheses, +86 prefixes, full-width digits, extensions) and
// returns one canonical spelling, so that the same number entered twice is recognised.
// Empty input gives ErrPhoneEmpty (the caller decides whether the field is optional);
// anything else that is not a number gives ErrPhoneInvalid.
func ParsePhone(s string) (Phone, error) {
	s = strings.TrimSpace(ToHalfWidth(s))
	if s == "" {
		return Phone{}, ErrPhoneEmpty
	}
	if p, ok := parsePhone(s); ok {
		return p, nil
	}
	return Phone{}, ErrPhoneInvalid
}

// NormalizePhone gives the key used to match duplicate phone numbers: the normalised form of a
// valid number, otherwise its digits (with a leading + kept) so that even unparseable numbers
// written differently still match.
func NormalizePhone(s string) string {
	if p, err := ParsePhone(s); err == nil {
		return p.Normalized
	}
	s = strings.TrimSpace(ToHalfWidth(s))
	var b strings.Builder
	if strings.HasPrefix(s, "+") {
		b.WriteByte('+')
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func parsePhone(s string) (Phone, bool) {
	switch {
	case strings.HasPrefix(s, "+"):
		return parseInternational(s[1:])
	case strings.HasPrefix(s, "00"): // international call prefix used in China instead of +
		return parseInternational(s[2:])
	}
	if rest, ok := strings.CutPrefix(s, "86"); ok {
		// "86 138 0013 8000" or "8613800138000": country code written without +.
		if rest != "" && (rest[0] == ' ' || rest[0] == '-') {
			return parseMainland(strings.TrimLeft(rest, " -"), true)
		}
		if len(rest) == 11 && IsDigits(rest) {
			return parseMobile(rest)
		}
	}
	return parseMainland(s, false)
}

// parseInternational parses what follows + or 00. +86 numbers are mainland numbers and get the
// mainland normalisation, so +86 138… and 138… are the same number.
func parseInternational(s string) (Phone, bool) {
	s = strings.TrimLeft(s, " ")
	if rest, ok := cutCountryCode86(s); ok {
		rest = strings.TrimLeft(rest, " -")
		// "+86 (0)10 1234 5678": the trunk 0 in parentheses is optional.
		rest = strings.TrimLeft(strings.TrimPrefix(rest, "(0)"), " -")
		return parseMainland(rest, true)
	}
	if s == "" || s[0] < '1' || s[0] > '9' { // country codes never start with 0
		return Phone{}, false
	}
	var digits []byte
	open, closed := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '-':
		case c == '(' && !open: // "+1 (415) 555-2671"
			open = true
		case c == ')' && open && !closed && s[i-1] != '(':
			closed = true
		default:
			return Phone{}, false
		}
	}
	if open != closed {
		return Phone{}, false
	}
	// Country code (1–3 digits) plus subscriber number; E.164 caps the whole at 15 digits.
	if len(digits) < 7 || len(digits) > 15 {
		return Phone{}, false
	}
	return Phone{Kind: PhoneInternational, Normalized: "+" + string(digits)}, true
}

// cutCountryCode86 reports whether the digits of s start with 86 (even if written "8 6") and
// returns what follows them, so every spelling that normalises to +86… is parsed as mainland.
func cutCountryCode86(s string) (string, bool) {
	var d []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if d = append(d, c); len(d) == 2 {
				return s[i+1:], string(d) == "86"
			}
		case c == ' ' || c == '-':
		default:
			return "", false
		}
	}
	return "", false
}

func parseMobile(d string) (Phone, bool) {
	if len(d) == 11 && IsDigits(d) && d[0] == '1' && d[1] >= '3' && d[1] <= '9' {
		return Phone{Kind: PhoneMobile, Normalized: d}, true
	}
	return Phone{}, false
}

// parseMainland parses a mainland mobile or landline number. afterCC is set when +86 preceded it;
// then the landline trunk 0 may be left out (+86 10 12345678).
func parseMainland(s string, afterCC bool) (Phone, bool) {
	body, ext, ok := cutExtension(s)
	if !ok {
		return Phone{}, false
	}
	if ext == "" && !strings.ContainsAny(body, "()") {
		compact := spaceDash.Replace(body)
		if p, ok := parseMobile(compact); ok {
			return p, true
		}
	}
	return parseLandline(body, ext, afterCC)
}

// extensionMarkers introduce an extension explicitly; "-123" after a full number is handled in
// parseLandline.
var extensionMarkers = []string{"转", "分机", "ext.", "ext", "x"}

// cutExtension splits "010-12345678 转 123" into body and extension digits. ok is false when a
// marker is present but not followed by 1–6 digits.
func cutExtension(s string) (body, ext string, ok bool) {
	lower := strings.ToLower(s) // only ASCII matters here; other letters make the number invalid anyway
	if len(lower) != len(s) {
		return s, "", true
	}
	for _, m := range extensionMarkers {
		i := strings.Index(lower, m)
		if i < 0 {
			continue
		}
		body = strings.TrimRight(s[:i], " -")
		ext = strings.TrimLeft(s[i+len(m):], " :.")
		if len(ext) < 1 || len(ext) > 6 || !IsDigits(ext) || body == "" {
			return "", "", false
		}
		return body, ext, true
	}
	return s, "", true
}

// areaCodeLen returns the length of the mainland area code that d starts with: 010 and 02x are
// three digits, all others (03xx–09xx) four; 0 if d cannot start an area code.
func areaCodeLen(d string) int {
	if len(d) < 3 || d[0] != '0' {
		return 0
	}
	switch {
	case d[1] == '1' && d[2] == '0':
		return 3
	case d[1] == '2':
		return 3
	case d[1] >= '3' && d[1] <= '9':
		return 4
	}
	return 0
}

func parseLandline(s, ext string, afterCC bool) (Phone, bool) {
	area, rest := "", s
	if strings.HasPrefix(s, "(") { // "(010)12345678"
		j := strings.IndexByte(s, ')')
		if j < 0 {
			return Phone{}, false
		}
		area, rest = s[1:j], s[j+1:]
		if afterCC && !strings.HasPrefix(area, "0") {
			area = "0" + area
		}
		if !IsDigits(area) || areaCodeLen(area) != len(area) {
			return Phone{}, false
		}
		rest = strings.TrimLeft(rest, " -")
	}
	if strings.ContainsAny(rest, "()") {
		return Phone{}, false
	}
	// Split into digit groups; dash[i] records whether a dash preceded group i.
	var groups []string
	var dash []bool
	sawDash, start := false, -1
	for i := 0; i <= len(rest); i++ {
		if i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			groups = append(groups, rest[start:i])
			dash = append(dash, sawDash)
			start, sawDash = -1, false
		}
		if i == len(rest) {
			break
		}
		switch rest[i] {
		case '-':
			sawDash = true
		case ' ':
		default:
			return Phone{}, false
		}
		if i == 0 || i == len(rest)-1 { // leading or trailing separator
			return Phone{}, false
		}
	}
	if len(groups) == 0 {
		return Phone{}, false
	}
	if area == "" {
		g := groups[0]
		if afterCC && !strings.HasPrefix(g, "0") {
			g = "0" + g
		}
		n := areaCodeLen(g)
		switch {
		case n == 0 || len(g) < n:
			return Phone{}, false
		case len(g) == n:
			area, groups, dash = g, groups[1:], dash[1:]
		default: // area code written together with the number: "01012345678"
			area, groups[0] = g[:n], g[n:]
		}
		if len(groups) == 0 {
			return Phone{}, false
		}
	}
	total := 0
	for _, g := range groups {
		total += len(g)
	}
	var local string
	last := len(groups) - 1
	switch {
	case ext == "" && last >= 1 && dash[last] && total-len(groups[last]) >= 7 &&
		total-len(groups[last]) <= 8 && len(groups[last]) <= 6:
		// "010-12345678-123"; also "010-1234567-8", which is how the normalised form of
		// "010-1234567 转 8" reads, so it must stay an extension.
		local, ext = strings.Join(groups[:last], ""), groups[last]
	case total >= 7 && total <= 8:
		local = strings.Join(groups, "")
	default:
		return Phone{}, false
	}
	if local[0] == '0' {
		return Phone{}, false
	}
	n := area + "-" + local
	if ext != "" {
		n += "-" + ext
	}
	return Phone{Kind: PhoneLandline, Normalized: n}, true
}

// ---------------------------------------------------------------------------------------------
// Email

const emailLocalSpecials = "!#$%&'*+/=?^_`{|}~-."

// ValidateEmail checks that an address can plausibly receive mail, catching the typical typing
// mistakes (missing @, spaces, "gmail,com", "a..b"), and returns it trimmed with the domain
// lower-cased (domains are case-insensitive; local parts formally are not). Display-name forms
// like "Bob <b@x.com>" are rejected because the field holds an address, not a recipient.
// Empty input gives ErrEmailEmpty; everything else wraps ErrEmailInvalid.
func ValidateEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ErrEmailEmpty
	}
	bad := func(why string) (string, error) { return "", fmt.Errorf("%w: %s", ErrEmailInvalid, why) }
	if !utf8.ValidString(s) {
		return bad("it contains unreadable characters")
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return bad("it must not contain spaces")
		}
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return bad("the @ is missing")
	}
	if strings.Count(s, "@") > 1 {
		return bad("only one @ is allowed")
	}
	local, domain := s[:at], strings.ToLower(s[at+1:])
	norm := local + "@" + domain
	switch {
	case local == "":
		return bad("the part before @ is missing")
	case domain == "":
		return bad("the part after @ is missing")
	case len(norm) > 254:
		return bad("it is longer than 254 characters")
	case len(local) > 64:
		return bad("the part before @ is longer than 64 characters")
	case strings.Contains(norm, ".."):
		return bad("two dots in a row are not allowed")
	case strings.HasPrefix(local, ".") || strings.HasSuffix(local, "."):
		return bad("the part before @ must not start or end with a dot")
	}
	for _, r := range local {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && !strings.ContainsRune(emailLocalSpecials, r) {
			return bad(fmt.Sprintf("the character %q is not allowed", r))
		}
	}
	if !strings.Contains(domain, ".") {
		return bad("the part after @ needs a dot, like example.com")
	}
	labels := strings.Split(domain, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return bad("the part after @ is not a valid domain")
		}
		for _, r := range l {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '-' {
				return bad(fmt.Sprintf("the character %q is not allowed after @", r))
			}
		}
	}
	tld := labels[len(labels)-1]
	if utf8.RuneCountInString(tld) < 2 || IsDigits(tld) {
		return bad("the part after @ must end in a domain like .com or .cn")
	}
	// Second opinion from the standard library's RFC 5322 parser.
	if a, err := mail.ParseAddress(norm); err != nil || a.Name != "" || a.Address != norm {
		return bad("it is not a valid address")
	}
	return norm, nil
}

// ---------------------------------------------------------------------------------------------
// Amounts

// Amount is a sum of money in fen (1/100 yuan). Integer cents keep sums and comparisons exact,
// which float yuan would not.
type Amount int64

// AmountFromYuan converts whole yuan to an Amount, saturating instead of overflowing.
func AmountFromYuan(y int64) Amount {
	switch {
	case y > math.MaxInt64/100:
		return math.MaxInt64
	case y < math.MinInt64/100:
		return math.MinInt64
	}
	return Amount(y * 100)
}

// Yuan returns the amount in yuan for charts and ratios; do not use it for sums.
func (a Amount) Yuan() float64 { return float64(a) / 100 }

// String formats the amount as 45,000.00, the form ParseAmount reads back.
func (a Amount) String() string { return FormatAmount(a, ",") }

// FormatAmount formats the amount with two decimals and sep between groups of thousands
// (sep "" for none), e.g. for exports that must not contain commas.
func FormatAmount(a Amount, sep string) string {
	neg := a < 0
	u := uint64(a)
	if neg {
		u = -u // two's complement magnitude; also right for math.MinInt64
	}
	intPart := strconv.FormatUint(u/100, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := 0; i < len(intPart); i++ {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteByte(intPart[i])
	}
	fmt.Fprintf(&b, ".%02d", u%100)
	return b.String()
}

// ParseAmount reads a money amount as typed in China: optional ¥/￥/RMB/CNY (or a trailing 元),
// thousands separators (, or ，) in groups of three, up to two decimals, full-width digits, and the
// units 万 (ten thousand) and 亿 (a hundred million), as in "5万", "1.25万元" or "¥3亿" (with a unit,
// decimals down to the fen).
// It is strict about separators because "4,5000" is more likely a typo than 45,000.
func ParseAmount(s string) (Amount, error) {
	s = strings.TrimSpace(ToHalfWidth(s))
	if s == "" {
		return 0, ErrAmountEmpty
	}
	bad := func(why string) (Amount, error) { return 0, fmt.Errorf("%w: %s", ErrAmountInvalid, why) }
	neg, currency := false, false
	for changed := true; changed; {
		changed = false
		s = strings.TrimSpace(s)
		if !neg && strings.HasPrefix(s, "-") {
			s, neg, changed = s[1:], true, true
			continue
		}
		if !currency {
			for _, c := range []string{"¥", "RMB", "CNY"} {
				if len(s) >= len(c) && strings.EqualFold(s[:len(c)], c) {
					s, currency, changed = s[len(c):], true, true
					break
				}
			}
		}
	}
	if t, ok := strings.CutSuffix(s, "元"); ok {
		s = strings.TrimSpace(t)
	} else if !currency {
		for _, c := range []string{"RMB", "CNY"} {
			if len(s) >= len(c) && strings.EqualFold(s[len(s)-len(c):], c) {
				s = strings.TrimSpace(s[:len(s)-len(c)])
				break
			}
		}
	}
	// scale is how many decimal places the number's last digit stands for: 2 for fen, 6 for 万.
	scale := 2
	if t, ok := strings.CutSuffix(s, "万"); ok {
		s, scale = strings.TrimSpace(t), 6
	} else if t, ok := strings.CutSuffix(s, "亿"); ok {
		s, scale = strings.TrimSpace(t), 10
	}
	if s == "" {
		return bad("enter a number such as 45,000.50")
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if (intPart == "" && frac == "") || strings.Contains(frac, ".") {
		return bad("enter a number such as 45,000.50")
	}
	if frac != "" && !IsDigits(frac) {
		return bad("enter a number such as 45,000.50")
	}
	if len(frac) > scale {
		if scale > 2 {
			return bad("the amount must not go below a fen")
		}
		return bad("at most 2 decimal places are allowed")
	}
	digits := intPart
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		for i, g := range groups {
			if !IsDigits(g) {
				return bad("enter a number such as 45,000.50")
			}
			if (i == 0 && len(g) > 3) || (i > 0 && len(g) != 3) {
				return bad("thousands separators must split the number into groups of 3 digits, like 45,000")
			}
		}
		digits = strings.Join(groups, "")
	} else if intPart != "" && !IsDigits(intPart) {
		return bad("enter a number such as 45,000.50")
	}
	var v int64
	for i := 0; i < len(digits)+scale; i++ {
		d := int64(0)
		switch {
		case i < len(digits):
			d = int64(digits[i] - '0')
		case i-len(digits) < len(frac):
			d = int64(frac[i-len(digits)] - '0')
		}
		if v > (math.MaxInt64-d)/10 {
			return bad("the number is too large")
		}
		v = v*10 + d
	}
	if neg {
		return 0, ErrAmountNegative
	}
	return Amount(v), nil
}

// ---------------------------------------------------------------------------------------------
// Dates

var (
	dateSepRe     = regexp.MustCompile(`^(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})$`)
	dateChineseRe = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$`)
	dateCompactRe = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
)

// ParseDate reads a calendar date in the forms common in China (2024-03-15, 2024/3/15,
// 2024.3.15, 2024年3月15日, 20240315) and returns midnight of that day in time.Local, so dates
// compare as days. Impossible dates and years outside 1900–2200 (almost always typos) are
// rejected with ErrDateInvalid; empty input gives ErrDateEmpty.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(ToHalfWidth(s))
	if s == "" {
		return time.Time{}, ErrDateEmpty
	}
	var ys, ms, ds string
	if m := dateSepRe.FindStringSubmatch(s); m != nil && m[2] == m[4] {
		ys, ms, ds = m[1], m[3], m[5]
	} else if m := dateChineseRe.FindStringSubmatch(s); m != nil {
		ys, ms, ds = m[1], m[2], m[3]
	} else if m := dateCompactRe.FindStringSubmatch(s); m != nil {
		ys, ms, ds = m[1], m[2], m[3]
	} else {
		return time.Time{}, fmt.Errorf("%w: use the form 2024-03-15", ErrDateInvalid)
	}
	y, _ := strconv.Atoi(ys)
	mo, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	switch {
	case y < 1900 || y > 2200:
		return time.Time{}, fmt.Errorf("%w: the year must be between 1900 and 2200", ErrDateInvalid)
	case mo < 1 || mo > 12:
		return time.Time{}, fmt.Errorf("%w: the month must be between 1 and 12", ErrDateInvalid)
	}
	days := time.Date(y, time.Month(mo)+1, 0, 12, 0, 0, 0, time.UTC).Day()
	if d < 1 || d > days {
		return time.Time{}, fmt.Errorf("%w: %04d-%02d has only %d days", ErrDateInvalid, y, mo, days)
	}
	return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.Local), nil
}

// FormatDate formats a date as 2006-01-02 (the form ParseDate reads back); the zero time, which
// means "not set", formats as "".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// spaceDash is built once: a Replacer allocates its tables, and every phone is parsed on each save.
var spaceDash = strings.NewReplacer(" ", "", "-", "")
