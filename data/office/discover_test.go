package office

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A host announced on the network is found by name, with its address and the start of its
// fingerprint.
func TestAnnounceAndDiscover(t *testing.T) {
	fp := Fingerprint("SHA256:" + strings.Repeat("5d0c", 16))
	a, err := Announce("销售部 SalesDesk", nil, 47851, fp)
	if err != nil {
		t.Skipf("no multicast on this machine: %v", err)
	}
	defer a.Stop()
	found, err := Discover(context.Background(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		if f.Name == "销售部 SalesDesk" && strings.HasSuffix(f.Addr, ":47851") && f.Fingerprint == "SHA256:5d0c5d0c5d0c5d0c" {
			return
		}
	}
	t.Fatalf("the announced host is not among %+v", found)
}
