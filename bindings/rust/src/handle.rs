//! The owned raw handle shared by readers and writers, and the conversions every call needs.
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::{self, NonNull};

use crate::error::{c_string, check, Error, Result};
use crate::sys;

/// Owns one `ser_handle`. Dropping it calls `ser_discard`: a root writer that was never closed is
/// abandoned (the old file, if any, stays as it was), everything else is simply released.
pub(crate) struct Raw(NonNull<sys::ser_handle>);

impl Raw {
    pub(crate) fn ptr(&self) -> *mut sys::ser_handle {
        self.0.as_ptr()
    }

    /// Runs an opening call that fills `*out`, and takes ownership of the result.
    pub(crate) fn from_call(call: impl FnOnce(*mut *mut sys::ser_handle) -> i32) -> Result<Raw> {
        let mut out: *mut sys::ser_handle = ptr::null_mut();
        check(call(&mut out))?;
        NonNull::new(out).map(Raw).ok_or_else(|| Error::invalid("the library returned a NULL handle"))
    }

    pub(crate) fn open(
        open: unsafe extern "C" fn(
            *mut *mut sys::ser_handle,
            *const c_char,
            i32,
            *const sys::ser_options,
        ) -> i32,
        path: &Path, mode: i32, opts: &sys::ser_options,
    ) -> Result<Raw> {
        let path = c_string("path", path.as_os_str().as_bytes())?;
        // SAFETY: every pointer is valid for the call; the library copies the options.
        Raw::from_call(|out| unsafe { open(out, path.as_ptr(), mode, opts) })
    }

    pub(crate) fn child(&self, name: &str) -> Result<Raw> {
        let name = c_string("name", name)?;
        // SAFETY: self is open; the child is owned by the returned Raw.
        Raw::from_call(|out| unsafe { sys::ser_child(out, self.ptr(), name.as_ptr()) })
    }

    pub(crate) fn path(&self) -> String {
        let mut out: *const c_char = ptr::null();
        // SAFETY: the string lives while the handle is open; it is copied at once.
        if unsafe { sys::ser_get_path(&mut out, self.ptr()) } != sys::SER_OK || out.is_null() {
            return String::new();
        }
        unsafe { CStr::from_ptr(out) }.to_string_lossy().into_owned()
    }

    /// `ser_close`: commits a root writer. The handle is freed whatever the result.
    pub(crate) fn close(self) -> Result<()> {
        let p = self.ptr();
        std::mem::forget(self);
        // SAFETY: p is owned and released exactly once here.
        check(unsafe { sys::ser_close(p) })
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        // SAFETY: the handle is owned and released exactly once.
        unsafe { sys::ser_discard(self.ptr()) }
    }
}

/// A key as a C string.
pub(crate) fn key(key: &str) -> Result<CString> {
    c_string("key", key)
}

/// A shape as the library's `int64_t` extents.
pub(crate) fn shape_i64(shape: &[usize]) -> Result<Vec<i64>> {
    if shape.len() > sys::SER_MAX_NDIM {
        return Err(Error::invalid(format!(
            "{} dimensions, at most {} allowed",
            shape.len(),
            sys::SER_MAX_NDIM
        )));
    }
    shape.iter().map(|&d| i64::try_from(d).map_err(|_| Error::invalid("extent too large"))).collect()
}

/// The host's `ser_byteorder` (`SER_LITTLE` 1 or `SER_BIG` 2).
pub(crate) fn native_byteorder() -> i32 {
    if cfg!(target_endian = "little") {
        1
    } else {
        2
    }
}

/// What a read did to the caller's buffer (`ser_outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The buffer was filled from the file.
    Loaded,
    /// The file holds None; the buffer is untouched (Chainer keeps the target).
    WasNone,
    /// The key is absent and the reader is not strict; buffer untouched.
    SkippedMissing,
    /// The key matched the ignore list; buffer untouched.
    SkippedIgnored,
}

impl Outcome {
    pub(crate) fn from_raw(v: i32) -> Outcome {
        match v {
            1 => Outcome::WasNone,
            2 => Outcome::SkippedMissing,
            3 => Outcome::SkippedIgnored,
            _ => Outcome::Loaded,
        }
    }
}

/// What a file holds under a key, without its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrayInfo {
    pub dtype: crate::DType,
    /// Stored big-endian (`>`).
    pub big_endian: bool,
    /// Stored column-major (the library converts on reading).
    pub fortran_order: bool,
    /// The shape, numpy order. Empty for scalars and None.
    pub shape: Vec<usize>,
    pub itemsize: usize,
    /// Number of elements (1 for 0-d, 0 for None).
    pub count: usize,
    pub nbytes: usize,
}

impl ArrayInfo {
    pub(crate) fn from_raw(r: &sys::ser_array_info) -> ArrayInfo {
        let ndim = (r.ndim.max(0) as usize).min(sys::SER_MAX_NDIM);
        ArrayInfo {
            dtype: crate::DType::from_raw(r.dtype),
            big_endian: r.byteorder == 2,
            fortran_order: r.fortran_order != 0,
            shape: r.shape[..ndim].iter().map(|&d| d as usize).collect(),
            itemsize: r.itemsize as usize,
            count: r.count as usize,
            nbytes: r.nbytes as usize,
        }
    }
}

/// Declares a root type (owns the file, `Send`), its group (where the methods live, reached by
/// `Deref`) and its child type (`serializer["name"]`: borrows the parent, so it can neither
/// outlive the file nor move to another thread while the parent is used).
macro_rules! handle_family {
    ($(#[$rm:meta])* $root:ident, $(#[$gm:meta])* $group:ident, $(#[$cm:meta])* $child:ident) => {
        $(#[$rm])*
        pub struct $root {
            group: $group,
            // Dropped after the handle: the library may call into it until the handle is released.
            _keep: crate::options::Keep,
        }

        // SAFETY: a root and everything reachable from it are used by one thread at a time: the
        // children borrow it, and the root is not Sync.
        unsafe impl Send for $root {}

        $(#[$gm])*
        pub struct $group {
            raw: crate::handle::Raw,
        }

        $(#[$cm])*
        pub struct $child<'a> {
            group: $group,
            _parent: std::marker::PhantomData<&'a $group>,
        }

        impl std::ops::Deref for $root {
            type Target = $group;
            fn deref(&self) -> &$group {
                &self.group
            }
        }

        impl std::ops::Deref for $child<'_> {
            type Target = $group;
            fn deref(&self) -> &$group {
                &self.group
            }
        }

        impl $root {
            fn from_raw(raw: crate::handle::Raw, keep: crate::options::Keep) -> $root {
                $root { group: $group { raw }, _keep: keep }
            }
        }

        impl $group {
            pub(crate) fn h(&self) -> *mut crate::sys::ser_handle {
                self.raw.ptr()
            }

            /// The view at the sub-path `name` (Chainer's `serializer[name]`).
            pub fn child(&self, name: &str) -> crate::Result<$child<'_>> {
                Ok($child { group: $group { raw: self.raw.child(name)? }, _parent: std::marker::PhantomData })
            }

            /// The key prefix ("" for the root, "a/b/" for a child).
            pub fn path(&self) -> String {
                self.raw.path()
            }
        }
    };
}
pub(crate) use handle_family;
