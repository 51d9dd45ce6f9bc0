package chainerser

/*
#include <stdlib.h>
#include <chainerser/chainerser.h>
extern int chainerserGoIgnore(char *key, void *ctx);
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// ignoreFn is a ReadOptions.Ignore predicate as the library sees it: ser_options.ignore_ctx
// points at C memory holding a cgo.Handle of the Go function (C may not keep Go pointers).
type ignoreFn struct {
	handle cgo.Handle
	ctx    unsafe.Pointer
}

func newIgnoreFn(f func(string) bool) *ignoreFn {
	p := &ignoreFn{handle: cgo.NewHandle(f), ctx: C.malloc(C.size_t(unsafe.Sizeof(cgo.Handle(0))))}
	*(*cgo.Handle)(p.ctx) = p.handle
	return p
}

// set makes o call the predicate.
func (p *ignoreFn) set(o *C.ser_options) {
	o.ignore_fn = C.ser_ignore_fn(C.chainerserGoIgnore)
	o.ignore_ctx = p.ctx
}

// free releases the predicate once no handle can call it any more. A nil p is a no-op.
func (p *ignoreFn) free() {
	if p == nil {
		return
	}
	p.handle.Delete()
	C.free(p.ctx)
}

//export chainerserGoIgnore
func chainerserGoIgnore(key *C.char, ctx unsafe.Pointer) (ignored C.int) {
	defer func() {
		if recover() != nil { // a panic must not unwind into C: it counts as "not ignored"
			ignored = 0
		}
	}()
	f := (*(*cgo.Handle)(ctx)).Value().(func(string) bool)
	if f(C.GoString(key)) {
		return 1
	}
	return 0
}
