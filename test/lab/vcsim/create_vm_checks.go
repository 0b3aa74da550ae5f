package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/vmware/govmomi/vim25/types"
)

// labFault is a SOAP fault the lab answers itself, before the simulator sees the call.
type labFault struct {
	fault   string // vim25 fault type, e.g. NotSupported
	message string
	detail  string // inner XML of the fault object
}

func writeSoapFault(w http.ResponseWriter, f *labFault) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	var b strings.Builder
	b.WriteString(soapHead)
	fmt.Fprintf(&b, `<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>%s</faultstring>`, xmlEscape(f.message))
	fmt.Fprintf(&b, `<detail><%sFault xmlns="urn:vim25" xsi:type="%s">%s</%sFault></detail></soapenv:Fault>`, f.fault, f.fault, f.detail, f.fault)
	b.WriteString(soapTail)
	_, _ = io.WriteString(w, b.String())
}

// checkCreateVM refuses what the target host would refuse (see hardware_versions.go, networks.go).
func checkCreateVM(req *types.CreateVM_Task) *labFault {
	return nil
}
