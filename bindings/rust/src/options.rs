//! Open options (`ser_options`): what readers and writers accept, and their C form.
use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::handle::key;
use crate::sys;

/// How a read may convert the file's dtype to the requested one (`ser_cast`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cast {
    /// dtypes must be equal (byte order and memory order are always converted)
    #[default]
    No,
    /// numpy `can_cast(..., 'safe')`
    Safe,
    /// numpy `'same_kind'`, what Chainer's `numpy.copyto` allows
    SameKind,
}

/// A predicate on full keys (path included): `true` skips the key (`ser_options.ignore_fn`).
/// The library may call it from its worker threads during batched reads, hence `Send + Sync`.
pub type IgnoreFn = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// What a root keeps alive for the library while its handle is open (the ignore predicate).
pub(crate) type Keep = Option<Box<IgnoreFn>>;

/// The safety limits of a reader (`ser_options.max_*`). `Default` is the library's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest npy header accepted.
    pub max_header_bytes: u64,
    /// Largest decoded entry accepted; 0 = no limit but the file's.
    pub max_entry_bytes: u64,
    /// Most zip members accepted; 0 = no limit.
    pub max_members: u64,
    /// Most bytes a deflated member may claim per compressed byte; 0 = no limit.
    pub max_inflate_ratio: u32,
    /// Most decoded bytes the reader and its children may read in all; 0 = no limit.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        let o = default_options();
        Limits {
            max_header_bytes: o.max_header_bytes,
            max_entry_bytes: o.max_entry_bytes,
            max_members: o.max_members,
            max_inflate_ratio: o.max_inflate_ratio,
            max_total_bytes: o.max_total_bytes,
        }
    }
}

/// Options for opening a file for reading (Chainer's `load_npz(path=, strict=, ignore_names=)`,
/// plus the library's threads and limits).
#[derive(Clone)]
pub struct ReadOptions {
    /// A missing key is an error (true, the default) or leaves the target alone.
    pub strict: bool,
    pub cast: Cast,
    /// Raw key prefix, as Chainer's `path` argument (e.g. `"updater/model:main/"`).
    pub path: String,
    /// Full keys to skip.
    pub ignore_names: Vec<String>,
    /// Keys to skip, decided by a predicate (together with `ignore_names`).
    pub ignore: Option<IgnoreFn>,
    /// Worker threads for decompression; 0 is one per core.
    pub threads: u32,
    pub limits: Limits,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            strict: true,
            cast: Cast::No,
            path: String::new(),
            ignore_names: Vec::new(),
            ignore: None,
            threads: 0,
            limits: Limits::default(),
        }
    }
}

impl fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadOptions")
            .field("strict", &self.strict)
            .field("cast", &self.cast)
            .field("path", &self.path)
            .field("ignore_names", &self.ignore_names)
            .field("ignore", &self.ignore.as_ref().map(|_| "Fn(&str) -> bool"))
            .field("threads", &self.threads)
            .field("limits", &self.limits)
            .finish()
    }
}

/// Options for creating a file.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Compress (the default) or store.
    pub compress: bool,
    /// Deflate level 0-9; `None` is the backend's default.
    pub level: Option<u32>,
    /// Worker threads for compression; 0 is one per core.
    pub threads: u32,
    /// NPZ: start every stored member's data on a 64-byte file offset (aligned views).
    pub align_data: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions { compress: true, level: None, threads: 0, align_data: false }
    }
}

pub(crate) fn default_options() -> sys::ser_options {
    let mut o = std::mem::MaybeUninit::<sys::ser_options>::uninit();
    // SAFETY: ser_options_init fills every field.
    unsafe {
        sys::ser_options_init(o.as_mut_ptr(), sys::SER_OPTIONS_VERSION);
        o.assume_init()
    }
}

fn threads(n: u32) -> Result<i32> {
    i32::try_from(n).map_err(|_| Error::invalid("too many threads"))
}

impl WriteOptions {
    pub(crate) fn raw(&self) -> Result<sys::ser_options> {
        let mut o = default_options();
        o.compress = self.compress as i32;
        o.compression_level = match self.level {
            None => -1,
            Some(l) => i32::try_from(l).map_err(|_| Error::invalid("compression level too large"))?,
        };
        o.threads = threads(self.threads)?;
        o.align_data = self.align_data as i32;
        Ok(o)
    }
}

/// The C form of [`ReadOptions`] with the strings it points into; valid while this lives.
pub(crate) struct RawReadOptions {
    pub(crate) opts: sys::ser_options,
    _path: CString,
    _names: Vec<CString>,
    _name_ptrs: Vec<*const c_char>,
    /// The predicate `opts.ignore_ctx` points at; the root must keep it after the open.
    pub(crate) keep: Keep,
}

unsafe extern "C" fn ignore_trampoline(key: *const c_char, ctx: *mut c_void) -> c_int {
    // SAFETY: ctx is the Box<IgnoreFn> the root keeps alive; key is a NUL-terminated string.
    let f = unsafe { &*(ctx as *const IgnoreFn) };
    let key = unsafe { CStr::from_ptr(key) }.to_string_lossy();
    // A panic must not unwind into C: it counts as "not ignored".
    catch_unwind(AssertUnwindSafe(|| f(&key))).map_or(0, c_int::from)
}

impl ReadOptions {
    pub(crate) fn raw(&self) -> Result<RawReadOptions> {
        let path = key(&self.path)?;
        let names: Vec<CString> = self.ignore_names.iter().map(|k| key(k)).collect::<Result<_>>()?;
        let name_ptrs: Vec<*const c_char> = names.iter().map(|k| k.as_ptr()).collect();
        let keep: Keep = self.ignore.clone().map(Box::new);
        let mut o = default_options();
        o.strict = self.strict as i32;
        o.cast = self.cast as i32;
        o.path = path.as_ptr();
        o.ignore_names = if name_ptrs.is_empty() { ptr::null() } else { name_ptrs.as_ptr() };
        o.ignore_count = name_ptrs.len();
        if let Some(f) = &keep {
            o.ignore_fn = Some(ignore_trampoline);
            o.ignore_ctx = &**f as *const IgnoreFn as *mut c_void;
        }
        o.threads = threads(self.threads)?;
        o.max_header_bytes = self.limits.max_header_bytes;
        o.max_entry_bytes = self.limits.max_entry_bytes;
        o.max_members = self.limits.max_members;
        o.max_inflate_ratio = self.limits.max_inflate_ratio;
        o.max_total_bytes = self.limits.max_total_bytes;
        Ok(RawReadOptions { opts: o, _path: path, _names: names, _name_ptrs: name_ptrs, keep })
    }
}
