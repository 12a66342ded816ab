package office

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/mdns"
)

// ServiceType is office mode's DNS-SD service on the office network (mDNS, RFC 6762/6763).
const ServiceType = "_salesdesk._tcp"

// Announcement keeps a host announced on the office network until Stop.
type Announcement struct{ srv *mdns.Server }

// Announce tells the office network that a host named name serves on port at ips (nil: every
// address of the machine). The TXT record carries
// the start of the certificate's fingerprint, to tell two hosts apart in a list; trust still comes
// from the pairing code, since anyone on the network can announce anything.
func Announce(name string, ips []net.IP, port int, fp Fingerprint) (*Announcement, error) {
	if len(ips) == 0 {
		ips = LocalIPv4()
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "salesdesk"
	}
	svc, err := mdns.NewMDNSService(instanceName(name), ServiceType, "", hostFQDN(host), port, ips,
		[]string{"fp=" + shortFingerprint(fp), "v=1"})
	if err != nil {
		return nil, fmt.Errorf("office: announce: %w", err)
	}
	srv, err := mdns.NewServer(&mdns.Config{Zone: svc, Logger: quietLog()})
	if err != nil {
		return nil, fmt.Errorf("office: announce on the network: %w", err)
	}
	return &Announcement{srv: srv}, nil
}

// Stop ends the announcement.
func (a *Announcement) Stop() error { return a.srv.Shutdown() }

// Found is a host that answered on the network.
type Found struct {
	Name string // as the host announced itself
	Addr string // host:port to connect to
	// Fingerprint is the start of the host's certificate fingerprint ("SHA256:" and 16 hex digits).
	Fingerprint string
}

// Discover lists the hosts that answer within timeout, by name.
func Discover(ctx context.Context, timeout time.Duration) ([]Found, error) {
	entries := make(chan *mdns.ServiceEntry, 32)
	done := make(chan error, 1)
	go func() {
		done <- mdns.QueryContext(ctx, &mdns.QueryParam{Service: ServiceType, Domain: "local", Timeout: timeout,
			Entries: entries, DisableIPv6: true, Logger: quietLog()})
		close(entries)
	}()
	seen := map[string]Found{}
	for e := range entries {
		if e.AddrV4 == nil || e.Port == 0 {
			continue
		}
		f := Found{Name: strings.TrimSuffix(strings.TrimSuffix(e.Name, "."+ServiceType+".local."), "."), Addr: net.JoinHostPort(e.AddrV4.String(), fmt.Sprint(e.Port))}
		for _, field := range e.InfoFields {
			if v, ok := strings.CutPrefix(field, "fp="); ok {
				f.Fingerprint = v
			}
		}
		f.Name = unescapeInstance(f.Name)
		seen[f.Addr] = f
	}
	if err := <-done; err != nil && ctx.Err() == nil {
		return nil, fmt.Errorf("office: look for hosts on the network: %w", err)
	}
	out := make([]Found, 0, len(seen))
	for _, f := range seen {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name+out[i].Addr < out[j].Name+out[j].Addr })
	return out, nil
}

// shortFingerprint is enough of a fingerprint to tell hosts apart, too little to trust one by.
func shortFingerprint(fp Fingerprint) string {
	s := string(fp)
	if len(s) > len("SHA256:")+16 {
		s = s[:len("SHA256:")+16]
	}
	return s
}

// instanceName keeps a DNS-SD instance label within its 63 bytes; dots would split it.
func instanceName(name string) string {
	name = strings.ReplaceAll(strings.TrimSpace(name), ".", " ")
	if name == "" {
		name = "SalesDesk"
	}
	for len(name) > 63 {
		r := []rune(name)
		name = string(r[:len(r)-1])
	}
	return name
}

// unescapeInstance undoes the DNS escaping of spaces and other bytes in an instance label (\032).
func unescapeInstance(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isDigit3(s[i+1:i+4]) {
			n := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			b.WriteByte(byte(n))
			i += 3
			continue
		}
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isDigit3(s string) bool {
	return len(s) == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9'
}

func hostFQDN(host string) string {
	host = strings.TrimSuffix(host, ".")
	if !strings.HasSuffix(host, ".local") {
		host += ".local"
	}
	return host + "."
}

// quietLog keeps the mDNS library's notes (a network without multicast) out of the host's output.
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// LocalIPv4 are the machine's addresses a desktop can reach; loopback alone on a machine without a
// network.
func LocalIPv4() []net.IP {
	var out []net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && ipn.IP.To4() != nil {
			out = append(out, ipn.IP.To4())
		}
	}
	if len(out) == 0 {
		out = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	return out
}
