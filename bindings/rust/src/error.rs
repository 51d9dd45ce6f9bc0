use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::c_int;

use crate::sys;

/// What went wrong, from the library's status code. Unknown (newer) codes map to `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    NotFound,
    Exists,
    InvalidArgument,
    Mismatch,
    BufferTooSmall,
    Format,
    Io,
    NoMemory,
    Unsupported,
    Internal,
    Limit,
    Other,
}

/// A failed libchainerser call: its status code and the thread's `ser_errmsg()` text, which names
/// the file, the key and the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: i32,
    message: String,
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The `ser_error` code (negative).
    pub fn code(&self) -> i32 {
        self.code
    }
    /// The library's message for the failed call.
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn kind(&self) -> ErrorKind {
        match self.code {
            sys::SER_ENOTFOUND => ErrorKind::NotFound,
            sys::SER_EEXISTS => ErrorKind::Exists,
            sys::SER_EINVAL => ErrorKind::InvalidArgument,
            sys::SER_EMISMATCH => ErrorKind::Mismatch,
            sys::SER_EBUFSIZE => ErrorKind::BufferTooSmall,
            sys::SER_EFORMAT => ErrorKind::Format,
            sys::SER_EIO => ErrorKind::Io,
            sys::SER_ENOMEM => ErrorKind::NoMemory,
            sys::SER_EUNSUPPORTED => ErrorKind::Unsupported,
            sys::SER_EINTERNAL => ErrorKind::Internal,
            sys::SER_ELIMIT => ErrorKind::Limit,
            _ => ErrorKind::Other,
        }
    }
    /// An error raised by the binding itself before calling the library (e.g. a NUL in a key).
    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::new(sys::SER_EINVAL, message)
    }
    /// An error with the library's `code` found by the binding (e.g. a view of the wrong dtype).
    pub(crate) fn new(code: c_int, message: impl Into<String>) -> Error {
        Error { code, message: message.into() }
    }
    /// The library's static text for a code (`ser_strerror`).
    pub(crate) fn strerror(code: c_int) -> String {
        // SAFETY: ser_strerror returns static text for every code, never NULL.
        unsafe { CStr::from_ptr(sys::ser_strerror(code)) }.to_string_lossy().into_owned()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, code {})", self.message, Error::strerror(self.code), self.code)
    }
}

impl std::error::Error for Error {}

/// Turns a status code into a `Result`, reading `ser_errmsg()` right away on the calling thread
/// (the message is thread-local and cleared by the next call).
pub(crate) fn check(rc: c_int) -> Result<()> {
    if rc == sys::SER_OK {
        return Ok(());
    }
    // SAFETY: ser_errmsg never returns NULL; the text is copied before any other call.
    let message = unsafe { CStr::from_ptr(sys::ser_errmsg()) }.to_string_lossy().into_owned();
    Err(Error { code: rc, message })
}

/// A key, name or path as a C string; an interior NUL is an invalid argument.
pub(crate) fn c_string(what: &str, s: impl Into<Vec<u8>>) -> Result<CString> {
    CString::new(s).map_err(|_| Error::invalid(format!("{what} contains a NUL byte")))
}
