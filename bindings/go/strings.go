package chainerser

/*
#include <chainerser/chainerser.h>
*/
import "C"

import (
	"fmt"
	"unicode/utf8"
	"unsafe"
)

// Fixed-width string arrays (numpy <U n, UCS-4, and |S n, bytes) and bytes scalars, through
// ser_put_array_ex (which carries the width) and ser_get_array (the width comes from
// ser_get_info). As in NumPy, each element is padded with NULs to the width, and reading strips
// an element's trailing NULs.

// PutStrings writes a numpy <U n array (shape and order as Put): n is the most code points of any
// element, at least 1, as numpy.array(list_of_str) makes it. Every element must be valid UTF-8.
// HDF5 stores them as h5py's variable-length UTF-8 strings, or as fixed-length UTF-8 when one
// holds a NUL, with the exact <U n in an attribute (docs/on-disk-layout.md).
func PutStrings(f *File, key string, shape []int64, data []string) error {
	width := 1
	for i, s := range data {
		if !utf8.ValidString(s) {
			return bindingError("key '%s': element %d is not valid UTF-8", key, i)
		}
		if n := utf8.RuneCountInString(s); n > width {
			width = n
		}
	}
	units := make([]uint32, width*len(data))
	for i, s := range data {
		at := i * width
		for _, r := range s {
			units[at] = uint32(r)
			at++
		}
	}
	return putEx(f, key, Unicode, shape, width*4, OrderC, units)
}

// PutByteStrings writes a numpy |S n array: n is the longest element's length, at least 1.
func PutByteStrings(f *File, key string, shape []int64, data [][]byte) error {
	width := 1
	for _, b := range data {
		if len(b) > width {
			width = len(b)
		}
	}
	bytes := make([]byte, width*len(data))
	for i, b := range data {
		copy(bytes[i*width:], b)
	}
	return putEx(f, key, Bytes, shape, width, OrderC, bytes)
}

// GetStrings reads a <U n array (or an HDF5 string dataset) with its stored shape; nil for None
// or a skipped key. Any other dtype is ErrMismatch.
func GetStrings(f *File, key string) (*Array[string], error) {
	info, units, err := getText[uint32](f, key, Unicode)
	if units == nil {
		return nil, err
	}
	a := &Array[string]{Shape: info.Shape, Data: make([]string, info.Count)}
	for i, element := range elements(units, int(info.ItemSize/4), len(a.Data)) {
		runes := make([]rune, len(element))
		for j, u := range element {
			if !utf8.ValidRune(rune(u)) {
				return nil, &Error{Code: ErrFormat, Message: fmt.Sprintf(
					"key '%s%s': element %d holds %#x, not a Unicode scalar value", f.Path(), key, i, u)}
			}
			runes[j] = rune(u)
		}
		a.Data[i] = string(runes)
	}
	return a, nil
}

// GetByteStrings reads a |S n array with its stored shape; nil for None or a skipped key. Any
// other dtype is ErrMismatch.
func GetByteStrings(f *File, key string) (*Array[[]byte], error) {
	info, bytes, err := getText[byte](f, key, Bytes)
	if bytes == nil {
		return nil, err
	}
	return &Array[[]byte]{Shape: info.Shape, Data: elements(bytes, int(info.ItemSize), int(info.Count))}, nil
}

// PutBytes writes a Python bytes value (a 0-d |S n; empty is |S1, as numpy.asarray(b”)).
func (f *File) PutBytes(key string, v []byte) error {
	p, n := dataArg(v)
	return f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_put_bytes(h, k, p, n) })
}

// GetBytes reads a Python bytes value (a 0-d or one-element |S n), trailing NULs removed as NumPy
// does; ok is false if the file holds None or the key was skipped. Any other dtype or size is
// ErrMismatch.
func (f *File) GetBytes(key string) (v []byte, ok bool, err error) {
	a, err := GetByteStrings(f, key)
	if a == nil {
		return nil, false, err
	}
	if len(a.Data) != 1 {
		return nil, false, &Error{Code: ErrMismatch, Message: fmt.Sprintf(
			"key '%s%s': shape %v holds %d elements, not one bytes value", f.Path(), key, a.Shape, len(a.Data))}
	}
	return a.Data[0], true, nil
}

// getText reads the stored elements of a string entry as units of T (native byte order); the
// units are nil for None or a skipped key.
func getText[T any](f *File, key string, dtype DType) (Info, []T, error) {
	info, err := f.Info(key)
	if err != nil || info.DType == None {
		return info, nil, err
	}
	// Sized from the stored entry: if its dtype is another, the library says so (naming the key)
	// before it looks at the buffer.
	var zero T
	units := make([]T, info.NBytes/uint64(unsafe.Sizeof(zero)))
	outcome, err := getInto(f, key, dtype, info.Shape, OrderC, units)
	if err != nil || outcome != Loaded {
		return info, nil, err
	}
	return info, units, nil
}

// elements splits units into count elements of width units each, every one without its trailing
// NULs (the slices share units' memory).
func elements[T uint32 | byte](units []T, width, count int) [][]T {
	out := make([][]T, count)
	for i := range out {
		element := units[i*width : (i+1)*width]
		end := len(element)
		for end > 0 && element[end-1] == 0 {
			end--
		}
		out[i] = element[:end:end]
	}
	return out
}
