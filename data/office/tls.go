package office

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The host proves who it is with a certificate of its own, made once and kept beside its file: no
// certificate authority is involved. A desktop trusts it as devices pair: both screens show a
// short code derived from the certificate, the user sees that they match, and the desktop pins the
// certificate's fingerprint from then on.

// Fingerprint is a certificate's SHA-256, written "SHA256:" and hex.
type Fingerprint string

// FingerprintOf is the fingerprint of a DER certificate.
func FingerprintOf(der []byte) Fingerprint {
	sum := sha256.Sum256(der)
	return Fingerprint("SHA256:" + hex.EncodeToString(sum[:]))
}

// ParseFingerprint reads a fingerprint as a person or a script writes it: with or without the
// "SHA256:" prefix, in either case, with or without colons between bytes.
func ParseFingerprint(s string) (Fingerprint, error) {
	t := strings.TrimSpace(s)
	if len(t) >= 7 && strings.EqualFold(t[:7], "SHA256:") {
		t = t[7:]
	}
	t = strings.ToLower(strings.ReplaceAll(t, ":", ""))
	if b, err := hex.DecodeString(t); err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("%q is not a certificate fingerprint (SHA256: and 64 hex digits)", s)
	}
	return Fingerprint("SHA256:" + t), nil
}

// PairingCode is the short code both screens show: 6 digits from the fingerprint, in two groups.
// A certificate made to match it by chance takes a million tries for each pairing.
func (f Fingerprint) PairingCode() string {
	b, err := hex.DecodeString(strings.TrimPrefix(string(f), "SHA256:"))
	if err != nil || len(b) < 4 {
		return ""
	}
	n := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) % 1_000_000
	return fmt.Sprintf("%03d %03d", n/1000, n%1000)
}

// HostCertificate loads the host's certificate from dir (host-cert.pem, host-key.pem), making one on
// first use. The key file is readable by its owner only.
func HostCertificate(dir string) (tls.Certificate, Fingerprint, error) {
	certPath, keyPath := filepath.Join(dir, "host-cert.pem"), filepath.Join(dir, "host-key.pem")
	if cert, err := tls.LoadX509KeyPair(certPath, keyPath); err == nil {
		return cert, FingerprintOf(cert.Certificate[0]), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return tls.Certificate{}, "", fmt.Errorf("office: the host's certificate in %s: %w", dir, err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, "", err
	}
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "SalesDesk host " + host, Organization: []string{"SalesDesk"}},
		NotBefore:    time.Now().Add(-time.Hour),
		// Pinned, not checked against a date: the certificate lasts as long as the host keeps it.
		NotAfter:    time.Now().AddDate(30, 0, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"salesdesk.local"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, "", err
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return tls.Certificate{}, "", err
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return tls.Certificate{}, "", err
	}
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	return cert, FingerprintOf(der), nil
}

// ServerTLS is the host's TLS: 1.3 only, HTTP/2.
func ServerTLS(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13, NextProtos: []string{"h2"}}
}

// ErrNotPinned is a host whose certificate is not the one the desktop paired with.
type ErrNotPinned struct {
	Want, Got Fingerprint
}

func (e *ErrNotPinned) Error() string {
	return fmt.Sprintf("the host's certificate changed (%s, paired with %s): it may not be the office's SalesDesk; "+
		"an administrator confirms the new pairing code before the desktop connects again", e.Got, e.Want)
}

// Code: the window translates a changed certificate by it.
func (e *ErrNotPinned) Code() string { return "not_pinned" }

// clientTLS trusts exactly the pinned certificate.
func clientTLS(pin Fingerprint) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS13,
		NextProtos: []string{"h2"},
		// The chain is not checked against authorities: the pin below is the whole check.
		InsecureSkipVerify: true,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return errors.New("the host sent no certificate")
			}
			if got := FingerprintOf(raw[0]); got != pin {
				return &ErrNotPinned{Want: pin, Got: got}
			}
			return nil
		},
	}
}

// Probe connects to a host only to read its certificate's fingerprint, for pairing: the desktop
// shows its pairing code, and pins it once the user has seen that it matches the host's.
func Probe(ctx context.Context, addr string) (Fingerprint, error) {
	d := tls.Dialer{Config: &tls.Config{MinVersion: tls.VersionTLS13, NextProtos: []string{"h2"}, InsecureSkipVerify: true}}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", offline(err)
	}
	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return "", errors.New("the host sent no certificate")
	}
	return FingerprintOf(certs[0].Raw), nil
}
