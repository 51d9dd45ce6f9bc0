package chainerser

/*
#include <stdlib.h>
#include <string.h>
#include <chainerser/chainerser.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Request is one read of a GetMany batch, with GetInto's rules. GetMany sets Outcome and Err.
type Request struct {
	Key     string
	Outcome Outcome
	Err     error
	dtype   DType
	shape   []int64
	dst     []byte // the caller's slice, as bytes
}

// NewRequest asks for key (shape in numpy order) to be read into dst (C order).
func NewRequest[T Element](key string, shape []int64, dst []T) *Request {
	p, n := dataArg(dst)
	return &Request{Key: key, dtype: dtypeOf[T](), shape: shape, dst: unsafe.Slice((*byte)(p), int(n))}
}

// GetMany performs every request in one ser_get_arrays call, decompressing on the reader's worker
// threads (ReadOptions.Threads). Each request gets its own Outcome and Err; the returned error is
// the first failed request's (in slice order), which alone carries the library's full message.
//
// cgo forbids handing C memory that holds Go pointers, so the library reads into C buffers that
// are then copied to the callers' slices (only for Loaded requests: others stay untouched).
func (f *File) GetMany(requests []*Request) error {
	return f.GetManyOrder(requests, OrderC)
}

// GetManyOrder is GetMany with every request's slice in memory order order, as GetIntoOrder
// fills one (ser_get_arrays_ex).
func (f *File) GetManyOrder(requests []*Request, order Order) error {
	n := len(requests)
	if _, err := f.handle(); err != nil || n == 0 {
		for _, r := range requests {
			r.Err = err
		}
		return err
	}
	var total, dims uintptr
	for _, r := range requests {
		total += (uintptr(len(r.dst)) + 15) &^ 15
		dims += uintptr(len(r.shape))
	}
	block := C.malloc(C.size_t(uintptr(n)*unsafe.Sizeof(C.ser_get_request{}) + dims*8 + total + 16))
	defer C.free(block)
	reqs := unsafe.Slice((*C.ser_get_request)(block), n)
	shapes := unsafe.Slice((*C.int64_t)(unsafe.Add(block, uintptr(n)*unsafe.Sizeof(C.ser_get_request{}))), int(dims))
	bufs := unsafe.Add(block, (uintptr(n)*unsafe.Sizeof(C.ser_get_request{})+dims*8+15)&^15)
	keys := make([]*C.char, n)
	defer func() {
		for _, k := range keys {
			C.free(unsafe.Pointer(k))
		}
	}()
	for i, r := range requests {
		k, err := cString("key", r.Key)
		if err != nil {
			r.Err = err
			return err
		}
		keys[i] = k
		q := &reqs[i]
		*q = C.ser_get_request{key: k, dtype: C.int32_t(r.dtype), ndim: C.int32_t(len(r.shape)), bufsize: C.size_t(len(r.dst))}
		if len(r.shape) > 0 {
			copy(shapes, unsafe.Slice((*C.int64_t)(unsafe.Pointer(&r.shape[0])), len(r.shape)))
			q.shape = &shapes[0]
			shapes = shapes[len(r.shape):]
		}
		q.buf = bufs
		bufs = unsafe.Add(bufs, (uintptr(len(r.dst))+15)&^15)
	}
	first := f.withKey("", func(h *C.ser_handle, _ *C.char) C.int {
		return C.ser_get_arrays_ex(h, &reqs[0], C.size_t(n), C.int32_t(order))
	})
	reported := false
	for i, r := range requests {
		q := &reqs[i]
		r.Outcome, r.Err = Outcome(q.outcome), nil
		switch {
		case q.status == C.SER_OK:
			if r.Outcome == Loaded {
				copy(r.dst, unsafe.Slice((*byte)(q.buf), len(r.dst)))
			}
		case !reported && first != nil:
			r.Err, reported = first, true
		default:
			c := Code(q.status)
			r.Err = &Error{Code: c, Message: fmt.Sprintf("key '%s': %s", r.Key, c.Error())}
		}
	}
	return first
}
