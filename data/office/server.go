package office

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"

	"salesdesk/data"
	"salesdesk/data/office/officepb"
	"salesdesk/data/office/officepb/officepbconnect"
	"salesdesk/data/storage"
)

// Limits of the host. A message over MaxMessage is refused before it is decoded: the largest reply,
// a page of MaxCustomerPage rows or an import's rows, stays well below it.
const (
	MaxMessage = 32 << 20
	// DefaultIdle is how long a session lasts without a call (the window's own idle lock is shorter).
	DefaultIdle = 12 * time.Hour
	// signInBurst failed sign-in tries per address are let through at once, then one per
	// signInEvery: a flood from one computer waits, the office's others sign in as usual.
	signInBurst = 10
	signInEvery = 6 * time.Second
)

// compressFrom is the smallest message sent gzipped. An office's network carries a card or a page of
// rows faster than gzip packs it; compressing every reply was a tenth of a busy host's work.
const compressFrom = 64 << 10

// ServerOptions configure a host.
type ServerOptions struct {
	// Idle ends a session after so long without a call; 0 is DefaultIdle.
	Idle time.Duration
	// Now is the host's clock (tests fix it); nil is time.Now.
	Now func() time.Time
	// Log receives the host's notes (refused calls, internal errors); nil is the standard logger.
	Log *log.Logger
	// MaxMessage bounds a message either way; 0 is MaxMessage.
	MaxMessage int
	// SignInBurst is how many sign-in tries an address may make at once; 0 is signInBurst. (A
	// benchmark signing in thousands of times from loopback raises it.)
	SignInBurst int
}

// Server serves one open store to the office's desktops: every call runs as the member whose
// session the call's token names, with that member's role, so the roles hold in the data layer
// whatever a desktop sends.
type Server struct {
	st     *storage.Store
	idle   time.Duration
	now    func() time.Time
	log    *log.Logger
	maxMsg int
	burst  float64

	// feeds ends the change feeds when the host stops.
	feeds     context.Context
	stopFeeds context.CancelFunc

	mu       sync.Mutex
	sessions map[string]*liveSession // by token
	tries    map[string]*throttle    // sign-in tries by remote address
	refused  map[string]time.Time    // the last audit line of a refusal, by address and action
}

// refusedEvery is how often one address's refusals of one kind reach the audit trail: a flood
// leaves a line a minute, not a write per try.
const refusedEvery = time.Minute

// noteRefused logs a call refused before it reached the data, and writes it to the audit trail at
// most once per refusedEvery for the address and action.
func (s *Server) noteRefused(addr, action string) {
	key := addr + " " + action
	s.mu.Lock()
	now := s.now()
	last, seen := s.refused[key]
	if seen && now.Sub(last) < refusedEvery {
		s.mu.Unlock()
		return
	}
	s.refused[key] = now
	if len(s.refused) > 10_000 {
		clear(s.refused) // addresses without end: forget them rather than grow
	}
	s.mu.Unlock()
	s.log.Printf("office: %s from %s", action, addr)
	if err := s.st.RecordRefused(addr, action); err != nil && !errors.Is(err, data.ErrReadOnly) {
		s.log.Printf("office: audit of %s from %s: %v", action, addr, err)
	}
}

// liveSession is a signed-in desktop.
type liveSession struct {
	token    string
	ses      *storage.Session
	member   data.Member
	desktop  string
	addr     string
	since    time.Time
	lastSeen time.Time
	uploads  []*upload // files sent to import (import.go), guarded by Server.mu
}

// Connection is one signed-in desktop, as the host's window lists them.
type Connection struct {
	Member   data.Member
	Desktop  string
	Addr     string
	Since    time.Time
	LastSeen time.Time
}

// NewServer serves st. The store stays the caller's: closing the server does not close it.
func NewServer(st *storage.Store, opt ServerOptions) *Server {
	s := &Server{st: st, idle: opt.Idle, now: opt.Now, log: opt.Log, maxMsg: opt.MaxMessage, sessions: map[string]*liveSession{},
		tries: map[string]*throttle{}, refused: map[string]time.Time{}}
	if s.maxMsg <= 0 {
		s.maxMsg = MaxMessage
	}
	s.burst = float64(opt.SignInBurst)
	if s.burst <= 0 {
		s.burst = signInBurst
	}
	s.feeds, s.stopFeeds = context.WithCancel(context.Background())
	if s.idle <= 0 {
		s.idle = DefaultIdle
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = log.Default()
	}
	return s
}

// Handler is the host's HTTP handler: the Office and SalesDesk services.
func (s *Server) Handler() http.Handler {
	auth := connect.WithInterceptors(&authInterceptor{srv: s})
	limits := []connect.HandlerOption{auth, connect.WithReadMaxBytes(s.maxMsg), connect.WithSendMaxBytes(s.maxMsg),
		connect.WithCompressMinBytes(compressFrom)}
	mux := http.NewServeMux()
	mux.Handle(officepbconnect.NewOfficeHandler(&officeHandler{srv: s}, limits...))
	mux.Handle(officepbconnect.NewSalesDeskHandler(&handler{srv: s}, limits...))
	return s.auditUndecoded(mux)
}

// reachedKey marks a request's context; the interceptor sets what it points to once a call reached it.
type reachedKey struct{}

// auditUndecoded writes to the audit trail the calls refused before the interceptor could see them:
// Connect decodes a unary call's message first, so one that is too large or does not decode is
// answered (resource_exhausted, invalid_argument) without reaching the session check. The line is
// written as the answer's status is, before the caller can read it.
func (s *Server) auditUndecoded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, srv: s, addr: remoteHost(r.RemoteAddr), reached: new(bool)}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), reachedKey{}, sw.reached)))
	})
}

// statusWriter audits a refusal as its status is written, unless the call reached the interceptor.
type statusWriter struct {
	http.ResponseWriter
	srv     *Server
	addr    string
	reached *bool
	written bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.written && !*w.reached {
		grpc := w.Header().Get("Grpc-Status") // the gRPC protocol's error without a message
		switch {
		case code == http.StatusTooManyRequests || grpc == "8":
			w.srv.noteRefused(w.addr, "message_too_large")
		case code == http.StatusBadRequest || grpc == "3":
			w.srv.noteRefused(w.addr, "message_malformed")
		}
	}
	w.written = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// Flush lets streamed replies through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Connections lists the signed-in desktops, longest connected first.
func (s *Server) Connections() []Connection {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked()
	out := make([]Connection, 0, len(s.sessions))
	for _, ls := range s.sessions {
		out = append(out, Connection{Member: ls.member, Desktop: ls.desktop, Addr: ls.addr, Since: ls.since, LastSeen: ls.lastSeen})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Since.Before(out[j].Since) })
	return out
}

// expireLocked forgets the sessions idle for longer than the host keeps them.
func (s *Server) expireLocked() {
	now := s.now()
	for tok, ls := range s.sessions {
		if now.Sub(ls.lastSeen) > s.idle {
			s.forgetLocked(tok)
		}
	}
}

// lookup is the live session of a token, touched; nil for none (unknown, expired or signed out).
func (s *Server) lookup(token string) *liveSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	ls := s.sessions[token]
	if ls == nil {
		return nil
	}
	now := s.now()
	if now.Sub(ls.lastSeen) > s.idle {
		s.forgetLocked(token)
		return nil
	}
	ls.lastSeen = now
	return ls
}

// throttle is a token bucket of sign-in tries.
type throttle struct {
	tokens float64
	at     time.Time
}

// allowSignIn takes a try from addr's bucket, or says how long until the next one.
func (s *Server) allowSignIn(addr string) (bool, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	t := s.tries[addr]
	if t == nil {
		t = &throttle{tokens: s.burst, at: now}
		s.tries[addr] = t
	}
	t.tokens = min(s.burst, t.tokens+now.Sub(t.at).Seconds()/signInEvery.Seconds())
	t.at = now
	if t.tokens >= 1 {
		t.tokens--
		return true, 0
	}
	return false, time.Duration((1 - t.tokens) * float64(signInEvery))
}

// refundSignIn gives addr's bucket back the try of a sign-in that succeeded.
func (s *Server) refundSignIn(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tries[addr]; t != nil {
		t.tokens = min(s.burst, t.tokens+1)
	}
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

type ctxKey struct{}

// authInterceptor finds the session of each call's bearer token: every call but SignIn needs one.
type authInterceptor struct{ srv *Server }

func (a *authInterceptor) authorize(ctx context.Context, procedure string, header http.Header, peer string) (context.Context, error) {
	if reached, ok := ctx.Value(reachedKey{}).(*bool); ok {
		*reached = true
	}
	if procedure == officepbconnect.OfficeSignInProcedure {
		return ctx, nil
	}
	token, ok := strings.CutPrefix(header.Get("Authorization"), "Bearer ")
	var ls *liveSession
	if ok && token != "" {
		ls = a.srv.lookup(token)
	}
	if ls == nil {
		// No token, or one the host does not know: never issued, signed out, expired, or from before
		// the host restarted.
		a.srv.noteRefused(remoteHost(peer), "session_refused")
		return nil, wireFailure(connect.CodeUnauthenticated, data.ErrSignedOut)
	}
	return context.WithValue(ctx, ctxKey{}, ls), nil
}

func (a *authInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		ctx, err := a.authorize(ctx, req.Spec().Procedure, req.Header(), req.Peer().Addr)
		if err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

func (a *authInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (a *authInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		ctx, err := a.authorize(ctx, conn.Spec().Procedure, conn.RequestHeader(), conn.Peer().Addr)
		if err != nil {
			return err
		}
		return next(ctx, conn)
	}
}

// handler serves data.Service (server_gen.go) as the session of the call.
type handler struct{ srv *Server }

func (h *handler) session(ctx context.Context) (data.Service, error) {
	ls, _ := ctx.Value(ctxKey{}).(*liveSession)
	if ls == nil {
		return nil, wireFailure(connect.CodeUnauthenticated, data.ErrSignedOut)
	}
	return ls.ses, nil
}

// fail turns a call's error into the wire's: a status code and the error's description as a
// detail. An error without a code of its own is the host's problem, and noted in its log.
func (h *handler) fail(ctx context.Context, call string, err error) error {
	code := data.ErrorCode(err)
	if code == data.CodeInternal {
		who := "?"
		if ls, _ := ctx.Value(ctxKey{}).(*liveSession); ls != nil {
			who = ls.member.Login
		}
		h.srv.log.Printf("office: %s by %s: %v", call, who, err)
	}
	return wireFailure(connectCode(code), err)
}

// wireFailure is err as a Connect error carrying its WireError.
func wireFailure(c connect.Code, err error) *connect.Error {
	ce := connect.NewError(c, errors.New(err.Error()))
	if d, derr := connect.NewErrorDetail(errToPB(err)); derr == nil {
		ce.AddDetail(d)
	}
	return ce
}

// connectCode is the status a data layer code travels under; the WireError detail says the rest.
func connectCode(code string) connect.Code {
	switch code {
	case data.CodeInvalid:
		return connect.CodeInvalidArgument
	case data.CodeNotFound:
		return connect.CodeNotFound
	case data.CodeConflict, data.CodeTaken:
		return connect.CodeAborted
	case data.CodeForbidden, data.CodeNotYours, data.CodeLastAdmin:
		return connect.CodePermissionDenied
	case data.CodeArchived, data.CodeReadOnly, data.CodeDamaged, data.CodeLockedFile:
		return connect.CodeFailedPrecondition
	case data.CodeBadLogin, data.CodeInactive, data.CodeAccountLock, data.CodeSignedOut:
		return connect.CodeUnauthenticated
	case data.CodeSlowDown, data.CodeLimit, data.CodeTooMany:
		return connect.CodeResourceExhausted
	case data.CodeCancelled:
		return connect.CodeCanceled
	}
	return connect.CodeInternal
}

// officeHandler serves sign-in, sign-out and the change feed.
type officeHandler struct{ srv *Server }

func (o *officeHandler) SignIn(ctx context.Context, req *connect.Request[officepb.SignInRequest]) (*connect.Response[officepb.SignInResponse], error) {
	s := o.srv
	addr := remoteHost(req.Peer().Addr)
	if ok, wait := s.allowSignIn(addr); !ok {
		s.noteRefused(addr, "sign_in_throttled")
		return nil, wireFailure(connect.CodeResourceExhausted, &data.SlowDown{Wait: wait})
	}
	ses, err := s.st.SignIn(req.Msg.GetLogin(), req.Msg.GetPassword())
	if err != nil {
		return nil, wireFailure(connectCode(data.ErrorCode(err)), err)
	}
	// A sign-in that succeeds gives its try back: a script's commands, each signing in, are not
	// slowed down; a flood of wrong passwords is.
	s.refundSignIn(addr)
	token, err := newToken()
	if err != nil {
		return nil, wireFailure(connect.CodeInternal, err)
	}
	now := s.now()
	me := ses.Me()
	ls := &liveSession{token: token, ses: ses, member: me, desktop: excerpt(req.Msg.GetDesktop(), 80), addr: addr, since: now, lastSeen: now}
	s.mu.Lock()
	s.expireLocked()
	s.sessions[token] = ls
	s.mu.Unlock()
	var perms []string
	for _, p := range data.Permissions {
		if ses.Can(p) {
			perms = append(perms, string(p))
		}
	}
	return connect.NewResponse(&officepb.SignInResponse{Token: token, Member: memberToPB(me), Permissions: perms,
		MustChangePassword: ses.MustChangePassword(), HostTime: timeToPB(now), IdleSeconds: int64(s.idle / time.Second)}), nil
}

func (o *officeHandler) SignOut(ctx context.Context, req *connect.Request[officepb.SignOutRequest]) (*connect.Response[officepb.SignOutResponse], error) {
	if ls, _ := ctx.Value(ctxKey{}).(*liveSession); ls != nil {
		o.srv.mu.Lock()
		o.srv.forgetLocked(ls.token)
		o.srv.mu.Unlock()
	}
	return connect.NewResponse(&officepb.SignOutResponse{}), nil
}

func (o *officeHandler) Watch(ctx context.Context, req *connect.Request[officepb.WatchRequest], stream *connect.ServerStream[officepb.FeedEvent]) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(o.srv.feeds, cancel)()
	// The first event says at once that the feed is live and how far the host is.
	after := o.srv.st.Commits()
	if err := stream.Send(&officepb.FeedEvent{Commits: after}); err != nil {
		return err
	}
	for {
		n, err := o.srv.st.WaitCommit(ctx, after)
		if err != nil {
			if o.srv.feeds.Err() != nil {
				// The host is stopping: the last event says so, and the desktops say the host closed.
				_ = stream.Send(&officepb.FeedEvent{Commits: after, Closing: true})
			}
			return nil // the desktop went away, or the host is stopping
		}
		if err := stream.Send(&officepb.FeedEvent{Commits: n}); err != nil {
			return err
		}
		after = n
	}
}

func remoteHost(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

func excerpt(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// String is for logs: who, from where.
func (c Connection) String() string {
	return fmt.Sprintf("%s (%s) at %s since %s", c.Member.Login, c.Desktop, c.Addr, c.Since.Format(time.DateTime))
}

// Serve serves on ln, with TLS, until ctx ends; then it stops taking calls and lets those under way
// finish (each write is one transaction: it is committed or not, never half), for up to grace.
func (s *Server) Serve(ctx context.Context, ln net.Listener, cert tls.Certificate, grace time.Duration) error {
	hs := &http.Server{Handler: s.Handler(), TLSConfig: ServerTLS(cert), ReadHeaderTimeout: 10 * time.Second, ErrorLog: s.log}
	// The change feeds never end by themselves: stopping ends them, so that Shutdown does not wait.
	hs.RegisterOnShutdown(s.stopFeeds)
	done := make(chan error, 1)
	go func() { done <- hs.ServeTLS(ln, "", "") }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = hs.Close()
	}
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	s.dropUploads()
	return err
}
