package chainerser

/*
#include <chainerser/chainerser.h>
*/
import "C"

import (
	"fmt"
	"runtime"
)

// Code is a libchainerser status code (a negative ser_error value).
type Code int

// The library's pinned status codes. An unknown negative code is a generic error.
const (
	ErrNotFound    Code = C.SER_ENOTFOUND
	ErrExists      Code = C.SER_EEXISTS
	ErrInvalid     Code = C.SER_EINVAL
	ErrMismatch    Code = C.SER_EMISMATCH
	ErrBufSize     Code = C.SER_EBUFSIZE
	ErrFormat      Code = C.SER_EFORMAT
	ErrIO          Code = C.SER_EIO
	ErrNoMemory    Code = C.SER_ENOMEM
	ErrUnsupported Code = C.SER_EUNSUPPORTED
	ErrInternal    Code = C.SER_EINTERNAL
	ErrLimit       Code = C.SER_ELIMIT
)

// Error implements error so that errors.Is(err, chainerser.ErrNotFound) works.
func (c Code) Error() string { return C.GoString(C.ser_strerror(C.int(c))) }

// Error is a failed call: the status code and the library's message, which names the file, the
// key and the cause.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("chainerser: %s (%s)", e.Message, e.Code.Error())
}

// Is matches a Code: errors.Is(err, chainerser.ErrMismatch).
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// Unwrap gives the Code.
func (e *Error) Unwrap() error { return e.Code }

// call runs one C call and, if it fails, reads ser_errmsg on the same OS thread: the message is
// thread-local in C, and the Go scheduler could otherwise move the goroutine in between.
func call(fn func() C.int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if rc := fn(); rc != C.SER_OK {
		return &Error{Code: Code(rc), Message: C.GoString(C.ser_errmsg())}
	}
	return nil
}

// bindingError is an error the binding raises before calling the library.
func bindingError(format string, args ...interface{}) error {
	return &Error{Code: ErrInvalid, Message: fmt.Sprintf(format, args...)}
}
