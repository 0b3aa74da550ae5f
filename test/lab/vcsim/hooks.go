package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"io/ioutil"
	"net/http"
	"regexp"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// bufferedResponse holds a SOAP response until the lab's extensions have
// been applied, so a client never sees a finished task before they are.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }

func (b *bufferedResponse) sendTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

var hookedMethod = regexp.MustCompile(`(CreateVM_Task|ReconfigVM_Task|CreateSnapshot_Task|QueryChangedDiskAreas|CreateVirtualDisk_Task)[ >]`)

var taskInResponse = regexp.MustCompile(`<returnval type="Task">([^<]+)</returnval>`)

// finishedTask returns the task named in a SOAP response once it succeeded.
func finishedTask(body []byte) (*simulator.Task, bool) {
	m := taskInResponse.FindSubmatch(body)
	if m == nil {
		return nil, false
	}
	t, ok := simulator.Map.Get(types.ManagedObjectReference{Type: "Task", Value: string(m[1])}).(*simulator.Task)
	if !ok || t.Info.State != types.TaskInfoStateSuccess {
		return nil, false
	}
	return t, true
}

// withLabHooks wraps the simulator's HTTP handler: requests are checked as
// vCenter checks them (WSDL element order, PBM session header), VM create and
// reconfigure calls get the lab's extensions (keyId, real disk files,
// extraConfig), and answers are shaped as vCenter shapes them (quoted session
// cookie, a response element for methods that return nothing).
func withLabHooks(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || (r.URL.Path != "/sdk" && r.URL.Path != "/pbm") {
			next.ServeHTTP(w, r)
			return
		}
		body, ok := peekBody(w, r)
		if !ok {
			return
		}
		if r.URL.Path == "/pbm" {
			if err := wsdlOrderError(body, pbmTypeFunc); err != nil {
				writeSoapFault(w, "urn:pbm", "InvalidRequest", err.Error(), "")
				return
			}
			pbmSessionFromHeader(r, body)
			if !withPolicyAnswers(next, w, r) {
				next.ServeHTTP(w, r)
			}
			return
		}
		if err := wsdlOrderError(body, schemaLookup(types.TypeFunc())); err != nil {
			writeSoapFault(w, "urn:vim25", "InvalidRequest", err.Error(), "")
			return
		}
		buf := &bufferedResponse{header: http.Header{}}
		serveSdk(next, buf, r, body)
		fillVoidResponse(buf, body)
		quoteSessionCookie(buf.header)
		buf.sendTo(w)
	})
}

// serveSdk answers one vim25 call, with the lab's extensions where a method needs them.
func serveSdk(next http.Handler, w http.ResponseWriter, r *http.Request, body []byte) {
	if !hookedMethod.Match(body) {
		next.ServeHTTP(w, r) // most calls: no second decode
		return
	}
	method, err := simulator.UnmarshalBody(types.TypeFunc(), body)
	if err != nil || method == nil {
		next.ServeHTTP(w, r)
		return
	}
	var after func(res []byte)
	switch req := method.Body.(type) {
	case *types.CreateVM_Task:
		spec := req.Config
		if property := cryptoSpecRefusal(nil, &spec); property != "" {
			writeInvalidArgument(w, property)
			return
		}
		after = func(res []byte) {
			if t, ok := finishedTask(res); ok {
				if ref, ok := t.Info.Result.(types.ManagedObjectReference); ok {
					afterVMConfigured(ref, &spec)
				}
			}
		}
	case *types.ReconfigVM_Task:
		spec, this := req.Spec, req.This
		if vm, ok := simulator.Map.Get(this).(*simulator.VirtualMachine); ok {
			if property := cryptoSpecRefusal(vm, &spec); property != "" {
				writeInvalidArgument(w, property)
				return
			}
		}
		after = func(res []byte) {
			if _, ok := finishedTask(res); ok {
				afterVMConfigured(this, &spec)
			}
		}
	case *types.CreateSnapshot_Task:
		after = func(res []byte) {
			if t, ok := finishedTask(res); ok {
				if ref, ok := t.Info.Result.(types.ManagedObjectReference); ok {
					stampSnapshotChangeIDs(ref)
				}
			}
		}
	case *types.QueryChangedDiskAreas:
		// govmomi 0.24 has no such method; answer it here, for logged-in callers only.
		if !authenticated(next, r) {
			next.ServeHTTP(w, r) // the simulator answers NotAuthenticated
			return
		}
		writeChangedAreas(w, req)
		return
	case *types.CreateVirtualDisk_Task:
		after = func(res []byte) {
			if _, ok := finishedTask(res); ok {
				materializeStandaloneDisk(req)
			}
		}
	}
	if after == nil {
		next.ServeHTTP(w, r)
		return
	}
	buf := &bufferedResponse{header: http.Header{}}
	next.ServeHTTP(buf, r)
	after(buf.body.Bytes())
	buf.sendTo(w)
}

// materializeStandaloneDisk writes real files for VirtualDiskManager.CreateVirtualDisk_Task.
func materializeStandaloneDisk(req *types.CreateVirtualDisk_Task) {
	spec, ok := req.Spec.(*types.FileBackedVirtualDiskSpec)
	if !ok {
		return
	}
	p, ok := localPath(req.Name)
	if !ok {
		return
	}
	thin := spec.DiskType == string(types.VirtualDiskTypeThin)
	eager := spec.DiskType == string(types.VirtualDiskTypeEagerZeroedThick)
	_, _ = writeDiskFiles(p, spec.CapacityKb*1024, thin, eager, spec.AdapterType)
}

// authenticated asks the simulator whether the request's session cookie is
// logged in, with a call that needs a session.
func authenticated(next http.Handler, r *http.Request) bool {
	probe := `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:vim25">` +
		`<soapenv:Body><CurrentTime><_this type="ServiceInstance">ServiceInstance</_this></CurrentTime></soapenv:Body></soapenv:Envelope>`
	req := r.Clone(r.Context())
	req.Body = ioutil.NopCloser(strings.NewReader(probe))
	req.ContentLength = int64(len(probe))
	buf := &bufferedResponse{header: http.Header{}}
	next.ServeHTTP(buf, req)
	return (buf.status == 0 || buf.status == http.StatusOK) && !bytes.Contains(buf.body.Bytes(), []byte("NotAuthenticated"))
}

const soapHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
	`xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`
const soapTail = `</soapenv:Body></soapenv:Envelope>`

func writeChangedAreas(w http.ResponseWriter, req *types.QueryChangedDiskAreas) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	info, fault := queryChangedDiskAreas(req)
	var b strings.Builder
	b.WriteString(soapHead)
	if fault != nil {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(&b, `<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>%s</faultstring>`, xmlEscape(fault.message))
		fmt.Fprintf(&b, `<detail><%sFault xmlns="urn:vim25" xsi:type="%s">%s</%sFault></detail></soapenv:Fault>`, fault.fault, fault.fault, fault.detail, fault.fault)
	} else {
		w.WriteHeader(http.StatusOK)
		fmt.Fprintf(&b, `<QueryChangedDiskAreasResponse xmlns="urn:vim25"><returnval><startOffset>%d</startOffset><length>%d</length>`, info.StartOffset, info.Length)
		for _, a := range info.ChangedArea {
			fmt.Fprintf(&b, `<changedArea><start>%d</start><length>%d</length></changedArea>`, a.Start, a.Length)
		}
		b.WriteString(`</returnval></QueryChangedDiskAreasResponse>`)
	}
	b.WriteString(soapTail)
	_, _ = io.WriteString(w, b.String())
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
