package chainerser

/*
#include <chainerser/chainerser.h>
#include <chainerser/hdf5.h>
*/
import "C"

import (
	"unsafe"
)

type slabFunc func(oc *C.int32_t, h *C.ser_handle, k *C.char, dtype C.int32_t, nd C.int32_t,
	offset, count *C.int64_t, buf unsafe.Pointer, n C.size_t) C.int

// GetSlab reads the block offset .. offset+count of key (NPZ or HDF5) into dst, which holds
// count elements per dimension in C order (ser_get_array_slab). Only the chunks the block
// overlaps are read from an HDF5 file, only its bytes from a stored NPZ member.
func GetSlab[T Element](f *File, key string, offset, count []int64, dst []T) (Outcome, error) {
	return getSlab(f, key, offset, count, dst, func(oc *C.int32_t, h *C.ser_handle, k *C.char, dt, nd C.int32_t,
		off, cnt *C.int64_t, p unsafe.Pointer, n C.size_t) C.int {
		return C.ser_get_array_slab(oc, h, k, dt, nd, off, cnt, p, n)
	})
}

// GetSlabOrder is GetSlab with dst in memory order order (ser_get_array_slab_ex): with OrderF,
// dst holds the block column-major (a Fortran array of extents count); offset and count stay in
// numpy's axes.
func GetSlabOrder[T Element](f *File, key string, offset, count []int64, order Order, dst []T) (Outcome, error) {
	return getSlab(f, key, offset, count, dst, func(oc *C.int32_t, h *C.ser_handle, k *C.char, dt, nd C.int32_t,
		off, cnt *C.int64_t, p unsafe.Pointer, n C.size_t) C.int {
		return C.ser_get_array_slab_ex(oc, h, k, dt, nd, off, cnt, C.int32_t(order), p, n)
	})
}

// GetH5Slab is GetSlab through the HDF5-only ser_h5_get_array: an NPZ file is ErrInvalid.
func GetH5Slab[T Element](f *File, key string, offset, count []int64, dst []T) (Outcome, error) {
	return getSlab(f, key, offset, count, dst, func(oc *C.int32_t, h *C.ser_handle, k *C.char, dt, nd C.int32_t,
		off, cnt *C.int64_t, p unsafe.Pointer, n C.size_t) C.int {
		return C.ser_h5_get_array(oc, h, k, dt, nd, off, cnt, p, n)
	})
}

func getSlab[T Element](f *File, key string, offset, count []int64, dst []T, read slabFunc) (Outcome, error) {
	if len(offset) != len(count) {
		return 0, bindingError("offset has %d dimensions, count %d", len(offset), len(count))
	}
	p, n := dataArg(dst)
	off, _ := shapeArg(offset)
	cnt, nd := shapeArg(count)
	var outcome C.int32_t
	err := f.withKey(key, func(h *C.ser_handle, k *C.char) C.int {
		return read(&outcome, h, k, C.int32_t(dtypeOf[T]()), nd, off, cnt, p, n)
	})
	return Outcome(outcome), err
}
