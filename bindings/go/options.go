package chainerser

/*
#include <stdlib.h>
#include <chainerser/chainerser.h>
*/
import "C"

import (
	"unsafe"
)

// ReadOptions are Chainer's load_npz/load_hdf5 arguments plus the library's threads and limits.
// The zero value is NOT the default; use nil for the defaults.
type ReadOptions struct {
	NonStrict   bool     // a missing key leaves the target alone instead of failing
	Cast        Cast     // how the file's dtype may be converted
	Path        string   // raw key prefix, e.g. "updater/model:main/"
	IgnoreNames []string // full keys to skip
	// Ignore, if set, skips the full keys (path included) for which it returns true. The library
	// may call it from its worker threads during GetMany, so it must be safe for concurrent use.
	Ignore  func(key string) bool
	Threads int     // worker threads for decompression; 0 is one per core
	Limits  *Limits // nil: the library's defaults (DefaultLimits)
}

// Limits are a reader's safety limits (ser_options.max_*); exceeding one is ErrLimit.
type Limits struct {
	MaxHeaderBytes  uint64 // largest npy header accepted
	MaxEntryBytes   uint64 // largest decoded entry; 0 = no limit but the file's
	MaxMembers      uint64 // most zip members; 0 = no limit
	MaxInflateRatio uint32 // most bytes a deflated member may claim per compressed byte; 0 = no limit
	MaxTotalBytes   uint64 // most decoded bytes the root and its children may read in all; 0 = no limit
}

// DefaultLimits returns the library's default limits.
func DefaultLimits() Limits {
	var o C.ser_options
	C.ser_options_init(&o, C.SER_OPTIONS_VERSION)
	return Limits{
		MaxHeaderBytes:  uint64(o.max_header_bytes),
		MaxEntryBytes:   uint64(o.max_entry_bytes),
		MaxMembers:      uint64(o.max_members),
		MaxInflateRatio: uint32(o.max_inflate_ratio),
		MaxTotalBytes:   uint64(o.max_total_bytes),
	}
}

// WriteOptions control compression. nil means compressed with the backend's default level.
type WriteOptions struct {
	Store     bool // do not compress
	Level     int  // deflate level 0-9; 0 with Store false means the backend default
	Threads   int  // worker threads for compression; 0 is one per core
	AlignData bool // NPZ: start every stored member's data on a 64-byte offset (aligned views)
}

// Cast is a ser_cast rule.
type Cast int32

const (
	CastNo       Cast = C.SER_CAST_NO
	CastSafe     Cast = C.SER_CAST_SAFE
	CastSameKind Cast = C.SER_CAST_SAME_KIND
)

func openRead(open openFunc, path string, opts *ReadOptions) (*File, error) {
	var o C.ser_options
	C.ser_options_init(&o, C.SER_OPTIONS_VERSION)
	var cstrs []*C.char
	defer func() {
		for _, s := range cstrs {
			C.free(unsafe.Pointer(s))
		}
	}()
	r := &root{}
	if opts != nil {
		if opts.NonStrict {
			o.strict = 0
		}
		o.cast = C.int32_t(opts.Cast)
		o.threads = C.int32_t(opts.Threads)
		o.path = C.CString(opts.Path)
		cstrs = append(cstrs, o.path)
		if n := len(opts.IgnoreNames); n > 0 {
			// The array of pointers lives in C memory: cgo forbids passing Go memory holding pointers.
			arr := (*[1 << 20]*C.char)(C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))[:n:n]
			defer C.free(unsafe.Pointer(&arr[0]))
			for i, name := range opts.IgnoreNames {
				arr[i] = C.CString(name)
				cstrs = append(cstrs, arr[i])
			}
			o.ignore_names = &arr[0]
			o.ignore_count = C.size_t(n)
		}
		if opts.Ignore != nil {
			r.ignore = newIgnoreFn(opts.Ignore)
			r.ignore.set(&o)
		}
		if l := opts.Limits; l != nil {
			o.max_header_bytes = C.uint64_t(l.MaxHeaderBytes)
			o.max_entry_bytes = C.uint64_t(l.MaxEntryBytes)
			o.max_members = C.uint64_t(l.MaxMembers)
			o.max_inflate_ratio = C.uint32_t(l.MaxInflateRatio)
			o.max_total_bytes = C.uint64_t(l.MaxTotalBytes)
		}
	}
	f, err := open1(open, path, C.SER_READ, &o, r)
	if err != nil {
		r.release()
	}
	return f, err
}

func openWrite(open openFunc, path string, opts *WriteOptions) (*File, error) {
	var o C.ser_options
	C.ser_options_init(&o, C.SER_OPTIONS_VERSION)
	if opts != nil {
		if opts.Store {
			o.compress = 0
		} else if opts.Level != 0 {
			o.compression_level = C.int32_t(opts.Level)
		}
		o.threads = C.int32_t(opts.Threads)
		if opts.AlignData {
			o.align_data = 1
		}
	}
	return open1(open, path, C.SER_WRITE, &o, &root{})
}
