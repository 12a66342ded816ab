// Package office is office mode's protocol: a host serves one open file to the office's desktops
// (Server), and a desktop works on it through Client, which implements data.Service so that the window
// and the command line do not know whether their data is local or remote. Every call runs on the
// host as the session of the member who signed in, with that member's role. The wire is Connect over
// HTTP/2 and TLS 1.3, with protobuf messages generated from data.Service by scripts/officegen
// (docs/office.md); the host's certificate is its own and desktops pin it.
package office
