package main

// govmomi 0.24's simulator answers some methods that return nothing
// (RefreshDatastore, …) with an empty HTTP body, because their response
// struct is never filled in. vCenter answers them with an empty
// <MethodResponse/> element in a SOAP body; the lab does the same.

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
)

var requestMethod = regexp.MustCompile(`<(?:[\w.-]+:)?Body[^>]*>\s*<(?:[\w.-]+:)?(\w+)`)

func fillVoidResponse(buf *bufferedResponse, request []byte) {
	if (buf.status != 0 && buf.status != http.StatusOK) || len(bytes.TrimSpace(buf.body.Bytes())) > 0 {
		return
	}
	m := requestMethod.FindSubmatch(request)
	if m == nil {
		return
	}
	buf.header.Set("Content-Type", "text/xml; charset=utf-8")
	fmt.Fprintf(&buf.body, `%s<%sResponse xmlns="urn:vim25"></%sResponse>%s`, soapHead, m[1], m[1], soapTail)
}
