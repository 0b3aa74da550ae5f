package main

import (
	"crypto/rand"
	"encoding/hex"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// pagingPropertyCollector honours RetrieveOptions.maxObjects and answers
// ContinueRetrievePropertiesEx with the rest, page by page, as vCenter does.
// govmomi 0.24 returns everything in one page and has no continuation, so a
// client's paging loop would never be exercised against the lab.
//
// The simulator makes a fresh zero-value copy of the collector's type for
// every session, so the type embeds the collector by value and the pending
// pages live outside it.
type pagingPropertyCollector struct {
	simulator.PropertyCollector
}

var (
	pagesMu sync.Mutex
	pages   = map[string]pendingPage{}
)

type pendingPage struct {
	rest []types.ObjectContent
	size int
}

func (p *pagingPropertyCollector) keep(rest []types.ObjectContent, size int) string {
	buf := make([]byte, 12)
	_, _ = rand.Read(buf)
	token := hex.EncodeToString(buf)
	pagesMu.Lock()
	pages[token] = pendingPage{rest: rest, size: size}
	pagesMu.Unlock()
	return token
}

// page splits off one page; the token names the rest (empty when nothing is left).
func (p *pagingPropertyCollector) page(objects []types.ObjectContent, size int) ([]types.ObjectContent, string) {
	if size <= 0 || len(objects) <= size {
		return objects, ""
	}
	return objects[:size], p.keep(objects[size:], size)
}

func (p *pagingPropertyCollector) RetrievePropertiesEx(ctx *simulator.Context, r *types.RetrievePropertiesEx) soap.HasFault {
	res := p.PropertyCollector.RetrievePropertiesEx(ctx, r)
	body, ok := res.(*methods.RetrievePropertiesExBody)
	if !ok || body.Res == nil || body.Res.Returnval == nil {
		return res
	}
	objects, token := p.page(body.Res.Returnval.Objects, int(r.Options.MaxObjects))
	body.Res.Returnval.Objects = objects
	body.Res.Returnval.Token = token
	return body
}

func (p *pagingPropertyCollector) ContinueRetrievePropertiesEx(r *types.ContinueRetrievePropertiesEx) soap.HasFault {
	body := &methods.ContinueRetrievePropertiesExBody{}
	pagesMu.Lock()
	pending, ok := pages[r.Token]
	delete(pages, r.Token)
	pagesMu.Unlock()
	if !ok {
		body.Fault_ = simulator.Fault("unknown or used token", &types.InvalidArgument{InvalidProperty: "token"})
		return body
	}
	objects, token := p.page(pending.rest, pending.size)
	body.Res = &types.ContinueRetrievePropertiesExResponse{Returnval: types.RetrieveResult{Objects: objects, Token: token}}
	return body
}

func (p *pagingPropertyCollector) CancelRetrievePropertiesEx(r *types.CancelRetrievePropertiesEx) soap.HasFault {
	pagesMu.Lock()
	delete(pages, r.Token)
	pagesMu.Unlock()
	return &methods.CancelRetrievePropertiesExBody{Res: new(types.CancelRetrievePropertiesExResponse)}
}

// installPagingPropertyCollector replaces the service's property collector with the paging one.
func installPagingPropertyCollector() {
	content := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content
	pc, ok := simulator.Map.Get(content.PropertyCollector).(*simulator.PropertyCollector)
	if !ok {
		return
	}
	// Sessions work on fresh copies anyway; the singleton only needs its reference.
	wrapped := &pagingPropertyCollector{}
	wrapped.Self = pc.Self
	simulator.Map.Put(wrapped)
}
