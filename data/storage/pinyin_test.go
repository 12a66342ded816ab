package storage

import (
	"testing"
)

func TestPinyinKeys(t *testing.T) {
	for _, tc := range []struct{ in, full, initials string }{
		{"北京科技", "beijingkeji", "bjkj"},
		{"ABC电子", "abcdianzi", "abcdz"},
		{"绿地", "lvdi", "ld"},
		{"张伟 ", "zhangwei", "zw"},
		{"", "", ""},
		{"重庆长安汽车", "chongqingchanganqiche", "cqcaqc"},
		{"厦门银行", "xiamenyinhang", "xmyh"},
	} {
		full, ini := pinyinKeys(tc.in)
		if full != tc.full || ini != tc.initials {
			t.Errorf("pinyinKeys(%q) = %q, %q; want %q, %q", tc.in, full, ini, tc.full, tc.initials)
		}
	}
}

func TestPersonPinyin(t *testing.T) {
	for _, tc := range []struct{ in, full, initials string }{
		{"曾志伟", "zengzhiwei", "zzw"},
		{"单田芳", "shantianfang", "stf"},
		{"张伟", "zhangwei", "zw"},
		{"成都", "chengdu", "cd"},
	} {
		full, ini := personPinyin(tc.in)
		if full != tc.full || ini != tc.initials {
			t.Errorf("personPinyin(%q) = %q, %q; want %q, %q", tc.in, full, ini, tc.full, tc.initials)
		}
	}
}
