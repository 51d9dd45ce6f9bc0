//! Raw declarations of the C API in `chainerser/chainerser.h`, written by hand (no bindgen: the
//! crate has no dependencies). Names, types and values follow the header one to one.
#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_int, c_void};

pub const SER_OK: c_int = 0;
pub const SER_ENOTFOUND: c_int = -1;
pub const SER_EEXISTS: c_int = -2;
pub const SER_EINVAL: c_int = -3;
pub const SER_EMISMATCH: c_int = -4;
pub const SER_EBUFSIZE: c_int = -5;
pub const SER_EFORMAT: c_int = -6;
pub const SER_EIO: c_int = -7;
pub const SER_ENOMEM: c_int = -8;
pub const SER_EUNSUPPORTED: c_int = -9;

pub const SER_ORDER_C: i32 = 0;
pub const SER_ORDER_F: i32 = 1;
pub const SER_EINTERNAL: c_int = -10;
pub const SER_ELIMIT: c_int = -11;

pub const SER_READ: i32 = 1;
pub const SER_WRITE: i32 = 2;

pub const SER_MAX_NDIM: usize = 32;

/// Opaque `ser_handle`.
#[repr(C)]
pub struct ser_handle {
    _private: [u8; 0],
}

pub type ser_ignore_fn = Option<unsafe extern "C" fn(key: *const c_char, ctx: *mut c_void) -> c_int>;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct ser_options {
    pub version: u32,
    pub compress: i32,
    pub compression_level: i32,
    pub threads: i32,
    pub strict: i32,
    pub cast: i32,
    pub path: *const c_char,
    pub ignore_names: *const *const c_char,
    pub ignore_count: usize,
    pub ignore_fn: ser_ignore_fn,
    pub ignore_ctx: *mut c_void,
    pub max_header_bytes: u64,
    pub max_entry_bytes: u64,
    pub align_data: i32,
    pub max_members: u64,
    pub max_inflate_ratio: u32,
    pub max_total_bytes: u64,
}

/// The `ser_options` layout this crate declares (SER_OPTIONS_VERSION in chainerser.h).
pub const SER_OPTIONS_VERSION: u32 = 2;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct ser_array_info {
    pub dtype: i32,
    pub byteorder: i32,
    pub fortran_order: i32,
    pub ndim: i32,
    pub shape: [i64; SER_MAX_NDIM],
    pub itemsize: u64,
    pub count: u64,
    pub nbytes: u64,
}

/// One read of a `ser_get_arrays` batch.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ser_get_request {
    pub key: *const c_char,
    pub dtype: i32,
    pub ndim: i32,
    pub shape: *const i64,
    pub buf: *mut c_void,
    pub bufsize: usize,
    pub status: i32,
    pub outcome: i32,
}

extern "C" {
    pub fn ser_version_major() -> c_int;
    pub fn ser_version_minor() -> c_int;
    pub fn ser_version_patch() -> c_int;
    pub fn ser_version_string() -> *const c_char;
    pub fn ser_version_number() -> c_int;
    pub fn ser_errmsg() -> *const c_char;
    pub fn ser_strerror(code: c_int) -> *const c_char;
    pub fn ser_dtype_name(dtype: i32) -> *const c_char;
    pub fn ser_dtype_size(dtype: i32) -> usize;

    pub fn ser_options_init(opts: *mut ser_options, version: u32) -> c_int;
    pub fn ser_npz_open(
        out: *mut *mut ser_handle, path: *const c_char, mode: i32, opts: *const ser_options,
    ) -> c_int;
    pub fn ser_h5_open(
        out: *mut *mut ser_handle, path: *const c_char, mode: i32, opts: *const ser_options,
    ) -> c_int;
    pub fn ser_child(out: *mut *mut ser_handle, h: *mut ser_handle, name: *const c_char) -> c_int;
    pub fn ser_get_path(out: *mut *const c_char, h: *const ser_handle) -> c_int;
    pub fn ser_close(h: *mut ser_handle) -> c_int;
    pub fn ser_discard(h: *mut ser_handle);

    pub fn ser_put_array(
        h: *mut ser_handle, key: *const c_char, dtype: i32, ndim: i32, shape: *const i64,
        data: *const c_void, nbytes: usize,
    ) -> c_int;
    pub fn ser_put_array_ex(
        h: *mut ser_handle, key: *const c_char, info: *const ser_array_info, data: *const c_void,
        nbytes: usize,
    ) -> c_int;
    pub fn ser_put_none(h: *mut ser_handle, key: *const c_char) -> c_int;
    pub fn ser_put_int64(h: *mut ser_handle, key: *const c_char, value: i64) -> c_int;
    pub fn ser_put_float64(h: *mut ser_handle, key: *const c_char, value: f64) -> c_int;
    pub fn ser_put_bool(h: *mut ser_handle, key: *const c_char, value: c_int) -> c_int;
    pub fn ser_put_string(h: *mut ser_handle, key: *const c_char, utf8: *const c_char) -> c_int;
    pub fn ser_put_bytes(h: *mut ser_handle, key: *const c_char, data: *const c_void, size: usize) -> c_int;

    pub fn ser_has(out: *mut c_int, h: *mut ser_handle, key: *const c_char) -> c_int;
    pub fn ser_get_info(out: *mut ser_array_info, h: *mut ser_handle, key: *const c_char) -> c_int;
    pub fn ser_key_count(out: *mut usize, h: *mut ser_handle) -> c_int;
    pub fn ser_key_at(out: *mut *const c_char, h: *mut ser_handle, index: usize) -> c_int;
    pub fn ser_get_array(
        out_outcome: *mut i32, h: *mut ser_handle, key: *const c_char, dtype: i32, ndim: i32,
        shape: *const i64, buf: *mut c_void, bufsize: usize,
    ) -> c_int;
    pub fn ser_get_array_ex(
        out_outcome: *mut i32, h: *mut ser_handle, key: *const c_char, dtype: i32, ndim: i32,
        shape: *const i64, order: i32, buf: *mut c_void, bufsize: usize,
    ) -> c_int;
    pub fn ser_get_array_slab(
        out_outcome: *mut i32, h: *mut ser_handle, key: *const c_char, dtype: i32, ndim: i32,
        offset: *const i64, count: *const i64, buf: *mut c_void, bufsize: usize,
    ) -> c_int;
    pub fn ser_get_array_slab_ex(
        out_outcome: *mut i32, h: *mut ser_handle, key: *const c_char, dtype: i32, ndim: i32,
        offset: *const i64, count: *const i64, order: i32, buf: *mut c_void, bufsize: usize,
    ) -> c_int;
    pub fn ser_get_arrays(h: *mut ser_handle, requests: *mut ser_get_request, count: usize) -> c_int;
    pub fn ser_get_arrays_ex(
        h: *mut ser_handle, requests: *mut ser_get_request, count: usize, order: i32,
    ) -> c_int;
    pub fn ser_get_int64(
        out: *mut i64, out_outcome: *mut i32, h: *mut ser_handle, key: *const c_char,
    ) -> c_int;
    pub fn ser_get_float64(
        out: *mut f64, out_outcome: *mut i32, h: *mut ser_handle, key: *const c_char,
    ) -> c_int;
    pub fn ser_get_bool(
        out: *mut c_int, out_outcome: *mut i32, h: *mut ser_handle, key: *const c_char,
    ) -> c_int;
    pub fn ser_get_string(
        out_size: *mut usize, out_outcome: *mut i32, h: *mut ser_handle, key: *const c_char,
        buf: *mut c_char, bufsize: usize,
    ) -> c_int;

    pub fn ser_copy_entry(dst: *mut ser_handle, src: *mut ser_handle, key: *const c_char) -> c_int;
    pub fn ser_copy_all(dst: *mut ser_handle, src: *mut ser_handle) -> c_int;

    // chainerser/npz.h
    pub fn ser_npz_view(
        out: *mut *const c_void, out_info: *mut ser_array_info, h: *mut ser_handle, key: *const c_char,
    ) -> c_int;
}

// `chainerser/hdf5.h`: present only when the library's header declares it (see build.rs).
#[cfg(chainerser_h5_slab)]
extern "C" {
    pub fn ser_h5_get_array(
        out_outcome: *mut i32, h: *mut ser_handle, key: *const c_char, dtype: i32, ndim: i32,
        offset: *const i64, count: *const i64, buf: *mut c_void, bufsize: usize,
    ) -> c_int;
    pub fn ser_h5_lock() -> c_int;
    pub fn ser_h5_unlock() -> c_int;
}
