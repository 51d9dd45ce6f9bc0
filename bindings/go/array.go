package chainerser

/*
#include <stdlib.h>
#include <chainerser/chainerser.h>
*/
import "C"

import (
	"unsafe"
)

// DType is a ser_dtype value.
type DType int32

const (
	Bool       DType = C.SER_BOOL
	Int8       DType = C.SER_INT8
	Int16      DType = C.SER_INT16
	Int32      DType = C.SER_INT32
	Int64      DType = C.SER_INT64
	Uint8      DType = C.SER_UINT8
	Uint16     DType = C.SER_UINT16
	Uint32     DType = C.SER_UINT32
	Uint64     DType = C.SER_UINT64
	Float16    DType = C.SER_FLOAT16
	Float32    DType = C.SER_FLOAT32
	Float64    DType = C.SER_FLOAT64
	Complex64  DType = C.SER_COMPLEX64
	Complex128 DType = C.SER_COMPLEX128
	Unicode    DType = C.SER_UNICODE
	Bytes      DType = C.SER_BYTES
	None       DType = C.SER_NONE
)

// String is numpy's name ("float32"), or "None".
func (d DType) String() string {
	if d == None {
		return "None"
	}
	if p := C.ser_dtype_name(C.int32_t(d)); p != nil {
		return C.GoString(p)
	}
	return "invalid"
}

// Element is a Go element type with a numpy dtype: the integer types, F16 (float16), float32,
// float64, complex64 and complex128 (numpy's, real part first). bool is left out on purpose: a
// file may hold bytes other than 0 and 1 (bool arrays have PutBools/GetBools, scalars
// PutBool/GetBool); strings have PutStrings/PutByteStrings.
type Element interface {
	int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | F16 | float32 | float64 |
		complex64 | complex128
}

// dtypeOf maps an element type to its dtype.
func dtypeOf[T Element]() DType {
	var zero T
	switch any(zero).(type) {
	case int8:
		return Int8
	case int16:
		return Int16
	case int32:
		return Int32
	case int64:
		return Int64
	case uint8:
		return Uint8
	case uint16:
		return Uint16
	case uint32:
		return Uint32
	case uint64:
		return Uint64
	case F16:
		return Float16
	case float32:
		return Float32
	case float64:
		return Float64
	case complex64:
		return Complex64
	case complex128:
		return Complex128
	}
	panic("unreachable: Element covers exactly the types above")
}

// Outcome tells what a read did to the caller's slice.
type Outcome int32

const (
	Loaded      Outcome = C.SER_LOADED       // filled from the file
	WasNone     Outcome = C.SER_WAS_NONE     // the file holds None; slice untouched
	SkipMissing Outcome = C.SER_SKIP_MISSING // key absent, reader not strict; slice untouched
	SkipIgnored Outcome = C.SER_SKIP_IGNORED // key in IgnoreNames; slice untouched
)

// Info describes an entry without its data.
type Info struct {
	DType        DType
	BigEndian    bool
	FortranOrder bool    // stored column-major (Get still reads C order; see GetOrder)
	Shape        []int64 // numpy order; empty for scalars and None
	ItemSize     uint64
	Count        uint64 // elements (1 for 0-d, 0 for None)
	NBytes       uint64
}

// Array is an n-d array: Shape in numpy order, Data in C order (row-major), or in the Order a
// GetOrder call asked for.
type Array[T any] struct {
	Shape []int64
	Data  []T
}

// Order is the memory order of the elements a read fills in (ser_order).
type Order int32

const (
	// OrderC is row-major: the last index varies fastest (numpy's default).
	OrderC Order = C.SER_ORDER_C
	// OrderF is column-major: the first index varies fastest, as in a Fortran array of the same
	// extents (for shape [m, n], Data[i+m*j] is a[i, j]); numpy's order='F'.
	OrderF Order = C.SER_ORDER_F
)

// shapeArg returns the C view of a shape (nil for 0-d). int64 holds no Go pointers, so cgo lets C
// read it for the duration of the call; C does not retain it.
func shapeArg(shape []int64) (*C.int64_t, C.int32_t) {
	if len(shape) == 0 {
		return nil, 0
	}
	return (*C.int64_t)(unsafe.Pointer(&shape[0])), C.int32_t(len(shape))
}

// dataArg returns the C view of a slice's elements (nil when empty) and its size in bytes.
func dataArg[T any](data []T) (unsafe.Pointer, C.size_t) {
	if len(data) == 0 {
		return nil, 0
	}
	var zero T
	return unsafe.Pointer(&data[0]), C.size_t(uintptr(len(data)) * unsafe.Sizeof(zero))
}

// Put writes data (C order) with shape (numpy order; empty for a scalar) under key. The library
// copies the data before returning.
func Put[T Element](f *File, key string, shape []int64, data []T) error {
	return put(f, key, dtypeOf[T](), shape, data)
}

// PutBools writes a bool array (numpy |b1), shape and order as Put.
func PutBools(f *File, key string, shape []int64, data []bool) error {
	return put(f, key, Bool, shape, data) // a Go bool is one byte, 0 or 1: numpy's layout
}

// PutOrder is Put with data in memory order order: with OrderF, data is the column-major layout
// of the array of numpy shape shape (np.asfortranarray(a)), which an NPZ stores with
// fortran_order True and HDF5 transposes into C order (ser_put_array_ex).
func PutOrder[T Element](f *File, key string, shape []int64, data []T, order Order) error {
	return putEx(f, key, dtypeOf[T](), shape, 0, order, data)
}

// PutBoolsOrder is PutBools with data in memory order order (as PutOrder).
func PutBoolsOrder(f *File, key string, shape []int64, data []bool, order Order) error {
	return putEx(f, key, Bool, shape, 0, order, data)
}

// putEx is ser_put_array_ex; itemsize is read for Unicode and Bytes only.
func putEx[T any](f *File, key string, dtype DType, shape []int64, itemsize int, order Order, data []T) error {
	if len(shape) > C.SER_MAX_NDIM {
		return bindingError("key '%s': %d dimensions, at most %d allowed", key, len(shape), C.SER_MAX_NDIM)
	}
	// The byte order is ignored for one-byte dtypes.
	info := C.ser_array_info{dtype: C.int32_t(dtype), byteorder: nativeByteOrder(), fortran_order: C.int32_t(order),
		ndim: C.int32_t(len(shape)), itemsize: C.uint64_t(itemsize)}
	for i, d := range shape {
		info.shape[i] = C.int64_t(d)
	}
	p, n := dataArg(data)
	return f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_put_array_ex(h, k, &info, p, n) })
}

func put[T any](f *File, key string, dtype DType, shape []int64, data []T) error {
	p, n := dataArg(data)
	s, nd := shapeArg(shape)
	return f.withKey(key, func(h *C.ser_handle, k *C.char) C.int {
		return C.ser_put_array(h, k, C.int32_t(dtype), nd, s, p, n)
	})
}

// GetInto reads key into dst (C order) with Chainer's load semantics: the stored shape must equal
// shape. dst is untouched unless the outcome is Loaded.
func GetInto[T Element](f *File, key string, shape []int64, dst []T) (Outcome, error) {
	return getInto(f, key, dtypeOf[T](), shape, OrderC, dst)
}

// GetIntoOrder is GetInto with dst in memory order order (ser_get_array_ex): with OrderF, dst
// receives the column-major layout of the stored array whatever order the file stores; shape is
// the numpy shape in both orders.
func GetIntoOrder[T Element](f *File, key string, shape []int64, order Order, dst []T) (Outcome, error) {
	return getInto(f, key, dtypeOf[T](), shape, order, dst)
}

// GetBoolsInto is GetInto for a bool array; any non-zero byte in the file reads as true.
func GetBoolsInto(f *File, key string, shape []int64, dst []bool) (Outcome, error) {
	raw := make([]uint8, len(dst))
	outcome, err := getInto(f, key, Bool, shape, OrderC, raw)
	if err == nil && outcome == Loaded {
		copy(dst, toBools(raw))
	}
	return outcome, err
}

func getInto[T any](f *File, key string, dtype DType, shape []int64, order Order, dst []T) (Outcome, error) {
	p, n := dataArg(dst)
	s, nd := shapeArg(shape)
	var outcome C.int32_t
	err := f.withKey(key, func(h *C.ser_handle, k *C.char) C.int {
		return C.ser_get_array_ex(&outcome, h, k, C.int32_t(dtype), nd, s, C.int32_t(order), p, n)
	})
	return Outcome(outcome), err
}

// Get reads a whole array with its stored shape. It returns nil (and no error) when the file
// holds None or the key was skipped.
func Get[T Element](f *File, key string) (*Array[T], error) {
	return getWhole[T](f, key, dtypeOf[T](), OrderC)
}

// GetOrder is Get with Data in memory order order: with OrderF, the column-major layout of the
// stored array (numpy's np.asfortranarray(a).ravel(order='K')), whatever order the file stores.
// Shape stays numpy's.
func GetOrder[T Element](f *File, key string, order Order) (*Array[T], error) {
	return getWhole[T](f, key, dtypeOf[T](), order)
}

// GetBools reads a whole bool array (numpy |b1) with its stored shape; nil for None or a skipped
// key. Any non-zero byte in the file reads as true.
func GetBools(f *File, key string) (*Array[bool], error) {
	return GetBoolsOrder(f, key, OrderC)
}

// GetBoolsOrder is GetBools with Data in memory order order (as GetOrder).
func GetBoolsOrder(f *File, key string, order Order) (*Array[bool], error) {
	a, err := getWhole[uint8](f, key, Bool, order)
	if a == nil {
		return nil, err
	}
	return &Array[bool]{Shape: a.Shape, Data: toBools(a.Data)}, nil
}

func getWhole[T any](f *File, key string, dtype DType, order Order) (*Array[T], error) {
	info, err := f.Info(key)
	if err != nil || info.DType == None {
		return nil, err
	}
	a := &Array[T]{Shape: info.Shape, Data: make([]T, info.Count)}
	outcome, err := getInto(f, key, dtype, a.Shape, order, a.Data)
	if err != nil || outcome != Loaded {
		return nil, err
	}
	return a, nil
}

func toBools(raw []uint8) []bool {
	out := make([]bool, len(raw))
	for i, b := range raw {
		out[i] = b != 0
	}
	return out
}

// Info describes key without reading its data.
func (f *File) Info(key string) (Info, error) {
	var ci C.ser_array_info
	err := f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_get_info(&ci, h, k) })
	if err != nil {
		return Info{}, err
	}
	return infoFromC(&ci), nil
}

func infoFromC(ci *C.ser_array_info) Info {
	info := Info{
		DType:        DType(ci.dtype),
		BigEndian:    ci.byteorder == C.SER_BIG,
		FortranOrder: ci.fortran_order != 0,
		Shape:        make([]int64, int(ci.ndim)),
		ItemSize:     uint64(ci.itemsize),
		Count:        uint64(ci.count),
		NBytes:       uint64(ci.nbytes),
	}
	for i := range info.Shape {
		info.Shape[i] = int64(ci.shape[i])
	}
	return info
}

// IsNone reports whether the file holds Chainer's None under key.
func (f *File) IsNone(key string) (bool, error) {
	info, err := f.Info(key)
	return err == nil && info.DType == None, err
}

// Has reports whether key exists.
func (f *File) Has(key string) (bool, error) {
	var out C.int
	err := f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_has(&out, h, k) })
	return out != 0, err
}

// Keys lists the keys under the file's prefix, relative to it, sorted.
func (f *File) Keys() ([]string, error) {
	var n C.size_t
	var keys []string
	err := f.withKey("", func(h *C.ser_handle, _ *C.char) C.int {
		if rc := C.ser_key_count(&n, h); rc != C.SER_OK {
			return rc
		}
		keys = make([]string, 0, int(n))
		for i := C.size_t(0); i < n; i++ {
			var p *C.char
			if rc := C.ser_key_at(&p, h, i); rc != C.SER_OK {
				return rc
			}
			keys = append(keys, C.GoString(p))
		}
		return C.SER_OK
	})
	return keys, err
}

// PutNone writes Chainer's None (an uninitialised parameter or a None persistent).
func (f *File) PutNone(key string) error {
	return f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_put_none(h, k) })
}

// PutInt64 writes a Python int (0-d int64).
func (f *File) PutInt64(key string, v int64) error {
	return f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_put_int64(h, k, C.int64_t(v)) })
}

// PutFloat64 writes a Python float (0-d float64).
func (f *File) PutFloat64(key string, v float64) error {
	return f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_put_float64(h, k, C.double(v)) })
}

// PutBool writes a Python bool.
func (f *File) PutBool(key string, v bool) error {
	b := C.int(0)
	if v {
		b = 1
	}
	return f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_put_bool(h, k, b) })
}

// PutString writes a Python str persistent (valid UTF-8, no NUL).
func (f *File) PutString(key, v string) error {
	cv, err := cString("string value", v)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cv))
	return f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_put_string(h, k, cv) })
}

// GetInt64 reads a scalar with Chainer's int rule; ok is false if the file holds None or the key
// was skipped.
func (f *File) GetInt64(key string) (v int64, ok bool, err error) {
	var out C.int64_t
	var outcome C.int32_t
	err = f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_get_int64(&out, &outcome, h, k) })
	return int64(out), err == nil && outcome == C.SER_LOADED, err
}

// GetFloat64 reads a scalar with Chainer's float rule.
func (f *File) GetFloat64(key string) (v float64, ok bool, err error) {
	var out C.double
	var outcome C.int32_t
	err = f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_get_float64(&out, &outcome, h, k) })
	return float64(out), err == nil && outcome == C.SER_LOADED, err
}

// GetBool reads a scalar bool.
func (f *File) GetBool(key string) (v bool, ok bool, err error) {
	var out C.int
	var outcome C.int32_t
	err = f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_get_bool(&out, &outcome, h, k) })
	return out != 0, err == nil && outcome == C.SER_LOADED, err
}

// GetString reads a 0-d string as UTF-8.
func (f *File) GetString(key string) (v string, ok bool, err error) {
	var size C.size_t
	var outcome C.int32_t
	err = f.withKey(key, func(h *C.ser_handle, k *C.char) C.int {
		if rc := C.ser_get_string(&size, &outcome, h, k, nil, 0); rc != C.SER_OK || outcome != C.SER_LOADED {
			return rc
		}
		buf := (*C.char)(C.malloc(size))
		defer C.free(unsafe.Pointer(buf))
		rc := C.ser_get_string(&size, &outcome, h, k, buf, size)
		if rc == C.SER_OK {
			v = C.GoString(buf)
		}
		return rc
	})
	return v, err == nil && outcome == C.SER_LOADED, err
}
