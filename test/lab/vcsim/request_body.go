package main

import (
	"bytes"
	"io/ioutil"
	"net/http"
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
