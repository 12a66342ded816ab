package storage

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"salesdesk/data"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/argon2"
)

// MinPasswordLength is the shortest password a member may choose.
const MinPasswordLength = 8

const (
	// slowDownAfter failures, each next try waits 2^(failures-slowDownAfter) seconds, up to maxWait.
	slowDownAfter = 5
	// lockAfter failures the account is locked until an admin unlocks it.
	lockAfter = 10
	maxWait   = 5 * time.Minute
)

// bucketCredentials maps a member id to its credential. The JSON export does not carry it: an export
// is a portable file a manager may hand on, and hashes in it could be guessed at offline, where no
// lockout slows the guessing. An imported team gets its members without passwords; its admin signs in
// without one and sets them (SignIn), as after migration 9.
var bucketCredentials = []byte("credentials")

// credential is a member's password hash and sign-in state.
type credential struct {
	Hash       string    `msgpack:"h,omitempty"` // PHC string (hashPassword); empty: no password yet
	Failures   int       `msgpack:"f,omitempty"` // failed sign-ins since the last success
	Locked     bool      `msgpack:"l,omitempty"`
	NextTry    time.Time `msgpack:"n,omitempty"` // no try before this (slow-down)
	MustChange bool      `msgpack:"m,omitempty"` // an admin reset the password
	LastSignIn time.Time `msgpack:"s,omitempty"`
}

// argonParams are argon2id's cost parameters. The chosen ones, m=64 MiB, t=3, p=1, take about 155 ms
// per hash on the 2-core AMD EPYC this was measured on (BenchmarkSignIn), inside the 100–500 ms a
// sign-in may cost and above OWASP's minimum (m=19 MiB, t=2, p=1), which took 31 ms there. Every hash
// records its own parameters, so raising them later leaves old hashes readable; a sign-in rehashes a
// password whose parameters are older than these.
type argonParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// productionParams are the parameters of every real hash; currentParams differ only in test binaries.
var (
	productionParams = argonParams{Memory: 64 * 1024, Time: 3, Threads: 1}
	currentParams    = productionParams
)

// FastHashesInTests makes this test binary hash with m=64 KiB, t=1: the command-line tests sign in
// about a thousand times, each of which would otherwise take 150 ms and 64 MiB. It must be called
// before any test runs (TestMain) and panics outside a test binary, so that no real file gets weak
// hashes; a hash made so would in any case be rehashed at its next sign-in in a real process.
func FastHashesInTests() {
	if !testing.Testing() {
		panic("data.FastHashesInTests outside a test binary")
	}
	currentParams = argonParams{Memory: 64, Time: 1, Threads: 1}
}

const (
	saltLen = 16
	keyLen  = 32
)

// hashPassword gives the PHC-style string $argon2id$v=19$m=…,t=…,p=…$salt$key (unpadded base64).
func hashPassword(password string, p argonParams) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("data: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

var errBadHash = errors.New("data: not an argon2id hash")

func parseHash(encoded string) (p argonParams, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errBadHash
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil ||
		threads == 0 || threads > 255 || p.Time == 0 || p.Memory == 0 {
		return p, nil, nil, errBadHash
	}
	p.Threads = uint8(threads)
	enc := base64.RawStdEncoding
	if salt, err = enc.DecodeString(parts[4]); err != nil {
		return p, nil, nil, errBadHash
	}
	if key, err = enc.DecodeString(parts[5]); err != nil || len(key) == 0 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// verifyPassword reports whether password matches the encoded hash, comparing in constant time, and
// whether the hash's parameters are older than the current ones.
func verifyPassword(encoded, password string) (ok, stale bool) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, p != currentParams
}

// dummyHash is verified when the login is unknown or has no password, so that such a sign-in takes
// as long as a wrong password and its timing does not tell which logins exist.
var dummyHash = sync.OnceValue(func() string {
	h, _ := hashPassword("not a password of anyone", currentParams)
	return h
})

func checkPassword(password string) error {
	if len([]rune(password)) < MinPasswordLength {
		return data.ErrWeakPassword
	}
	return nil
}

// normalizeLogin is the form logins are compared in: trimmed and without case.
func normalizeLogin(login string) string { return strings.ToLower(strings.TrimSpace(login)) }

func readCredential(tx *bolt.Tx, id uint64) credential {
	var c credential
	if b := tx.Bucket(bucketCredentials); b != nil {
		_ = getRecord(b, encodeUint(id), &c) // none or unreadable: no password, no state
	}
	return c
}

func writeCredential(tx *bolt.Tx, id uint64, c credential) error {
	b, err := tx.CreateBucketIfNotExists(bucketCredentials)
	if err != nil {
		return err
	}
	return putRecord(b, encodeUint(id), c)
}

func (s *Store) credential(id uint64) credential {
	var c credential
	_ = s.view(func(tx *bolt.Tx) error { c = readCredential(tx, id); return nil })
	return c
}

// memberByLogin finds the member who signs in with login.
func (s *Store) memberByLogin(login string) (data.Member, bool) {
	want := normalizeLogin(login)
	if want == "" {
		return data.Member{}, false
	}
	for _, m := range s.Members() {
		if normalizeLogin(m.Login) == want {
			return m, true
		}
	}
	return data.Member{}, false
}

// slowDownWait is how long the next try must wait after n failures.
func slowDownWait(n int) time.Duration {
	if n < slowDownAfter {
		return 0
	}
	shift := n - slowDownAfter
	if shift > 9 {
		return maxWait
	}
	return min(time.Duration(1<<shift)*time.Second, maxWait)
}

// SignIn checks a member's login and password and returns the member's session. The login is
// compared trimmed and without case. A locked account and a slow-down are refused before the password
// is checked, so that guessing gains nothing from them. On a read-only file nothing can be recorded:
// the check is the same, but failures are not counted there (the file's writer counts them).
func (s *Store) SignIn(login, password string) (*Session, error) {
	return s.signIn(login, password, true)
}

// SignInScript is SignIn for the command line: a successful sign-in writes nothing when nothing about
// the member's sign-in changed (no failures to reset, no stale hash), so that a script's reads leave
// the file as it was and a cron job does not fill the trail with a line per run. What the command
// changes is recorded with the member as usual; failed sign-ins are recorded like the window's.
func (s *Store) SignInScript(login, password string) (*Session, error) {
	return s.signIn(login, password, false)
}

func (s *Store) signIn(login, password string, recordSuccess bool) (*Session, error) {
	m, found := s.memberByLogin(login)
	if !found {
		verifyPassword(dummyHash(), password)
		s.recordSignIn(0, false, nil)
		return nil, data.ErrBadLogin
	}
	c := s.credential(m.ID)
	now := s.now()
	if c.Locked {
		s.recordSignIn(m.ID, false, nil)
		return nil, data.ErrAccountLocked
	}
	if now.Before(c.NextTry) {
		return nil, &data.SlowDown{Wait: c.NextTry.Sub(now)}
	}
	if c.Hash == "" {
		verifyPassword(dummyHash(), password)
		if !m.Active || m.Role != data.MemberAdmin || s.adminHasPassword() {
			// A member without a password signs in only where no sign-in is needed (OpensWithoutSignIn).
			return nil, data.ErrBadLogin
		}
		// A team that never set passwords (a file from before sign-in, a JSON import): its admin
		// signs in once without one and must choose one at once (MustChangePassword); from then on
		// passwords are needed. Until then anyone at the file could act as anyone, as before.
		if err := s.recordSignIn(m.ID, true, func(c *credential) { c.LastSignIn = now }); err != nil && !errors.Is(err, data.ErrReadOnly) {
			return nil, err
		}
		return &Session{st: s, id: m.ID}, nil
	}
	ok, stale := verifyPassword(c.Hash, password)
	if !ok {
		var locked bool
		s.recordSignIn(m.ID, false, func(c *credential) {
			c.Failures++
			c.NextTry = now.Add(slowDownWait(c.Failures))
			if c.Failures >= lockAfter {
				c.Locked, locked = true, true
			}
		})
		if locked {
			return nil, data.ErrAccountLocked
		}
		return nil, data.ErrBadLogin
	}
	if !m.Active {
		s.recordSignIn(m.ID, false, nil)
		return nil, data.ErrInactive
	}
	rehash := ""
	if stale {
		rehash, _ = hashPassword(password, currentParams)
	}
	if !recordSuccess && rehash == "" && c.Failures == 0 && c.NextTry.IsZero() {
		return &Session{st: s, id: m.ID}, nil
	}
	err := s.recordSignIn(m.ID, true, func(c *credential) {
		c.Failures, c.NextTry, c.LastSignIn = 0, time.Time{}, now
		if rehash != "" {
			c.Hash = rehash
		}
	})
	if err != nil && !errors.Is(err, data.ErrReadOnly) {
		return nil, err
	}
	return &Session{st: s, id: m.ID}, nil
}

// recordSignIn writes the audit line of a sign-in (or failed one) and changes the member's
// credential, in one transaction. The credential is read again inside it, so that two failed tries at
// once both count.
func (s *Store) recordSignIn(id uint64, success bool, change func(*credential)) error {
	if s.readOnly {
		return data.ErrReadOnly
	}
	action := "sign_in_failed"
	if success {
		action = "sign_in"
	}
	by := data.Actor{Name: "unknown"}
	if m, ok := s.Member(id); ok {
		by = data.Actor{MemberID: m.ID, Name: m.Name}
	}
	return s.update(func(tx *bolt.Tx) (func(*index), error) {
		if change != nil {
			c := readCredential(tx, id)
			change(&c)
			if err := writeCredential(tx, id, c); err != nil {
				return nil, err
			}
		}
		return nil, audit(tx, s.now(), by, action, "member", id)
	})
}

// OpensWithoutSignIn is the session of a file that needs no sign-in: a team of one member (or
// none, a new file), until a second member is added.
func (s *Store) OpensWithoutSignIn() (*Session, bool) {
	switch ms := s.Members(); len(ms) {
	case 0:
		return &Session{st: s}, true
	case 1:
		return &Session{st: s, id: ms[0].ID}, true
	}
	return nil, false
}

// MustChangePassword reports whether the member signed in with a password an admin reset, or with
// none (an admin of a team that never set passwords), and must choose a new one before going on.
func (s *Session) MustChangePassword() bool {
	if _, ok := s.st.Member(s.memberID()); !ok {
		return false
	}
	c := s.st.credential(s.memberID())
	return c.MustChange || (c.Hash == "" && len(s.st.Members()) > 1)
}

// adminHasPassword reports whether any active administrator has set a password.
func (s *Store) adminHasPassword() bool {
	found := false
	_ = s.view(func(tx *bolt.Tx) error {
		for _, m := range s.Members() {
			if isActiveAdmin(m) && readCredential(tx, m.ID).Hash != "" {
				found = true
			}
		}
		return nil
	})
	return found
}

// ChangePassword changes the signed-in member's own password. old must be the current one, unless
// the member has none yet (a team of one that opened without sign-in).
func (s *Session) ChangePassword(old, new string) error {
	id := s.memberID()
	if _, ok := s.st.Member(id); !ok {
		return fmt.Errorf("data: change password of member %d: %w", id, data.ErrNotFound)
	}
	if err := checkPassword(new); err != nil {
		return err
	}
	if c := s.st.credential(id); c.Hash != "" {
		if ok, _ := verifyPassword(c.Hash, old); !ok {
			return data.ErrBadLogin
		}
	}
	hash, err := hashPassword(new, currentParams)
	if err != nil {
		return err
	}
	return s.st.update(func(tx *bolt.Tx) (func(*index), error) {
		c := readCredential(tx, id)
		c.Hash, c.MustChange = hash, false
		if err := writeCredential(tx, id, c); err != nil {
			return nil, err
		}
		return nil, audit(tx, s.st.now(), s.actor(), "change_password", "member", id)
	})
}

// AddMember adds a member with a login and a first password (admin). The team's first member is its
// administrator whatever role was asked for.
func (s *Session) AddMember(m data.Member, password string) (data.Member, error) {
	if err := s.require(data.PermMembers); err != nil {
		return m, err
	}
	m.ID = 0
	m.Login = strings.TrimSpace(m.Login)
	m.Active = true
	if len(s.st.Members()) == 0 {
		m.Role = data.MemberAdmin
	}
	var fe data.FieldErrors
	if m.Login == "" {
		fe.Add("login", data.ErrRequired)
	}
	if err := checkPassword(password); err != nil {
		fe.Add("password", err)
	}
	m.Name = strings.TrimSpace(m.Name)
	fe = append(fe, ValidateMember(m)...)
	if fe.Any() {
		return m, fe
	}
	hash, err := hashPassword(password, currentParams)
	if err != nil {
		return m, err
	}
	return s.st.saveMember(s.actor(), m, "", func(tx *bolt.Tx, saved data.Member) error {
		return writeCredential(tx, saved.ID, credential{Hash: hash})
	})
}

// ResetPassword sets a member's password to temp, to be changed at the next sign-in (admin). It also
// unlocks the account: the admin has just spoken to its owner.
func (s *Session) ResetPassword(memberID uint64, temp string) error {
	if err := s.require(data.PermMembers); err != nil {
		return err
	}
	if err := checkPassword(temp); err != nil {
		return err
	}
	hash, err := hashPassword(temp, currentParams)
	if err != nil {
		return err
	}
	return s.changeCredential(memberID, "reset_password", func(c *credential) {
		*c = credential{Hash: hash, MustChange: true, LastSignIn: c.LastSignIn}
	})
}

// Unlock lets a member locked by failed sign-ins sign in again (admin).
func (s *Session) Unlock(memberID uint64) error {
	if err := s.require(data.PermMembers); err != nil {
		return err
	}
	return s.changeCredential(memberID, "unlock", func(c *credential) {
		c.Locked, c.Failures, c.NextTry = false, 0, time.Time{}
	})
}

func (s *Session) changeCredential(memberID uint64, action string, change func(*credential)) error {
	if _, ok := s.st.Member(memberID); !ok {
		return fmt.Errorf("data: member %d: %w", memberID, data.ErrNotFound)
	}
	return s.st.update(func(tx *bolt.Tx) (func(*index), error) {
		c := readCredential(tx, memberID)
		change(&c)
		if err := writeCredential(tx, memberID, c); err != nil {
			return nil, err
		}
		return nil, audit(tx, s.st.now(), s.actor(), action, "member", memberID)
	})
}

// SetActive deactivates (no sign-in) or reactivates a member (admin). The last active administrator
// cannot be deactivated, not even by themselves.
func (s *Session) SetActive(memberID uint64, active bool) error {
	if err := s.require(data.PermMembers); err != nil {
		return err
	}
	m, ok := s.st.Member(memberID)
	if !ok {
		return fmt.Errorf("data: member %d: %w", memberID, data.ErrNotFound)
	}
	m.Active = active
	action := "deactivate"
	if active {
		action = "activate"
	}
	_, err := s.st.saveMember(s.actor(), m, action, nil)
	return err
}

// SaveMember changes a member's name, role or contact details, or adds one without a password
// (admin). Demoting or deactivating the last active administrator is refused.
func (s *Session) SaveMember(m data.Member) (data.Member, error) {
	if err := s.require(data.PermMembers); err != nil {
		return m, err
	}
	return s.st.SaveMember(s.actor(), m)
}

// MemberStatuses lists the team with each member's sign-in state (admin).
func (s *Session) MemberStatuses() ([]data.MemberStatus, error) {
	if err := s.require(data.PermMembers); err != nil {
		return nil, err
	}
	ms := s.st.Members()
	out := make([]data.MemberStatus, 0, len(ms))
	err := s.st.view(func(tx *bolt.Tx) error {
		for _, m := range ms {
			c := readCredential(tx, m.ID)
			out = append(out, data.MemberStatus{Member: m, HasPassword: c.Hash != "", Locked: c.Locked,
				Failures: c.Failures, LastSignIn: c.LastSignIn})
		}
		return nil
	})
	return out, err
}

// migrateSignIn is migration 9. Members keep everything they had and get no password: on a team of one
// the file opens without sign-in, and on a larger team the administrator sets passwords with
// ResetPassword. The administrator is the team's, if it has one, else the desktop's former current
// user, else the first manager, else the first member.
func migrateSignIn(tx *bolt.Tx, s *Store) error {
	if _, err := tx.CreateBucketIfNotExists(bucketCredentials); err != nil {
		return err
	}
	var current uint64
	if raw := tx.Bucket(bucketSettings).Get(keySettings); raw != nil {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return fmt.Errorf("settings: %w: %w", data.ErrDamaged, err)
		}
		if v, ok := fields["current_user"]; ok {
			_ = json.Unmarshal(v, &current) // a value that is no id names nobody
			delete(fields, "current_user")
			out, err := json.Marshal(fields)
			if err != nil {
				return err
			}
			if err := tx.Bucket(bucketSettings).Put(keySettings, out); err != nil {
				return err
			}
		}
	}
	team, err := readMembers(tx)
	if err != nil {
		return err
	}
	ids := make([]uint64, 0, len(team))
	for id := range team {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	changed := map[uint64]bool{}
	for _, id := range ids {
		m := team[id]
		if m.Login == "" || slices.ContainsFunc(ids, func(o uint64) bool {
			return o < id && normalizeLogin(team[o].Login) == normalizeLogin(m.Login)
		}) {
			m.Login = ""
			m.Login = uniqueLogin(m.Name, id, team)
			team[id] = m
			changed[id] = true
		}
	}
	if len(ids) > 0 && !slices.ContainsFunc(ids, func(id uint64) bool { return team[id].Role == data.MemberAdmin }) {
		admin := ids[0]
		if _, ok := team[current]; ok {
			admin = current
		} else if i := slices.IndexFunc(ids, func(id uint64) bool { return team[id].Role == data.MemberManager }); i >= 0 {
			admin = ids[i]
		}
		m := team[admin]
		m.Role = data.MemberAdmin
		team[admin] = m
		changed[admin] = true
	}
	for _, id := range ids {
		if !changed[id] {
			continue
		}
		if err := putRecord(tx.Bucket(bucketMembers), encodeUint(id), team[id]); err != nil {
			return err
		}
		if err := audit(tx, s.now(), data.System, "update", "member", id); err != nil {
			return err
		}
	}
	return nil
}
