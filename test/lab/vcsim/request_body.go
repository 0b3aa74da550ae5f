package main

import (
	"bytes"
	"io/ioutil"
	"net/http"
	"regexp"
)

// peekBody reads a request's body and puts it back for the next handler. When
// the body cannot be read it answers 400 itself and returns ok false.
func peekBody(w http.ResponseWriter, r *http.Request) (body []byte, ok bool) {
	body, err := ioutil.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return nil, false
	}
	r.Body = ioutil.NopCloser(bytes.NewReader(body))
	return body, true
}

// sdkCallNaming returns the body of a vim25 call (POST /sdk) that names one of
// `methods`; every other request is handed to next, and ok is false (also when
// the body could not be read: peekBody answered then).
func sdkCallNaming(next http.Handler, w http.ResponseWriter, r *http.Request, methods *regexp.Regexp) (body []byte, ok bool) {
	if r.Method != http.MethodPost || r.URL.Path != "/sdk" {
		next.ServeHTTP(w, r)
		return nil, false
	}
	body, ok = peekBody(w, r)
	if !ok {
		return nil, false
	}
	if !methods.Match(body) {
		next.ServeHTTP(w, r)
		return nil, false
	}
	return body, true
}
