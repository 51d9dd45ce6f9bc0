// Package chainerser reads and writes Chainer checkpoints (NumPy .npz and HDF5) through
// libchainerser's C ABI.
//
// A *File is an open checkpoint at a key prefix: the root from OpenNPZ/CreateNPZ/OpenH5/CreateH5,
// or a child from File.Child (Chainer's serializer["name"]). A File must not be used by two
// goroutines at once. Close commits a writer; Discard abandons it.
package chainerser

/*
#cgo pkg-config: chainerser
#include <stdlib.h>
#include <chainerser/chainerser.h>
*/
import "C"

import (
	"runtime"
	"strings"
	"unsafe"
)

// root is the state a file and its children share: children are usable until the root closes.
type root struct {
	closed bool
	ignore *ignoreFn // the predicate the library may call until the root is released
}

// release marks the root closed once its handle is gone, and frees what the library used.
func (r *root) release() {
	r.closed = true
	r.ignore.free()
	r.ignore = nil
}

// File is an open checkpoint at a key prefix.
type File struct {
	h      *C.ser_handle
	writer bool
	root   *root
	parent *File // keeps the parent reachable, so finalizers run child first
}

type openFunc func(**C.ser_handle, *C.char, C.int32_t, *C.ser_options) C.int

func npzOpen(out **C.ser_handle, p *C.char, m C.int32_t, o *C.ser_options) C.int {
	return C.ser_npz_open(out, p, m, o)
}

func h5Open(out **C.ser_handle, p *C.char, m C.int32_t, o *C.ser_options) C.int {
	return C.ser_h5_open(out, p, m, o)
}

// OpenNPZ opens a .npz written by Chainer's save_npz for reading. opts may be nil.
func OpenNPZ(path string, opts *ReadOptions) (*File, error) { return openRead(npzOpen, path, opts) }

// OpenH5 opens an HDF5 file written by Chainer's save_hdf5 for reading. opts may be nil.
func OpenH5(path string, opts *ReadOptions) (*File, error) { return openRead(h5Open, path, opts) }

// CreateNPZ starts a .npz; it appears (replacing any old file atomically) at Close.
func CreateNPZ(path string, opts *WriteOptions) (*File, error) { return openWrite(npzOpen, path, opts) }

// CreateH5 starts an HDF5 file; it appears at Close.
func CreateH5(path string, opts *WriteOptions) (*File, error) { return openWrite(h5Open, path, opts) }

func open1(open openFunc, path string, mode C.int32_t, o *C.ser_options, r *root) (*File, error) {
	if strings.IndexByte(path, 0) >= 0 {
		return nil, bindingError("path %q contains a NUL byte", path)
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var h *C.ser_handle
	if err := call(func() C.int { return open(&h, cpath, mode, o) }); err != nil {
		return nil, err
	}
	return newFile(h, mode == C.SER_WRITE, r, nil), nil
}

func newFile(h *C.ser_handle, writer bool, r *root, parent *File) *File {
	f := &File{h: h, writer: writer, root: r, parent: parent}
	// A safety net only: an unclosed writer is discarded, never committed behind the user's back.
	runtime.SetFinalizer(f, (*File).release)
	return f
}

func (f *File) release() {
	if f.h == nil {
		return
	}
	C.ser_discard(f.h)
	f.h = nil
	if f.parent == nil {
		f.root.release()
	}
	runtime.SetFinalizer(f, nil)
}

// handle returns the open handle or an error for a closed file (or a child of a closed root).
func (f *File) handle() (*C.ser_handle, error) {
	if f == nil || f.h == nil {
		return nil, bindingError("file is closed")
	}
	if f.root.closed {
		return nil, bindingError("the root of this child is closed")
	}
	return f.h, nil
}

// Close releases the file. For a root writer it first commits the file and returns the commit's
// error; the handle is freed either way. Calling Close again returns nil.
func (f *File) Close() error {
	if f == nil || f.h == nil {
		return nil
	}
	h := f.h
	f.h = nil
	runtime.SetFinalizer(f, nil)
	if f.parent == nil {
		f.root.closed = true
	}
	err := call(func() C.int { return C.ser_close(h) })
	if f.parent == nil {
		f.root.release()
	}
	return err
}

// Discard releases the file without committing: a root writer is abandoned and any old file at
// its path stays as it was. Idempotent; a no-op after Close.
func (f *File) Discard() {
	if f == nil || f.h == nil {
		return
	}
	f.release()
}

// Child returns the view at the sub-path name (Chainer's serializer[name]). It shares the file
// and is usable until the root is closed; Close it when done (or let the finalizer do it).
func (f *File) Child(name string) (*File, error) {
	h, err := f.handle()
	if err != nil {
		return nil, err
	}
	cname, err := cString("name", name)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cname))
	var c *C.ser_handle
	err = call(func() C.int { return C.ser_child(&c, h, cname) })
	runtime.KeepAlive(f)
	if err != nil {
		return nil, err
	}
	return newFile(c, f.writer, f.root, f), nil
}

// Path is the key prefix: "" for a root, "a/b/" for a child.
func (f *File) Path() string {
	h, err := f.handle()
	if err != nil {
		return ""
	}
	var p *C.char
	if C.ser_get_path(&p, h) != C.SER_OK {
		return ""
	}
	s := C.GoString(p)
	runtime.KeepAlive(f)
	return s
}

// cString converts a key or name; the caller frees it.
func cString(what, s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, bindingError("%s %q contains a NUL byte", what, s)
	}
	return C.CString(s), nil
}

// withKey runs a call on the open handle with key as a C string, reading the error on the same
// OS thread and keeping f (and so its handle) alive until the call has returned.
func (f *File) withKey(key string, fn func(h *C.ser_handle, k *C.char) C.int) error {
	h, err := f.handle()
	if err != nil {
		return err
	}
	k, err := cString("key", key)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(k))
	err = call(func() C.int { return fn(h, k) })
	runtime.KeepAlive(f)
	return err
}
