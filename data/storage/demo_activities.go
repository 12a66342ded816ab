package storage

import (
	"hash/fnv"
	"salesdesk/data"
	"strings"
)

// demoActivity gives a demo card's planned next follow-up the details a rep would: a kind that fits
// its action, a time on most (office hours, on the half hour), and a reminder on some. The choice is
// a hash of the card's name and action, not the demo's random stream, so the rest of the demo stays
// as it was.
func demoActivity(c *data.Customer) {
	h := fnv.New32a()
	h.Write([]byte(c.Name + "\x00" + c.NextAction))
	v := h.Sum32()
	switch a := c.NextAction; {
	case strings.Contains(a, "电话"), strings.Contains(a, "催收"):
		c.NextKind = data.KindCall
	case strings.Contains(a, "上门"), strings.Contains(a, "拜访"), strings.Contains(a, "演示"):
		c.NextKind = data.KindVisit
	case strings.Contains(a, "发送"):
		c.NextKind = data.KindEmail
	case strings.Contains(a, "发布会"), strings.Contains(a, "招标"):
		c.NextKind = data.KindMeeting
	default:
		c.NextKind = data.ActivityKinds[v%uint32(len(data.ActivityKinds))]
	}
	if v%10 < 7 {
		c.NextTime = data.At(9+int(v/10%9), 30*int(v/90%2))
		if r := v / 180 % 10; r < 3 {
			c.NextRemind = data.Remind15Min
		} else if r < 4 {
			c.NextRemind = data.Remind1Hour
		}
	}
}
