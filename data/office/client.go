package office

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"connectrpc.com/connect"

	"salesdesk/data"
	"salesdesk/data/office/officepb"
	"salesdesk/data/office/officepb/officepbconnect"
)

// DefaultTimeout bounds one call: a page, a save. Longer work (an import, an export) is made of
// calls that each stay within it.
const DefaultTimeout = 30 * time.Second

// Host is a host a desktop has paired with: where it is and the certificate it pinned.
type Host struct {
	Addr string
	Pin  Fingerprint
}

// DialOptions configure a desktop's connection.
type DialOptions struct {
	// Desktop names this computer in the host's list of who is connected.
	Desktop string
	// Timeout bounds each call; 0 is DefaultTimeout.
	Timeout time.Duration
}

// Client is data.Service over the network, as the member who signed in: the window and the command
// line use it as they use the local store's session (client_gen.go has the calls).
type Client struct {
	host    Host
	rpc     officepbconnect.SalesDeskClient
	office  officepbconnect.OfficeClient
	timeout time.Duration
	hc      *http.Client

	mu         sync.RWMutex
	token      string
	me         data.Member
	perms      map[data.Permission]bool
	mustChange bool
}

var _ data.Service = (*Client)(nil)

// SignIn connects to h, checks its certificate against the pin and signs in. A wrong login or
// password, a locked or deactivated account and a throttled address come back as the data layer's
// errors, as beside the file.
func SignIn(ctx context.Context, h Host, login, password string, opt DialOptions) (*Client, error) {
	if h.Pin == "" {
		return nil, errors.New("office: the host is not paired: its certificate has no pin")
	}
	c := &Client{host: h, timeout: opt.Timeout}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	c.hc = &http.Client{Transport: &http.Transport{
		TLSClientConfig:     clientTLS(h.Pin),
		ForceAttemptHTTP2:   true,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 15 * time.Second}).DialContext,
		TLSHandshakeTimeout: 5 * time.Second,
		IdleConnTimeout:     90 * time.Second,
	}}
	base := "https://" + h.Addr
	opts := []connect.ClientOption{connect.WithInterceptors(&clientInterceptor{c: c}),
		connect.WithReadMaxBytes(MaxMessage), connect.WithSendMaxBytes(MaxMessage), connect.WithCompressMinBytes(compressFrom)}
	c.rpc = officepbconnect.NewSalesDeskClient(c.hc, base, opts...)
	c.office = officepbconnect.NewOfficeClient(c.hc, base, opts...)

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.office.SignIn(ctx, connect.NewRequest(&officepb.SignInRequest{Login: login, Password: password, Desktop: opt.Desktop}))
	if err != nil {
		c.hc.CloseIdleConnections()
		return nil, c.fail(err)
	}
	m := resp.Msg
	c.token, c.me, c.mustChange = m.GetToken(), memberFromPB(m.GetMember()), m.GetMustChangePassword()
	c.perms = map[data.Permission]bool{}
	for _, p := range m.GetPermissions() {
		c.perms[data.Permission(p)] = true
	}
	return c, nil
}

// Host is where the client is connected.
func (c *Client) Host() Host { return c.host }

func (c *Client) Me() data.Member {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.me
}

// Can answers from the permissions the sign-in brought; the host checks every call again.
func (c *Client) Can(p data.Permission) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.perms[p]
}

// Now is the desktop's clock: the day a member sees is the desktop's day.
func (c *Client) Now() time.Time { return time.Now() }

func (c *Client) MustChangePassword() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.mustChange
}

// SignOut ends the session on the host and closes the connection.
func (c *Client) SignOut() error {
	ctx, cancel := c.call()
	defer cancel()
	_, err := c.office.SignOut(ctx, connect.NewRequest(&officepb.SignOutRequest{}))
	c.hc.CloseIdleConnections()
	if err != nil {
		return c.fail(err)
	}
	return nil
}

// Watch calls changed after each write committed on the host (the first call comes at once), until
// ctx ends (nil) or the stream breaks (the error: the host went away, or ended the session).
func (c *Client) Watch(ctx context.Context, changed func(commits uint64)) error {
	stream, err := c.office.Watch(ctx, connect.NewRequest(&officepb.WatchRequest{}))
	if err != nil {
		return c.fail(err)
	}
	defer stream.Close()
	for stream.Receive() {
		if stream.Msg().GetClosing() {
			return fmt.Errorf("%w: %w", data.ErrOffline, ErrHostQuit)
		}
		changed(stream.Msg().GetCommits())
	}
	if ctx.Err() != nil {
		return nil
	}
	if err := stream.Err(); err != nil {
		return c.fail(err)
	}
	return fmt.Errorf("office: the host ended the change feed: %w", data.ErrOffline)
}

// call is the context of one call: its deadline.
func (c *Client) call() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.timeout)
}

// fail is the data layer's error for a failed call: the host's own error as it described it, or
// what went wrong on the way.
func (c *Client) fail(err error) error {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("%w: %v", data.ErrOffline, err)
	}
	for _, d := range ce.Details() {
		if v, derr := d.Value(); derr == nil {
			if w, ok := v.(*officepb.WireError); ok {
				return errFromPB(w)
			}
		}
	}
	var pin *ErrNotPinned
	if errors.As(err, &pin) {
		return pin
	}
	switch ce.Code() {
	case connect.CodeDeadlineExceeded:
		return fmt.Errorf("%w (%s)", data.ErrNoAnswer, c.timeout)
	case connect.CodeUnauthenticated:
		return data.ErrSignedOut
	case connect.CodeUnavailable, connect.CodeCanceled, connect.CodeUnknown:
		return fmt.Errorf("%w: %v", data.ErrOffline, ce.Message())
	}
	return fmt.Errorf("office: %s: %s", ce.Code(), ce.Message())
}

// clientInterceptor gives each call the session's token, and notes a changed password.
type clientInterceptor struct{ c *Client }

func (i *clientInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		i.c.mu.RLock()
		token := i.c.token
		i.c.mu.RUnlock()
		if token != "" {
			req.Header().Set("Authorization", "Bearer "+token)
		}
		resp, err := next(ctx, req)
		if err == nil && req.Spec().Procedure == officepbconnect.SalesDeskChangePasswordProcedure {
			i.c.mu.Lock()
			i.c.mustChange = false
			i.c.mu.Unlock()
		}
		return resp, err
	}
}

func (i *clientInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		i.c.mu.RLock()
		token := i.c.token
		i.c.mu.RUnlock()
		if token != "" {
			conn.RequestHeader().Set("Authorization", "Bearer "+token)
		}
		return conn
	}
}

func (i *clientInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// offline is a failure to reach the host at all.
func offline(err error) error { return fmt.Errorf("%w: %v", data.ErrOffline, err) }
