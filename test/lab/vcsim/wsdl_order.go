package main

// vCenter reads a request against its WSDL: the elements of a data object must
// come in the schema's sequence order, and an element the schema does not know
// is refused with InvalidRequest "Unexpected element tag ... seen". govmomi's
// simulator accepts any order, so the lab checks requests first. The field
// order of govmomi's generated vim25/pbm types is the WSDL sequence order
// (a base type's fields before the derived type's).

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
)

const xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

type schemaElement struct {
	name string
	typ  reflect.Type
}

var schemaCache sync.Map // reflect.Type → []schemaElement

// schemaElements lists the child elements of a struct type in sequence order.
func schemaElements(t reflect.Type) []schemaElement {
	if cached, ok := schemaCache.Load(t); ok {
		return cached.([]schemaElement)
	}
	var out []schemaElement
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("xml")
		name := strings.Split(tag, ",")[0]
		if f.Anonymous && name == "" {
			inner := f.Type
			if inner.Kind() == reflect.Ptr {
				inner = inner.Elem()
			}
			if inner.Kind() == reflect.Struct {
				out = append(out, schemaElements(inner)...)
			}
			continue
		}
		if name == "" || name == "-" || strings.Contains(tag, ",attr") || strings.Contains(tag, ",chardata") || strings.Contains(tag, ",innerxml") {
			continue
		}
		out = append(out, schemaElement{name: name, typ: f.Type})
	}
	schemaCache.Store(t, out)
	return out
}

func elementIndex(elements []schemaElement, name string) int {
	for i, e := range elements {
		if e.name == name {
			return i
		}
	}
	return -1
}

// valueType is the type an element holds: pointers and arrays unwrapped ([]byte stays base64 text).
func valueType(t reflect.Type) reflect.Type {
	for {
		switch {
		case t.Kind() == reflect.Ptr:
			t = t.Elem()
		case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
			t = t.Elem()
		default:
			return t
		}
	}
}

func xsiType(start xml.StartElement) string {
	for _, a := range start.Attr {
		if a.Name.Local == "type" && a.Name.Space == xsiNamespace {
			if i := strings.IndexByte(a.Value, ':'); i >= 0 {
				return a.Value[i+1:]
			}
			return a.Value
		}
	}
	return ""
}

type schemaLookup func(string) (reflect.Type, bool)

// checkSequence walks the children of the element just opened, whose type is t.
func checkSequence(dec *xml.Decoder, t reflect.Type, typeName string, lookup schemaLookup) error {
	elements := schemaElements(t)
	last := -1
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // malformed XML is the simulator's to answer
		}
		switch el := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			i := elementIndex(elements, el.Name.Local)
			if i < 0 || i < last {
				return fmt.Errorf("Unexpected element tag %q seen while parsing serialized DataObject of type %s", el.Name.Local, typeName)
			}
			last = i
			child := valueType(elements[i].typ)
			childName := child.Name()
			if x := xsiType(el); x != "" {
				if found, ok := lookup(x); ok {
					child, childName = found, x
				}
			}
			if child.Kind() != reflect.Struct || len(schemaElements(child)) == 0 {
				if err := dec.Skip(); err != nil {
					return nil
				}
				continue
			}
			if err := checkSequence(dec, child, childName, lookup); err != nil {
				return err
			}
		}
	}
}

// wsdlOrderError returns why vCenter would refuse the request body, or nil.
func wsdlOrderError(body []byte, lookup schemaLookup) error {
	dec := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return nil
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !inBody {
			inBody = start.Name.Local == "Body"
			continue
		}
		method, ok := lookup(start.Name.Local)
		if !ok || method.Kind() != reflect.Struct {
			return nil
		}
		return checkSequence(dec, method, start.Name.Local, lookup)
	}
}
