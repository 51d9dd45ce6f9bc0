package chainerser

/*
#include <chainerser/npz.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// View is a stored NPZ member seen in place, inside the reader's read-only mapping of the file
// (ser_npz_view): no copy, no CRC check.
//
// Lifetime rule: the data is valid until the root File is closed (Close, Discard, or its
// finalizer once neither the File nor the View is reachable). Data checks that the root is still
// open and panics otherwise; a slice kept from an earlier Data call must not be used after the
// Close, and the View (or the File) must stay reachable while the slice is used.
type View[T any] struct {
	Info // as stored: byte order and memory order may differ from the host's
	file *File
	data []T
}

// Data returns the viewed elements (C order, or column-major if FortranOrder). It panics once
// the root File is closed.
func (v *View[T]) Data() []T {
	if v.file.root.closed {
		panic("chainerser: View.Data after the root File was closed")
	}
	return v.data
}

// ViewBytes views the stored bytes of key, of any dtype. Only members stored without compression
// can be viewed (compressed is ErrUnsupported, None ErrMismatch); the file must be NPZ.
func (f *File) ViewBytes(key string) (*View[byte], error) {
	p, ci, err := f.npzView(key)
	if err != nil {
		return nil, err
	}
	return &View[byte]{Info: infoFromC(&ci), file: f, data: unsafe.Slice((*byte)(p), int(ci.nbytes))}, nil
}

// ViewOf views key as elements of T. Besides ViewBytes' rules the member must hold T's dtype in
// the host's byte order at an address aligned for T (write with AlignData); else ErrMismatch.
func ViewOf[T Element](f *File, key string) (*View[T], error) {
	p, ci, err := f.npzView(key)
	if err != nil {
		return nil, err
	}
	var zero T
	problem := ""
	switch {
	case DType(ci.dtype) != dtypeOf[T]():
		problem = fmt.Sprintf("is %v, not %v", DType(ci.dtype), dtypeOf[T]())
	case ci.byteorder != C.SER_BYTEORDER_NA && ci.byteorder != nativeByteOrder():
		problem = "is not in the host's byte order"
	case uintptr(p)%unsafe.Alignof(zero) != 0:
		problem = "is not aligned for its element type (write with AlignData)"
	}
	if problem != "" {
		return nil, &Error{Code: ErrMismatch, Message: fmt.Sprintf("view of key '%s': the stored data %s", key, problem)}
	}
	return &View[T]{Info: infoFromC(&ci), file: f, data: unsafe.Slice((*T)(p), int(ci.count))}, nil
}

func (f *File) npzView(key string) (unsafe.Pointer, C.ser_array_info, error) {
	var p unsafe.Pointer
	var ci C.ser_array_info
	err := f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_npz_view(&p, &ci, h, k) })
	return p, ci, err
}

func nativeByteOrder() C.int32_t {
	one := uint16(1)
	if *(*byte)(unsafe.Pointer(&one)) == 1 {
		return C.SER_LITTLE
	}
	return C.SER_BIG
}
