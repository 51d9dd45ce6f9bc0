package chainerser

/*
#include <chainerser/chainerser.h>
#include <chainerser/hdf5.h>
*/
import "C"

import (
	"runtime"
)

// HeaderVersionNumber is SER_VERSION_NUMBER of the headers this package was compiled against.
const HeaderVersionNumber = C.SER_VERSION_NUMBER

// Version is the library's runtime version, "major.minor.patch".
func Version() string { return C.GoString(C.ser_version_string()) }

// VersionParts is the library's runtime version as numbers.
func VersionParts() (major, minor, patch int) {
	return int(C.ser_version_major()), int(C.ser_version_minor()), int(C.ser_version_patch())
}

// VersionNumber is the runtime version as major*10000 + minor*100 + patch.
func VersionNumber() int { return int(C.ser_version_number()) }

// LockH5 takes the process-wide lock every HDF5 call of the library is made under (ser_h5_lock),
// for a program that calls HDF5 itself. The lock is per OS thread and recursive, so LockH5 locks
// the goroutine to its thread until the returned unlock is called, from the same goroutine.
func LockH5() (unlock func() error, err error) {
	runtime.LockOSThread()
	if err := call(func() C.int { return C.ser_h5_lock() }); err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	return func() error {
		err := call(func() C.int { return C.ser_h5_unlock() })
		runtime.UnlockOSThread()
		return err
	}, nil
}

// CopyEntry copies the entry key of src to the same key under f (e.g. NPZ to HDF5), keeping
// dtype, byte order, shape, None and strings (ser_copy_entry).
func (f *File) CopyEntry(src *File, key string) error {
	s, err := src.handle()
	if err != nil {
		return err
	}
	err = f.withKey(key, func(h *C.ser_handle, k *C.char) C.int { return C.ser_copy_entry(h, s, k) })
	runtime.KeepAlive(src)
	return err
}

// CopyAll copies every entry under src's prefix to f, losslessly (ser_copy_all).
func (f *File) CopyAll(src *File) error {
	s, err := src.handle()
	if err != nil {
		return err
	}
	err = f.withKey("", func(h *C.ser_handle, _ *C.char) C.int { return C.ser_copy_all(h, s) })
	runtime.KeepAlive(src)
	return err
}
