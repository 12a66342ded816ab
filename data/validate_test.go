package data

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
	"unicode"
)

var phoneCases = []struct {
	name string
	in   string
	kind PhoneKind
	want string // normalised form when err is nil
	err  error
}{
	{"mobile plain", "13800138000", PhoneMobile, "13800138000", nil},
	{"mobile spaces", "138 0013 8000", PhoneMobile, "13800138000", nil},
	{"mobile dashes", "138-0013-8000", PhoneMobile, "13800138000", nil},
	{"mobile 19x", "19912345678", PhoneMobile, "19912345678", nil},
	{"mobile surrounding spaces", "  13800138000\t", PhoneMobile, "13800138000", nil},
	{"mobile +86 spaces", "+86 138 0013 8000", PhoneMobile, "13800138000", nil},
	{"mobile +86 compact", "+8613800138000", PhoneMobile, "13800138000", nil},
	{"mobile +86 dash", "+86-138-0013-8000", PhoneMobile, "13800138000", nil},
	{"mobile 0086", "0086 13800138000", PhoneMobile, "13800138000", nil},
	{"mobile 86 space", "86 138 0013 8000", PhoneMobile, "13800138000", nil},
	{"mobile 86 compact", "8613800138000", PhoneMobile, "13800138000", nil},
	{"mobile full-width", "１３８００１３８０００", PhoneMobile, "13800138000", nil},
	{"mobile full-width plus and dash", "＋８６ １３８－００１３－８０００", PhoneMobile, "13800138000", nil},
	{"mobile ideographic space", "138\u30000013\u30008000", PhoneMobile, "13800138000", nil},
	{"landline dash", "010-12345678", PhoneLandline, "010-12345678", nil},
	{"landline spaces", "010 1234 5678", PhoneLandline, "010-12345678", nil},
	{"landline parentheses", "(010)12345678", PhoneLandline, "010-12345678", nil},
	{"landline full-width parentheses", "（０１０）１２３４５６７８", PhoneLandline, "010-12345678", nil},
	{"landline parentheses and space", "(0755) 1234-5678", PhoneLandline, "0755-12345678", nil},
	{"landline four-digit area", "0755-12345678", PhoneLandline, "0755-12345678", nil},
	{"landline seven-digit local", "0571-8765432", PhoneLandline, "0571-8765432", nil},
	{"landline compact three-digit area", "01012345678", PhoneLandline, "010-12345678", nil},
	{"landline compact 02x", "02187654321", PhoneLandline, "021-87654321", nil},
	{"landline compact four-digit area", "075512345678", PhoneLandline, "0755-12345678", nil},
	{"landline extension dash", "010-12345678-123", PhoneLandline, "010-12345678-123", nil},
	{"landline extension 转", "010-12345678转123", PhoneLandline, "010-12345678-123", nil},
	{"landline extension 转 spaced", "010-12345678 转 8001", PhoneLandline, "010-12345678-8001", nil},
	{"landline extension ext", "010-12345678 ext 123", PhoneLandline, "010-12345678-123", nil},
	{"landline extension Ext.", "021-87654321 Ext. 45", PhoneLandline, "021-87654321-45", nil},
	{"landline extension x", "021-87654321x45", PhoneLandline, "021-87654321-45", nil},
	{"landline 7-digit local, 1-digit extension", "0571-8765432 转 1", PhoneLandline, "0571-8765432-1", nil},
	{"landline dash before single digit is an extension", "0571-8765432-1", PhoneLandline, "0571-8765432-1", nil},
	{"landline local split 4-4", "0755-1234-5678", PhoneLandline, "0755-12345678", nil},
	{"landline split local with extension", "0755 1234 5678-90", PhoneLandline, "0755-12345678-90", nil},
	{"international space after plus", "+ 49 151 12345678", PhoneInternational, "+4915112345678", nil},
	{"+86 written 8 6", "+8 6 138 0013 8000", PhoneMobile, "13800138000", nil},
	{"landline +86 without trunk 0", "+86 10 1234 5678", PhoneLandline, "010-12345678", nil},
	{"landline +86 with trunk 0", "+86 010 12345678", PhoneLandline, "010-12345678", nil},
	{"landline +86 (0)", "+86 (0)21 8765 4321", PhoneLandline, "021-87654321", nil},
	{"landline +86 parenthesised area", "+86 (755) 12345678", PhoneLandline, "0755-12345678", nil},
	{"international DE", "+49 151 12345678", PhoneInternational, "+4915112345678", nil},
	{"international US parentheses", "+1 (415) 555-2671", PhoneInternational, "+14155552671", nil},
	{"international 00 prefix", "0049 30 1234567", PhoneInternational, "+49301234567", nil},
	{"international HK", "+852 2123 4567", PhoneInternational, "+85221234567", nil},
	{"international full-width", "＋４４ ２０ ７９４６ ０９５８", PhoneInternational, "+442079460958", nil},
	{"international normalised", "+4915112345678", PhoneInternational, "+4915112345678", nil},

	{"empty", "", 0, "", ErrPhoneEmpty},
	{"only spaces", "  \u3000 ", 0, "", ErrPhoneEmpty},
	{"mobile too short", "1380013800", 0, "", ErrPhoneInvalid},
	{"mobile too long", "138001380001", 0, "", ErrPhoneInvalid},
	{"mobile 12x", "12345678901", 0, "", ErrPhoneInvalid},
	{"letters", "abc", 0, "", ErrPhoneInvalid},
	{"letter O for zero", "138001380OO", 0, "", ErrPhoneInvalid},
	{"mobile dots", "138.0013.8000", 0, "", ErrPhoneInvalid},
	{"mobile with extension", "13800138000转123", 0, "", ErrPhoneInvalid},
	{"local number without area code", "12345678", 0, "", ErrPhoneInvalid},
	{"unknown area code 011", "011-12345678", 0, "", ErrPhoneInvalid},
	{"area code 012", "012-3456789", 0, "", ErrPhoneInvalid},
	{"four-digit area split wrongly", "075-51234567", 0, "", ErrPhoneInvalid},
	{"local too short", "010-123456", 0, "", ErrPhoneInvalid},
	{"local too long", "010-123456789", 0, "", ErrPhoneInvalid},
	{"local starts with 0", "010-01234567", 0, "", ErrPhoneInvalid},
	{"area code only", "010", 0, "", ErrPhoneInvalid},
	{"unbalanced parenthesis", "(010 12345678", 0, "", ErrPhoneInvalid},
	{"parentheses inside local", "010(1234)5678", 0, "", ErrPhoneInvalid},
	{"trailing dash", "010-12345678-", 0, "", ErrPhoneInvalid},
	{"leading dash", "-010-12345678", 0, "", ErrPhoneInvalid},
	{"extension too long", "010-12345678-1234567", 0, "", ErrPhoneInvalid},
	{"extension marker without digits", "010-12345678 转", 0, "", ErrPhoneInvalid},
	{"extension with letters", "010-12345678 ext abc", 0, "", ErrPhoneInvalid},
	{"+86 garbage", "+86 12345", 0, "", ErrPhoneInvalid},
	{"+86 split short", "+8 600000", 0, "", ErrPhoneInvalid},
	{"international too short", "+49 123", 0, "", ErrPhoneInvalid},
	{"international too long", "+49 1234567890123456", 0, "", ErrPhoneInvalid},
	{"international country code 0", "+0 1234567", 0, "", ErrPhoneInvalid},
	{"double plus", "++49 151 12345678", 0, "", ErrPhoneInvalid},
	{"plus only", "+", 0, "", ErrPhoneInvalid},
	{"international empty parentheses", "+49 () 15112345678", 0, "", ErrPhoneInvalid},
	{"international letters", "+49 151 CALL NOW", 0, "", ErrPhoneInvalid},
}

func TestParsePhone(t *testing.T) {
	for _, tc := range phoneCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePhone(tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("ParsePhone(%q) = %+v, %v; want error %v", tc.in, p, err, tc.err)
				}
				if p != (Phone{}) {
					t.Errorf("ParsePhone(%q) returned %+v with an error", tc.in, p)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePhone(%q) error %v", tc.in, err)
			}
			if p.Kind != tc.kind || p.Normalized != tc.want {
				t.Errorf("ParsePhone(%q) = %v %q; want %v %q", tc.in, p.Kind, p.Normalized, tc.kind, tc.want)
			}
		})
	}
}

func TestNormalizePhone(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"valid mobile", "+86 138-0013-8000", "13800138000"},
		{"valid landline", "（010）1234 5678", "010-12345678"},
		{"valid international", "+49 151 12345678", "+4915112345678"},
		{"invalid keeps digits", "tel: 123-45", "12345"},
		{"invalid keeps plus", "+12 34", "+1234"},
		{"invalid full-width", "１２３４", "1234"},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NormalizePhone(tc.in); got != tc.want {
				t.Errorf("NormalizePhone(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
	// Different spellings of one number must share the key.
	if a, b := NormalizePhone("138 0013 8000"), NormalizePhone("+8613800138000"); a != b {
		t.Errorf("spellings of one mobile differ: %q vs %q", a, b)
	}
}

func TestPhoneKindString(t *testing.T) {
	for k, want := range map[PhoneKind]string{PhoneMobile: "mobile", PhoneLandline: "landline",
		PhoneInternational: "international", 0: "unknown"} {
		if got := k.String(); got != want {
			t.Errorf("PhoneKind(%d).String() = %q; want %q", int(k), got, want)
		}
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, tc := range phoneCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePhone(s)
		key := NormalizePhone(s)
		if err != nil {
			if !errors.Is(err, ErrPhoneEmpty) && !errors.Is(err, ErrPhoneInvalid) {
				t.Fatalf("ParsePhone(%q): unexpected error %v", s, err)
			}
			return
		}
		if p.Kind < PhoneMobile || p.Kind > PhoneInternational || p.Normalized == "" {
			t.Fatalf("ParsePhone(%q) = %+v: bad result", s, p)
		}
		if key != p.Normalized {
			t.Fatalf("NormalizePhone(%q) = %q; ParsePhone gave %q", s, key, p.Normalized)
		}
		p2, err := ParsePhone(p.Normalized)
		if err != nil || p2 != p {
			t.Fatalf("ParsePhone(%q) = %+v, but re-parsing %q gives %+v, %v", s, p, p.Normalized, p2, err)
		}
	})
}

var emailCases = []struct {
	name string
	in   string
	want string
	err  error
}{
	{"simple", "bob@example.com", "bob@example.com", nil},
	{"trim and lower-case domain only", "  Bob.Smith@Example.COM \t", "Bob.Smith@example.com", nil},
	{"plus tag and subdomains", "a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk", nil},
	{"underscore digits hyphen", "user_name-1@x-y.cn", "user_name-1@x-y.cn", nil},
	{"apostrophe", "o'brien@example.ie", "o'brien@example.ie", nil},
	{"unicode", "张三@例子.中国", "张三@例子.中国", nil},
	{"digits in domain", "info@163.com", "info@163.com", nil},
	{"exactly 254", strings.Repeat("a", 60) + "@" + strings.Repeat("b.", 95) + "com",
		strings.Repeat("a", 60) + "@" + strings.Repeat("b.", 95) + "com", nil},

	{"empty", "", "", ErrEmailEmpty},
	{"spaces only", "   ", "", ErrEmailEmpty},
	{"missing @", "bob.example.com", "", ErrEmailInvalid},
	{"empty domain", "bob@", "", ErrEmailInvalid},
	{"empty local", "@example.com", "", ErrEmailInvalid},
	{"domain without dot", "bob@localhost", "", ErrEmailInvalid},
	{"double @", "bob@@example.com", "", ErrEmailInvalid},
	{"two @", "a@b@example.com", "", ErrEmailInvalid},
	{"space inside", "bob smith@example.com", "", ErrEmailInvalid},
	{"space in domain", "bob@exa mple.com", "", ErrEmailInvalid},
	{"display name", "Bob <bob@example.com>", "", ErrEmailInvalid},
	{"angle brackets", "<bob@example.com>", "", ErrEmailInvalid},
	{"quoted local part", `"bob"@example.com`, "", ErrEmailInvalid},
	{"consecutive dots local", "bob..smith@example.com", "", ErrEmailInvalid},
	{"consecutive dots domain", "bob@example..com", "", ErrEmailInvalid},
	{"leading dot local", ".bob@example.com", "", ErrEmailInvalid},
	{"trailing dot local", "bob.@example.com", "", ErrEmailInvalid},
	{"leading dot domain", "bob@.example.com", "", ErrEmailInvalid},
	{"trailing dot domain", "bob@example.com.", "", ErrEmailInvalid},
	{"hyphen starts label", "bob@-example.com", "", ErrEmailInvalid},
	{"comma for dot", "bob@example,com", "", ErrEmailInvalid},
	{"one-letter top-level domain", "bob@example.c", "", ErrEmailInvalid},
	{"IP address", "bob@1.2.3.4", "", ErrEmailInvalid},
	{"full-width at", "bob＠example.com", "", ErrEmailInvalid},
	{"local part over 64", strings.Repeat("a", 65) + "@example.com", "", ErrEmailInvalid},
	{"over 254", strings.Repeat("a", 60) + "@" + strings.Repeat("b.", 96) + "com", "", ErrEmailInvalid},
	{"invalid UTF-8", "bob\xff@example.com", "", ErrEmailInvalid},
}

func TestValidateEmail(t *testing.T) {
	for _, tc := range emailCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ValidateEmail(tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || got != "" {
					t.Fatalf("ValidateEmail(%q) = %q, %v; want error %v", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ValidateEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func FuzzValidateEmail(f *testing.F) {
	for _, tc := range emailCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ValidateEmail(s)
		if err != nil {
			if !errors.Is(err, ErrEmailEmpty) && !errors.Is(err, ErrEmailInvalid) {
				t.Fatalf("ValidateEmail(%q): unexpected error %v", s, err)
			}
			return
		}
		if len(got) > 254 || strings.Count(got, "@") != 1 || strings.IndexFunc(got, unicode.IsSpace) >= 0 {
			t.Fatalf("ValidateEmail(%q) = %q breaks the rules", s, got)
		}
		again, err := ValidateEmail(got)
		if err != nil || again != got {
			t.Fatalf("ValidateEmail(%q) = %q, but re-validating gives %q, %v", s, got, again, err)
		}
	})
}

var amountCases = []struct {
	name string
	in   string
	want Amount
	err  error
}{
	{"plain", "45000", 4500000, nil},
	{"zero", "0", 0, nil},
	{"thousands", "45,000", 4500000, nil},
	{"thousands and decimals", "45,000.50", 4500050, nil},
	{"one decimal", "45,000.5", 4500050, nil},
	{"one fen", "0.01", 1, nil},
	{"leading dot", ".5", 50, nil},
	{"trailing dot", "5.", 500, nil},
	{"millions", "1,234,567,890.12", 123456789012, nil},
	{"full-width digits", "１２３", 12300, nil},
	{"full-width with Chinese comma and dot", "１２，３４５．６７", 1234567, nil},
	{"Chinese comma", "1，234", 123400, nil},
	{"yen sign", "¥45,000", 4500000, nil},
	{"full-width yen sign", "￥45,000", 4500000, nil},
	{"RMB prefix", "RMB 45,000", 4500000, nil},
	{"rmb lower-case", "rmb1", 100, nil},
	{"CNY prefix", "CNY45000", 4500000, nil},
	{"yuan suffix", "45000元", 4500000, nil},
	{"RMB suffix", "45,000 RMB", 4500000, nil},
	{"surrounding spaces", "  ¥ 45,000.00  ", 4500000, nil},
	{"leading zeros", "007", 700, nil},
	{"largest", "92,233,720,368,547,758.07", math.MaxInt64, nil},

	{"empty", "", 0, ErrAmountEmpty},
	{"spaces only", "   ", 0, ErrAmountEmpty},
	{"negative", "-5", 0, ErrAmountNegative},
	{"negative with yen", "-¥5", 0, ErrAmountNegative},
	{"yen then negative", "¥-5", 0, ErrAmountNegative},
	{"full-width minus", "－５", 0, ErrAmountNegative},
	{"misplaced separator", "4,5000", 0, ErrAmountInvalid},
	{"short group", "45,00", 0, ErrAmountInvalid},
	{"long first group", "1234,567", 0, ErrAmountInvalid},
	{"leading separator", ",123", 0, ErrAmountInvalid},
	{"trailing separator", "123,", 0, ErrAmountInvalid},
	{"double separator", "1,,234", 0, ErrAmountInvalid},
	{"separator in decimals", "1.234,5", 0, ErrAmountInvalid},
	{"three decimals", "45.123", 0, ErrAmountInvalid},
	{"letters", "abc", 0, ErrAmountInvalid},
	{"trailing letters", "12abc", 0, ErrAmountInvalid},
	{"exponent", "1e5", 0, ErrAmountInvalid},
	{"hex", "0x10", 0, ErrAmountInvalid},
	{"two dots", "1.2.3", 0, ErrAmountInvalid},
	{"dot only", ".", 0, ErrAmountInvalid},
	{"currency only", "¥", 0, ErrAmountInvalid},
	{"two currencies", "¥¥5", 0, ErrAmountInvalid},
	{"internal space", "45 000", 0, ErrAmountInvalid},
	{"plus sign", "+5", 0, ErrAmountInvalid},
	{"double minus", "--5", 0, ErrAmountInvalid},
	{"overflow by one fen", "92,233,720,368,547,758.08", 0, ErrAmountInvalid},
	{"overflow", "99999999999999999999", 0, ErrAmountInvalid},
}

func TestParseAmount(t *testing.T) {
	for _, tc := range amountCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAmount(tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || got != 0 {
					t.Fatalf("ParseAmount(%q) = %d, %v; want error %v", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseAmount(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestAmountFormat(t *testing.T) {
	cases := []struct {
		name string
		a    Amount
		sep  string
		want string
	}{
		{"zero", 0, ",", "0.00"},
		{"one fen", 1, ",", "0.01"},
		{"hundreds", 99999, ",", "999.99"},
		{"thousands", 4500050, ",", "45,000.50"},
		{"millions", 123456789, ",", "1,234,567.89"},
		{"negative", -4500050, ",", "-45,000.50"},
		{"max", math.MaxInt64, ",", "92,233,720,368,547,758.07"},
		{"min", math.MinInt64, ",", "-92,233,720,368,547,758.08"},
		{"no separator", 4500050, "", "45000.50"},
		{"space separator", 123456789, " ", "1 234 567.89"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatAmount(tc.a, tc.sep); got != tc.want {
				t.Errorf("FormatAmount(%d, %q) = %q; want %q", tc.a, tc.sep, got, tc.want)
			}
			if tc.sep == "," && tc.a.String() != tc.want {
				t.Errorf("Amount(%d).String() = %q; want %q", tc.a, tc.a.String(), tc.want)
			}
		})
	}
}

func TestAmountYuan(t *testing.T) {
	cases := []struct {
		name string
		y    int64
		want Amount
	}{
		{"zero", 0, 0},
		{"half a million", 500_000, 50_000_000},
		{"negative", -3, -300},
		{"saturates high", math.MaxInt64 / 10, math.MaxInt64},
		{"saturates low", math.MinInt64 / 10, math.MinInt64},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := AmountFromYuan(tc.y); got != tc.want {
				t.Errorf("AmountFromYuan(%d) = %d; want %d", tc.y, got, tc.want)
			}
		})
	}
	if got := Amount(4500050).Yuan(); got != 45000.5 {
		t.Errorf("Yuan() = %v; want 45000.5", got)
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, tc := range amountCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if err != nil {
			if a != 0 || (!errors.Is(err, ErrAmountEmpty) && !errors.Is(err, ErrAmountNegative) && !errors.Is(err, ErrAmountInvalid)) {
				t.Fatalf("ParseAmount(%q) = %d, %v: unexpected", s, a, err)
			}
			return
		}
		if a < 0 {
			t.Fatalf("ParseAmount(%q) = %d is negative", s, a)
		}
		for _, sep := range []string{",", ""} {
			text := FormatAmount(a, sep)
			b, err := ParseAmount(text)
			if err != nil || b != a {
				t.Fatalf("ParseAmount(%q) = %d, but ParseAmount(%q) = %d, %v", s, a, text, b, err)
			}
		}
	})
}

var dateCases = []struct {
	name    string
	in      string
	y, m, d int
	err     error
}{
	{"ISO", "2024-03-15", 2024, 3, 15, nil},
	{"ISO single digits", "2024-3-5", 2024, 3, 5, nil},
	{"slashes", "2024/3/15", 2024, 3, 15, nil},
	{"dots", "2024.3.15", 2024, 3, 15, nil},
	{"Chinese", "2024年3月15日", 2024, 3, 15, nil},
	{"Chinese zero-padded", "2024年03月05日", 2024, 3, 5, nil},
	{"Chinese spaced", "2024 年 3 月 15 日", 2024, 3, 15, nil},
	{"Chinese 号", "2024年3月15号", 2024, 3, 15, nil},
	{"Chinese without 日", "2024年3月15", 2024, 3, 15, nil},
	{"compact", "20240315", 2024, 3, 15, nil},
	{"full-width", "２０２４－０３－１５", 2024, 3, 15, nil},
	{"surrounding spaces", " 2024-03-15 ", 2024, 3, 15, nil},
	{"leap day", "2024-02-29", 2024, 2, 29, nil},
	{"leap day 2000", "2000-02-29", 2000, 2, 29, nil},
	{"first year", "1900-01-01", 1900, 1, 1, nil},
	{"last year", "2200-12-31", 2200, 12, 31, nil},

	{"empty", "", 0, 0, 0, ErrDateEmpty},
	{"spaces only", "  ", 0, 0, 0, ErrDateEmpty},
	{"February 30", "2024-02-30", 0, 0, 0, ErrDateInvalid},
	{"no leap day 2023", "2023-02-29", 0, 0, 0, ErrDateInvalid},
	{"no leap day 1900", "1900-02-29", 0, 0, 0, ErrDateInvalid},
	{"April 31", "2024-04-31", 0, 0, 0, ErrDateInvalid},
	{"month 13", "2024-13-01", 0, 0, 0, ErrDateInvalid},
	{"month 0", "2024-00-10", 0, 0, 0, ErrDateInvalid},
	{"day 0", "2024-01-00", 0, 0, 0, ErrDateInvalid},
	{"compact impossible", "20241332", 0, 0, 0, ErrDateInvalid},
	{"year too early", "1899-12-31", 0, 0, 0, ErrDateInvalid},
	{"year too late", "2201-01-01", 0, 0, 0, ErrDateInvalid},
	{"mixed separators", "2024-03/15", 0, 0, 0, ErrDateInvalid},
	{"day first", "15.03.2024", 0, 0, 0, ErrDateInvalid},
	{"seven digits", "2024315", 0, 0, 0, ErrDateInvalid},
	{"with time", "2024-03-15T10:00", 0, 0, 0, ErrDateInvalid},
	{"two-digit year", "24-03-15", 0, 0, 0, ErrDateInvalid},
	{"double separator", "2024--03-15", 0, 0, 0, ErrDateInvalid},
	{"text", "tomorrow", 0, 0, 0, ErrDateInvalid},
}

func TestParseDate(t *testing.T) {
	for _, tc := range dateCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDate(tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !got.IsZero() {
					t.Fatalf("ParseDate(%q) = %v, %v; want error %v", tc.in, got, err, tc.err)
				}
				return
			}
			want := time.Date(tc.y, time.Month(tc.m), tc.d, 0, 0, 0, 0, time.Local)
			if err != nil || !got.Equal(want) || got.Location() != time.Local {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tc.in, got, err, want)
			}
		})
	}
}

func TestFormatDate(t *testing.T) {
	cases := []struct {
		name string
		t    time.Time
		want string
	}{
		{"zero", time.Time{}, ""},
		{"date", time.Date(2024, 3, 5, 0, 0, 0, 0, time.Local), "2024-03-05"},
		{"time of day ignored", time.Date(2024, 12, 31, 23, 59, 0, 0, time.UTC), "2024-12-31"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatDate(tc.t); got != tc.want {
				t.Errorf("FormatDate(%v) = %q; want %q", tc.t, got, tc.want)
			}
		})
	}
}

func FuzzParseDate(f *testing.F) {
	for _, tc := range dateCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !d.IsZero() || (!errors.Is(err, ErrDateEmpty) && !errors.Is(err, ErrDateInvalid)) {
				t.Fatalf("ParseDate(%q) = %v, %v: unexpected", s, d, err)
			}
			return
		}
		if d.Year() < 1900 || d.Year() > 2200 || d.Location() != time.Local {
			t.Fatalf("ParseDate(%q) = %v out of range", s, d)
		}
		text := FormatDate(d)
		d2, err := ParseDate(text)
		if err != nil || !d2.Equal(d) {
			t.Fatalf("ParseDate(%q) = %v, but ParseDate(%q) = %v, %v", s, d, text, d2, err)
		}
	})
}
