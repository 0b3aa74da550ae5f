package main

// vCenter and ESXi hand out the vim25 session as a quoted cookie value,
// `vmware_soap_session="52b5…"`, and other SOAP endpoints of vCenter (the
// storage policy service, PBM) do not read that cookie: they take the bare
// session id from the `vcSessionCookie` SOAP header. govmomi's simulator sets
// an unquoted cookie and lets PBM in by the cookie; the lab does as vCenter does.

import (
	"net/http"
	"regexp"
	"strings"
)

// quoteSessionCookie rewrites the simulator's Set-Cookie to vCenter's quoted form.
func quoteSessionCookie(h http.Header) {
	lines := h["Set-Cookie"]
	for i, line := range lines {
		prefix := sessionCookieName + "="
		if !strings.HasPrefix(line, prefix) || strings.HasPrefix(line, prefix+`"`) {
			continue
		}
		rest := line[len(prefix):]
		value, attrs := rest, ""
		if j := strings.IndexByte(rest, ';'); j >= 0 {
			value, attrs = rest[:j], rest[j:]
		}
		lines[i] = prefix + `"` + value + `"` + attrs
	}
}

const sessionCookieName = "vmware_soap_session"

var vcSessionCookieHeader = regexp.MustCompile(`<(?:[\w.-]+:)?vcSessionCookie(?:\s[^>]*)?>([^<]*)</(?:[\w.-]+:)?vcSessionCookie>`)

// A session id as the server issues it; a quoted or otherwise decorated value names no session.
var bareSessionID = regexp.MustCompile(`^[0-9A-Za-z-]+$`)

// pbmSessionFromHeader makes the PBM request carry exactly the session named
// by its vcSessionCookie header: the HTTP cookie is ignored, as on vCenter.
func pbmSessionFromHeader(r *http.Request, body []byte) {
	r.Header.Del("Cookie")
	m := vcSessionCookieHeader.FindSubmatch(body)
	if m == nil {
		return
	}
	id := string(m[1])
	if bareSessionID.MatchString(id) {
		r.Header.Set("Cookie", sessionCookieName+"="+id)
	}
}
