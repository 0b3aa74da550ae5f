package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// faultText escapes a fault message for XML text: quotes stay as they are, as vCenter sends them.
var faultText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// writeSoapFault answers a vim25 call with a SOAP fault as vCenter does (HTTP 500).
func writeSoapFault(w http.ResponseWriter, namespace, fault, message, detail string) {
	var b strings.Builder
	b.WriteString(soapHead)
	fmt.Fprintf(&b, `<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>%s</faultstring>`, faultText.Replace(message))
	fmt.Fprintf(&b, `<detail><%sFault xmlns="%s" xsi:type="%s">%s</%sFault></detail></soapenv:Fault>`, fault, namespace, fault, detail, fault)
	b.WriteString(soapTail)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, b.String())
}

// writeInvalidArgument is vCenter's "A specified parameter was not correct: <property>".
func writeInvalidArgument(w http.ResponseWriter, property string) {
	writeSoapFault(w, "urn:vim25", "InvalidArgument", "A specified parameter was not correct: "+property,
		"<invalidProperty>"+xmlEscape(property)+"</invalidProperty>")
}
