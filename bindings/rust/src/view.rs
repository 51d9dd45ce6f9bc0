//! Zero-copy views of stored NPZ members (`ser_npz_view`), borrowed from the reader.
use std::os::raw::c_void;
use std::ptr;

use crate::error::{check, Error, Result};
use crate::handle::{key, native_byteorder, ArrayInfo};
use crate::{sys, Element, ReaderGroup};

/// An array's bytes inside the reader's read-only mapping of an NPZ file. It borrows the reader,
/// so it cannot outlive it. Not CRC-checked (use a read, or `chainerser verify`, for that).
#[derive(Debug, Clone)]
pub struct View<'r, T> {
    /// The elements as stored: C order, or column-major when `fortran_order` is set.
    pub data: &'r [T],
    /// numpy order.
    pub shape: Vec<usize>,
    pub fortran_order: bool,
}

/// Bytes and description of a viewed member (any dtype, any byte order).
#[derive(Debug, Clone)]
pub struct ByteView<'r> {
    pub bytes: &'r [u8],
    pub info: ArrayInfo,
}

impl ReaderGroup {
    /// The stored bytes of `k`, without copying. Only members stored without compression can be
    /// viewed (a compressed one is `Unsupported`, None is `Mismatch`); the reader must be NPZ.
    pub fn view_bytes(&self, k: &str) -> Result<ByteView<'_>> {
        let (p, raw) = self.npz_view(k)?;
        let info = ArrayInfo::from_raw(&raw);
        // SAFETY: the library maps nbytes bytes at p until every handle of the root is closed,
        // which the borrow of self outlasts.
        let bytes = match info.nbytes {
            0 => &[][..],
            n => unsafe { std::slice::from_raw_parts(p as *const u8, n) },
        };
        Ok(ByteView { bytes, info })
    }

    /// The elements of `k` as a `&[T]`, without copying. Besides [`ReaderGroup::view_bytes`]'s
    /// rules, the member must hold `T` in the host's byte order at an address aligned for `T`
    /// (write with `WriteOptions::align_data` to be sure); otherwise `Mismatch`.
    pub fn view<T: Element>(&self, k: &str) -> Result<View<'_, T>> {
        let (p, raw) = self.npz_view(k)?;
        let problem = if raw.dtype != T::DTYPE.to_raw() {
            Some(format!("is {:?}, not {:?}", crate::DType::from_raw(raw.dtype), T::DTYPE))
        } else if raw.byteorder != 0 && raw.byteorder != native_byteorder() {
            Some("is not in the host's byte order".to_owned())
        } else if p as usize % std::mem::align_of::<T>() != 0 {
            Some("is not aligned for its element type (write with align_data)".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(Error::new(
                sys::SER_EMISMATCH,
                format!("view of key '{k}': the stored data {problem}"),
            ));
        }
        let count = raw.count as usize;
        let data = if count == 0 {
            &[][..]
        } else {
            // SAFETY: as in view_bytes; dtype, byte order and alignment were checked above, and
            // every bit pattern is a valid T (Element's contract).
            unsafe { std::slice::from_raw_parts(p as *const T, count) }
        };
        let info = ArrayInfo::from_raw(&raw);
        Ok(View { data, shape: info.shape, fortran_order: info.fortran_order })
    }

    fn npz_view(&self, k: &str) -> Result<(*const c_void, sys::ser_array_info)> {
        let k = key(k)?;
        let mut p: *const c_void = ptr::null();
        let mut info = std::mem::MaybeUninit::<sys::ser_array_info>::zeroed();
        check(unsafe { sys::ser_npz_view(&mut p, info.as_mut_ptr(), self.h(), k.as_ptr()) })?;
        Ok((p, unsafe { info.assume_init() }))
    }
}

/// A view borrows its reader, so the reader cannot be closed or dropped while the view is used:
///
/// ```compile_fail,E0505
/// let r = chainerser::Reader::open_npz("model.npz").unwrap();
/// let v = r.view::<f32>("W").unwrap();
/// drop(r); // error[E0505]: cannot move out of `r` because it is borrowed
/// println!("{}", v.data[0]);
/// ```
///
/// ```no_run
/// let r = chainerser::Reader::open_npz("model.npz").unwrap();
/// let v = r.view::<f32>("W").unwrap();
/// println!("{}", v.data[0]);
/// drop(r);
/// ```
#[allow(dead_code)]
struct ViewOutlivesNoReader;
