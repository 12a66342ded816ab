// Command storagesplit moves the storage declarations of salesdesk/data into salesdesk/data/storage:
// see run.sh. It is a tool for one refactoring, not part of SalesDesk.
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/imports"
)

type decl struct {
	file  string
	node  ast.Decl
	objs  []types.Object
	name  string
	start int // segment start offset (after previous decl)
	end   int
}

type edit struct {
	off, n int
	text   string
}

var (
	root     string
	pkgPath  = "salesdesk/data"
	newPath  = "salesdesk/data/storage"
	newName  = "storage"
	fset     *token.FileSet
	edits    = map[string][]edit{} // by absolute filename
	srcCache = map[string][]byte{}
)

func src(fn string) []byte {
	if b, ok := srcCache[fn]; ok {
		return b
	}
	b, err := os.ReadFile(fn)
	if err != nil {
		panic(err)
	}
	srcCache[fn] = b
	return b
}

func addEdit(pos token.Pos, n int, text string) {
	p := fset.Position(pos)
	edits[p.Filename] = append(edits[p.Filename], edit{p.Offset, n, text})
}

func apply(b []byte, es []edit, from, to int) []byte {
	var sel []edit
	for _, e := range es {
		if e.off >= from && e.off < to {
			sel = append(sel, e)
		}
	}
	sort.Slice(sel, func(i, j int) bool { return sel[i].off < sel[j].off })
	var out bytes.Buffer
	at := from
	for _, e := range sel {
		if e.off < at {
			continue // duplicate
		}
		out.Write(b[at:e.off])
		out.WriteString(e.text)
		at = e.off + e.n
	}
	out.Write(b[at:to])
	return out.Bytes()
}

func exported(name string) string {
	r, n := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[n:]
}

func main() {
	root = os.Args[1]
	overrides := map[string]string{}
	for _, kv := range strings.Split(os.Getenv("RENAME"), ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			overrides[k] = v
		}
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports, Tests: true, Dir: root}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		panic(err)
	}
	var p *packages.Package
	var others []*packages.Package
	for _, q := range pkgs {
		if len(q.Errors) > 0 {
			fmt.Fprintln(os.Stderr, "errors in", q.ID, q.Errors)
		}
		if q.ID == pkgPath+" ["+pkgPath+".test]" {
			p = q
			continue
		}
		if q.PkgPath == pkgPath || strings.HasSuffix(q.ID, ".test") {
			continue
		}
		// prefer test variants (they include all files); skip duplicates later by filename
		others = append(others, q)
	}
	fset = p.Fset
	fileOf := func(pos token.Pos) string { return fset.Position(pos).Filename }
	var decls []*decl
	declOf := map[types.Object]*decl{}
	fileDecls := map[string][]*decl{}
	headerEnd := map[string]int{}
	var files []string
	for _, f := range p.Syntax {
		fn := fileOf(f.Pos())
		files = append(files, fn)
		prev := fset.Position(f.Name.End()).Offset
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				prev = fset.Position(g.End()).Offset
				continue
			}
		}
		headerEnd[fn] = prev
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				continue
			}
			dd := &decl{file: fn, node: d, start: prev, end: fset.Position(d.End()).Offset}
			prev = dd.end
			switch d := d.(type) {
			case *ast.FuncDecl:
				dd.objs = append(dd.objs, p.TypesInfo.Defs[d.Name])
				dd.name = d.Name.Name
				if d.Recv != nil {
					dd.name = types.ExprString(d.Recv.List[0].Type) + "." + d.Name.Name
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						dd.objs = append(dd.objs, p.TypesInfo.Defs[s.Name])
						dd.name += s.Name.Name + " "
						ast.Inspect(s.Type, func(n ast.Node) bool {
							if fl, ok := n.(*ast.Field); ok {
								for _, nm := range fl.Names {
									if o := p.TypesInfo.Defs[nm]; o != nil {
										dd.objs = append(dd.objs, o)
									}
								}
							}
							return true
						})
					case *ast.ValueSpec:
						for _, nm := range s.Names {
							if o := p.TypesInfo.Defs[nm]; o != nil {
								dd.objs = append(dd.objs, o)
							}
							dd.name += nm.Name + " "
						}
					}
				}
			}
			dd.name = strings.TrimSpace(dd.name)
			for _, o := range dd.objs {
				if o != nil {
					declOf[o] = dd
				}
			}
			decls = append(decls, dd)
			fileDecls[fn] = append(fileDecls[fn], dd)
		}
	}
	origin := func(o types.Object) types.Object {
		switch x := o.(type) {
		case *types.Var:
			return x.Origin()
		case *types.Func:
			return x.Origin()
		}
		return o
	}
	// declaration containing an object, for fields of embedded structs etc: fall back to position
	declAt := func(o types.Object) *decl {
		if d := declOf[o]; d != nil {
			return d
		}
		fn := fileOf(o.Pos())
		off := fset.Position(o.Pos()).Offset
		for _, d := range fileDecls[fn] {
			if off >= d.start && off < d.end {
				return d
			}
		}
		return nil
	}
	storage := map[*decl]bool{}
	refs := map[*decl]map[*decl]bool{}
	for _, d := range decls {
		refs[d] = map[*decl]bool{}
		ast.Inspect(d.node, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok {
					if pn, ok := p.TypesInfo.Uses[x].(*types.PkgName); ok {
						path := pn.Imported().Path()
						if strings.Contains(path, "bbolt") || strings.Contains(path, "storm") {
							storage[d] = true
						}
					}
				}
			case *ast.Ident:
				if o := p.TypesInfo.Uses[n]; o != nil && o.Pkg() == p.Types {
					if dd := declAt(origin(o)); dd != nil && dd != d {
						refs[d][dd] = true
					}
				}
			}
			return true
		})
		if fd, ok := d.node.(*ast.FuncDecl); ok && fd.Recv != nil {
			t := strings.TrimPrefix(types.ExprString(fd.Recv.List[0].Type), "*")
			if t == "Store" || t == "Session" {
				storage[d] = true
			}
		}
		if d.name == "Store" || d.name == "Session" {
			storage[d] = true
		}
	}
	for _, f := range strings.Split(os.Getenv("FORCE"), ",") {
		for _, d := range decls {
			if f != "" && d.name == f {
				storage[d] = true
			}
		}
	}
	isExportedType := func(d *decl) bool {
		g, ok := d.node.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			return false
		}
		for _, o := range d.objs {
			if tn, ok := o.(*types.TypeName); ok && tn.Exported() {
				return true
			}
		}
		return false
	}
	recvName := func(d *decl) string {
		fd, ok := d.node.(*ast.FuncDecl)
		if !ok || fd.Recv == nil {
			return ""
		}
		t := strings.TrimPrefix(types.ExprString(fd.Recv.List[0].Type), "*")
		if i := strings.IndexByte(t, '['); i >= 0 {
			t = t[:i]
		}
		return t
	}
	forcedTypes := map[string]bool{}
	weak := map[*decl]bool{}
	for _, f := range strings.Split(os.Getenv("WEAKFILE"), ",") {
		for _, d := range decls {
			if f != "" && filepath.Base(d.file) == f {
				weak[d] = true
			}
		}
	}
	for _, f := range strings.Split(os.Getenv("FORCEFILE"), ",") {
		for _, d := range decls {
			if f != "" && filepath.Base(d.file) == f && !isExportedType(d) {
				if r := recvName(d); r != "" {
					continue // methods follow their types
				}
				storage[d] = true
				if g, ok := d.node.(*ast.GenDecl); ok && g.Tok == token.TYPE {
					forcedTypes[d.name] = true
				}
			}
		}
	}
	for _, f := range strings.Split(os.Getenv("FORCE"), ",") {
		forcedTypes[f] = true
	}
	for _, d := range decls {
		if r := recvName(d); r != "" && forcedTypes[r] {
			storage[d] = true
		}
	}
	// forward moves every domain declaration that refers to a storage one; it tells whether any moved.
	forward := func() (moved bool) {
		for changed := true; changed; {
			changed = false
			for _, d := range decls {
				if storage[d] {
					continue
				}
				for r := range refs[d] {
					if storage[r] {
						storage[d], changed, moved = true, true, true
						break
					}
				}
			}
		}
		return moved
	}
	forward()
	// Sink rule: an unexported domain declaration that only storage declarations use goes with them.
	usedBy := map[*decl]map[*decl]bool{}
	for d, rs := range refs {
		for r := range rs {
			if usedBy[r] == nil {
				usedBy[r] = map[*decl]bool{}
			}
			usedBy[r][d] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for _, d := range decls {
			if storage[d] || (len(usedBy[d]) == 0 && !weak[d]) {
				continue
			}
			exp := false
			for _, o := range d.objs {
				if o != nil && o.Exported() && o.Parent() == p.Types.Scope() {
					exp = true
				}
			}
			if fd, ok := d.node.(*ast.FuncDecl); ok && fd.Recv != nil {
				continue // methods stay with their type
			}
			if (exp && !weak[d]) || d.name == "init" || (d.name == "_" && !weak[d]) {
				continue
			}
			all := true
			for u := range usedBy[d] {
				if !storage[u] {
					all = false
					break
				}
			}
			if all {
				storage[d] = true
				changed = true
				// methods of a moved type follow it
				for _, m := range decls {
					if fd, ok := m.node.(*ast.FuncDecl); ok && fd.Recv != nil && !storage[m] {
						t := strings.TrimPrefix(types.ExprString(fd.Recv.List[0].Type), "*")
						if i := strings.IndexByte(t, '['); i >= 0 {
							t = t[:i]
						}
						if t == d.name {
							storage[m] = true
						}
					}
				}
			}
		}
		if forward() {
			changed = true
		}
	}
	// Conflicts: methods in storage on domain types.
	bad := false
	for _, d := range decls {
		if fd, ok := d.node.(*ast.FuncDecl); ok && fd.Recv != nil && storage[d] {
			recv := p.TypesInfo.Defs[fd.Name].Type().(*types.Signature).Recv().Type()
			if ptr, ok := recv.(*types.Pointer); ok {
				recv = ptr.Elem()
			}
			if td := declOf[recv.(*types.Named).Obj()]; td != nil && !storage[td] {
				fmt.Fprintln(os.Stderr, "CONFLICT: method", d.name, "in storage on domain type", filepath.Base(d.file))
				bad = true
			}
		}
	}
	if bad {
		os.Exit(2)
	}
	// Objects needing export: unexported, declared in domain, used from storage decls.
	rename := map[types.Object]string{}
	scope := p.Types.Scope()
	for _, d := range decls {
		if !storage[d] {
			continue
		}
		ast.Inspect(d.node, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			o := p.TypesInfo.Uses[id]
			if o == nil || o.Pkg() != p.Types || o.Exported() {
				return true
			}
			o = origin(o)
			dd := declAt(o)
			if dd == nil || storage[dd] {
				return true
			}
			if _, isPkg := o.(*types.PkgName); isPkg {
				return true
			}
			if o.Parent() != nil && o.Parent() != scope {
				return true // local
			}
			key := o.Name()
			if v, ok := overrides[key]; ok {
				rename[o] = v
			} else {
				rename[o] = exported(o.Name())
			}
			return true
		})
	}
	// collision check
	for o, nn := range rename {
		var clash bool
		if o.Parent() == scope {
			clash = scope.Lookup(nn) != nil
		} else {
			// field or method: check the type's method set / fields loosely by name in scope-wide objects
			for o2 := range declOf {
				if o2 != o && o2.Name() == nn && o2.Parent() == nil {
					if fset.Position(o2.Pos()).Filename == fset.Position(o.Pos()).Filename && declAt(o2) == declAt(o) {
						clash = true
					}
				}
			}
			// methods of the same receiver
			if f, ok := o.(*types.Func); ok {
				if r := f.Type().(*types.Signature).Recv(); r != nil {
					t := r.Type()
					if ms := types.NewMethodSet(t); ms.Lookup(p.Types, nn) != nil {
						clash = true
					}
					if pt, ok := t.(*types.Pointer); !ok {
						_ = pt
						if types.NewMethodSet(types.NewPointer(t)).Lookup(p.Types, nn) != nil {
							clash = true
						}
					}
					if obj, _, _ := types.LookupFieldOrMethod(t, true, p.Types, nn); obj != nil {
						clash = true
					}
				}
			}
			if v, ok := o.(*types.Var); ok && v.IsField() {
				// find struct owner
				if d := declAt(o); d != nil {
					for _, oo := range d.objs {
						if tn, ok := oo.(*types.TypeName); ok {
							if obj, _, _ := types.LookupFieldOrMethod(tn.Type(), true, p.Types, nn); obj != nil {
								clash = true
							}
						}
					}
				}
			}
		}
		kind := fmt.Sprintf("%T", o)
		if clash {
			fmt.Fprintf(os.Stderr, "CLASH %s %s -> %s (%s)\n", kind, o.Name(), nn, filepath.Base(fileOf(o.Pos())))
			bad = true
		}
		if os.Getenv("VERBOSE") != "" {
			fmt.Fprintf(os.Stderr, "export %s %s -> %s (%s)\n", kind, o.Name(), nn, filepath.Base(fileOf(o.Pos())))
		}
	}
	for _, want := range strings.Split(os.Getenv("WHO"), ",") {
		for _, d := range decls {
			if want != "" && d.name == want {
				for u := range usedBy[d] {
					fmt.Fprintf(os.Stderr, "WHO %s used by %s (%s) storage=%v\n", want, u.name, filepath.Base(u.file), storage[u])
				}
			}
		}
	}
	for _, d := range decls {
		if storage[d] && isExportedType(d) {
			fmt.Fprintf(os.Stderr, "TYPE-TO-STORAGE %s (%s)\n", d.name, filepath.Base(d.file))
		}
	}
	if os.Getenv("DRY") != "" {
		for _, d := range decls {
			if storage[d] {
				fmt.Fprintf(os.Stderr, "S %s %s\n", filepath.Base(d.file), d.name)
			}
		}
		os.Exit(0)
	}
	if bad {
		os.Exit(3)
	}
	// Edits in the data package: renames everywhere, qualification in storage decls.
	for id, o := range p.TypesInfo.Defs {
		if o == nil {
			continue
		}
		if nn, ok := rename[origin(o)]; ok {
			addEdit(id.Pos(), len(id.Name), nn)
		}
	}
	dataLocals := 0
	for _, d := range decls {
		ast.Inspect(d.node, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			if storage[d] {
				if o := p.TypesInfo.Defs[id]; o != nil && id.Name == "data" {
					dataLocals++
					addEdit(id.Pos(), len(id.Name), "raw")
				}
				if o := p.TypesInfo.Uses[id]; o != nil && id.Name == "data" && o.Pkg() == p.Types && o.Parent() != scope {
					addEdit(id.Pos(), len(id.Name), "raw")
				}
			}
			o := p.TypesInfo.Uses[id]
			if o == nil || o.Pkg() != p.Types {
				return true
			}
			o = origin(o)
			name := id.Name
			if nn, ok := rename[o]; ok {
				name = nn
			}
			if storage[d] && o.Parent() == scope {
				if dd := declAt(o); dd != nil && !storage[dd] {
					name = "data." + name
				}
			}
			if name != id.Name {
				addEdit(id.Pos(), len(id.Name), name)
			}
			return true
		})
	}
	fmt.Fprintln(os.Stderr, "locals named data renamed:", dataLocals)
	storageObj := map[types.Object]bool{}
	for _, d := range decls {
		if storage[d] {
			for _, o := range d.objs {
				storageObj[o] = true
			}
		}
	}
	// Other packages: data.X for storage X -> storage.X
	needImport := map[string]bool{}
	done := map[string]bool{}
	for _, q := range others {
		for _, f := range q.Syntax {
			fn := q.Fset.Position(f.Pos()).Filename
			if done[fn] || strings.HasSuffix(fn, ".go") == false {
				continue
			}
			done[fn] = true
			ast.Inspect(f, func(n ast.Node) bool {
				se, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				x, ok := se.X.(*ast.Ident)
				if !ok {
					return true
				}
				pn, ok := q.TypesInfo.Uses[x].(*types.PkgName)
				if !ok || pn.Imported().Path() != pkgPath {
					return true
				}
				o := q.TypesInfo.Uses[se.Sel]
				if o == nil {
					return true
				}
				// objects in q come from export data: match by name in storage objects
				if so := scope.Lookup(o.Name()); so != nil && storageObj[so] {
					p2 := q.Fset.Position(x.Pos())
					edits[p2.Filename] = append(edits[p2.Filename], edit{p2.Offset, len(x.Name), "STORAGEPKG"})
					needImport[p2.Filename] = true
				}
				return true
			})
		}
	}
	// Write the data package files.
	outDir := filepath.Join(root, "data", "storage")
	os.MkdirAll(outDir, 0o755)
	for _, fn := range files {
		b := src(fn)
		es := edits[fn]
		hdr := b[:headerEnd[fn]]
		var dom, sto bytes.Buffer
		dom.Write(apply(b, es, 0, headerEnd[fn]))
		nd, ns := 0, 0
		for _, d := range fileDecls[fn] {
			seg := apply(b, es, d.start, d.end)
			if storage[d] {
				sto.Write(seg)
				ns++
			} else {
				dom.Write(seg)
				nd++
			}
		}
		last := headerEnd[fn]
		if n := len(fileDecls[fn]); n > 0 {
			last = fileDecls[fn][n-1].end
		}
		tail := b[last:]
		dom.Write(tail)
		base := filepath.Base(fn)
		if ns > 0 {
			// storage header: build constraints + package + imports + salesdesk/data
			var h bytes.Buffer
			for _, line := range strings.Split(string(hdr), "\n") {
				if strings.HasPrefix(line, "//go:build") {
					h.WriteString(line + "\n\n")
				}
			}
			h.WriteString("package " + newName + "\n\n")
			imp := importBlock(p, fn)
			h.WriteString("import (\n\t\"salesdesk/data\"\n" + imp + ")\n")
			out := append(h.Bytes(), sto.Bytes()...)
			out = append(out, '\n')
			writeGo(filepath.Join(outDir, base), out)
		}
		if nd == 0 && ns > 0 {
			os.Remove(fn)
		} else if ns > 0 || len(es) > 0 {
			writeGo(fn, dom.Bytes())
		}
	}
	// Other packages' files.
	for fn := range done {
		es := edits[fn]
		if len(es) == 0 {
			continue
		}
		b := src(fn)
		alias := newName
		if bytes.Contains(b, []byte(`"fyne.io/fyne/v2/storage"`)) {
			alias = "sdstorage"
		}
		for i := range es {
			if es[i].text == "STORAGEPKG" {
				es[i].text = alias
			}
		}
		out := apply(b, es, 0, len(b))
		if needImport[fn] {
			imp := `"` + newPath + `"`
			if alias != newName {
				imp = alias + " " + imp
			}
			out = bytes.Replace(out, []byte("\"salesdesk/data\"\n"), []byte("\"salesdesk/data\"\n\t"+imp+"\n"), 1)
		}
		writeGo(fn, out)
	}
}

func importBlock(p *packages.Package, fn string) string {
	for _, f := range p.Syntax {
		if p.Fset.Position(f.Pos()).Filename != fn {
			continue
		}
		var s strings.Builder
		for _, im := range f.Imports {
			s.WriteString("\t")
			if im.Name != nil {
				s.WriteString(im.Name.Name + " ")
			}
			s.WriteString(im.Path.Value + "\n")
		}
		return s.String()
	}
	return ""
}

func writeGo(fn string, b []byte) {
	out, err := imports.Process(fn, b, &imports.Options{Comments: true, TabIndent: true, TabWidth: 8, FormatOnly: false})
	if err != nil {
		fmt.Fprintln(os.Stderr, "format", fn, err)
		out = b
	}
	if err := os.WriteFile(fn, out, 0o644); err != nil {
		panic(err)
	}
}
