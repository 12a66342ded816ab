package storage

import (
	"encoding/json"
	"fmt"
	"reflect"
	"salesdesk/data"
	"slices"
	"strconv"
	"strings"
	"time"
)

// diffFields lists the fields that differ between two values of the same type: exported fields by
// their json names, nested structs flattened ("contacts[0].phone"), slices compared element by
// element (an added or removed element shows as each of its fields from or to ""), maps by key.
// A nil before is a creation: every non-empty field of after. Secrets are never listed.
func diffFields(before, after any) []data.FieldChange {
	var out []data.FieldChange
	a, b := reflect.ValueOf(before), reflect.ValueOf(after)
	for a.Kind() == reflect.Pointer && !a.IsNil() {
		a = a.Elem()
	}
	for b.Kind() == reflect.Pointer && !b.IsNil() {
		b = b.Elem()
	}
	if !a.IsValid() || (a.Kind() == reflect.Pointer && a.IsNil()) {
		a = reflect.Zero(b.Type())
	}
	if !b.IsValid() || (b.Kind() == reflect.Pointer && b.IsNil()) {
		b = reflect.Zero(a.Type())
	}
	diffValue("", a, b, &out)
	return out
}

var timeType = reflect.TypeOf(time.Time{})

// bookkeeping fields change with every save; the line's own time and member say the same.
// The record's own id is the line's EntityID.
var bookkeeping = map[string]bool{"id": true, "version": true, "updated_at": true, "updated_by": true}

func diffValue(path string, a, b reflect.Value, out *[]data.FieldChange) {
	if a.Kind() == reflect.Pointer || a.Kind() == reflect.Interface {
		a, b = derefOrZero(a, b)
	}
	switch {
	case a.Type() == timeType:
		diffLeaf(path, a, b, out)
	case a.Kind() == reflect.Struct:
		t := a.Type()
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, skip := fieldName(sf)
			if skip || secretField(name) || secretField(sf.Name) || bookkeeping[name] {
				continue
			}
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct && sf.Tag.Get("json") == "" {
				diffValue(path, a.Field(i), b.Field(i), out)
				continue
			}
			diffValue(joinPath(path, name), a.Field(i), b.Field(i), out)
		}
	case a.Kind() == reflect.Slice || a.Kind() == reflect.Array:
		if a.Type().Elem().Kind() == reflect.Uint8 {
			diffLeaf(path, a, b, out)
			return
		}
		n := max(a.Len(), b.Len())
		zero := reflect.Zero(a.Type().Elem())
		for i := 0; i < n; i++ {
			ea, eb := zero, zero
			if i < a.Len() {
				ea = a.Index(i)
			}
			if i < b.Len() {
				eb = b.Index(i)
			}
			diffValue(fmt.Sprintf("%s[%d]", path, i), ea, eb, out)
		}
	case a.Kind() == reflect.Map:
		keys := map[string]reflect.Value{}
		for _, m := range []reflect.Value{a, b} {
			for _, k := range m.MapKeys() {
				keys[fmt.Sprint(k.Interface())] = k
			}
		}
		names := make([]string, 0, len(keys))
		for n := range keys {
			names = append(names, n)
		}
		slices.Sort(names)
		zero := reflect.Zero(a.Type().Elem())
		for _, n := range names {
			ea, eb := a.MapIndex(keys[n]), b.MapIndex(keys[n])
			if !ea.IsValid() {
				ea = zero
			}
			if !eb.IsValid() {
				eb = zero
			}
			diffValue(joinPath(path, n), ea, eb, out)
		}
	default:
		diffLeaf(path, a, b, out)
	}
}

func derefOrZero(a, b reflect.Value) (reflect.Value, reflect.Value) {
	elem := func(v reflect.Value) reflect.Value {
		if v.IsNil() {
			return reflect.Value{}
		}
		return v.Elem()
	}
	ea, eb := elem(a), elem(b)
	switch {
	case !ea.IsValid() && !eb.IsValid():
		return reflect.ValueOf(""), reflect.ValueOf("")
	case !ea.IsValid():
		ea = reflect.Zero(eb.Type())
	case !eb.IsValid():
		eb = reflect.Zero(ea.Type())
	}
	if ea.Type() != eb.Type() {
		return reflect.ValueOf(fmt.Sprint(ea.Interface())), reflect.ValueOf(fmt.Sprint(eb.Interface()))
	}
	return ea, eb
}

func diffLeaf(path string, a, b reflect.Value, out *[]data.FieldChange) {
	oa, ob := leafText(a), leafText(b)
	if oa != ob {
		*out = append(*out, data.FieldChange{Field: path, Old: oa, New: ob})
	}
}

// leafText is a value as the trail shows it: empty for a zero value, times in RFC 3339.
func leafText(v reflect.Value) string {
	if v.IsZero() {
		return ""
	}
	if v.Type() == timeType {
		return v.Interface().(time.Time).UTC().Format(time.RFC3339)
	}
	if s, ok := v.Interface().(fmt.Stringer); ok && v.Kind() != reflect.String {
		return s.String()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	}
	raw, err := json.Marshal(v.Interface())
	if err != nil {
		return fmt.Sprint(v.Interface())
	}
	return string(raw)
}

func fieldName(sf reflect.StructField) (string, bool) {
	tag := sf.Tag.Get("json")
	if tag == "-" {
		return "", true
	}
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name, false
	}
	return sf.Name, false
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// secretField reports a field that may hold a password or its hash, by name, so that no type added
// later leaks one into the trail.
func secretField(name string) bool {
	n := strings.ToLower(name)
	if i := strings.LastIndexAny(n, ".]"); i >= 0 {
		n = n[i+1:]
	}
	return strings.Contains(n, "password") || strings.Contains(n, "hash") || strings.Contains(n, "secret") ||
		n == "salt" || n == "pwd"
}
