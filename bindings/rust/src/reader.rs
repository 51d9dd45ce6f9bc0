use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::path::Path;
use std::ptr;

use crate::error::{check, Result};
use crate::handle::{handle_family, key, shape_i64, ArrayInfo, Outcome, Raw};
use crate::options::ReadOptions;
use crate::{sys, DType, Element};

/// An n-d array read from a file: the shape in numpy order and the elements in C order (or in
/// the [`Order`] a `read_order` call asked for).
#[derive(Debug, Clone, PartialEq)]
pub struct Array<T> {
    pub shape: Vec<usize>,
    pub data: Vec<T>,
}

/// Memory order of the elements a read fills in (`ser_order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Row-major: the last index varies fastest (numpy's default).
    #[default]
    C,
    /// Column-major: the first index varies fastest, as in a Fortran array of the same extents
    /// (for shape `[m, n]`, `data[i + m * j]` is `a[i, j]`); numpy's `order='F'`.
    F,
}

impl Order {
    pub(crate) fn to_raw(self) -> i32 {
        match self {
            Order::C => sys::SER_ORDER_C,
            Order::F => sys::SER_ORDER_F,
        }
    }
}

handle_family!(
    /// A checkpoint open for reading (the root). Every read method lives on [`ReaderGroup`],
    /// which this dereferences to. `Send` (it may move to another thread) but not `Sync`.
    Reader,
    /// A reader's view of the file at a key prefix (Chainer's deserializer).
    ReaderGroup,
    /// `deserializer["name"]`; dereferences to [`ReaderGroup`].
    ReaderChild
);

/// `ser_get_array_slab`, `ser_h5_get_array` or `ser_get_array_slab_ex` with the order bound:
/// (outcome, handle, key, dtype, ndim, offset, count, buf, bufsize).
type SlabFn<'a> = &'a dyn Fn(
    *mut i32,
    *mut sys::ser_handle,
    *const c_char,
    i32,
    i32,
    *const i64,
    *const i64,
    *mut c_void,
    usize,
) -> c_int;

type OpenFn =
    unsafe extern "C" fn(*mut *mut sys::ser_handle, *const c_char, i32, *const sys::ser_options) -> i32;

impl Reader {
    /// Opens a `.npz` written by Chainer's `save_npz` (or by this library).
    pub fn open_npz(path: impl AsRef<Path>) -> Result<Reader> {
        Reader::open_npz_with(path, &ReadOptions::default())
    }
    pub fn open_npz_with(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Reader> {
        Reader::open(sys::ser_npz_open, path.as_ref(), opts)
    }
    /// Opens an HDF5 file written by Chainer's `save_hdf5` (or by this library).
    pub fn open_h5(path: impl AsRef<Path>) -> Result<Reader> {
        Reader::open_h5_with(path, &ReadOptions::default())
    }
    pub fn open_h5_with(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Reader> {
        Reader::open(sys::ser_h5_open, path.as_ref(), opts)
    }

    fn open(open: OpenFn, path: &Path, opts: &ReadOptions) -> Result<Reader> {
        let raw_opts = opts.raw()?;
        // The library copies the prefix and the names during the call; the predicate stays.
        let raw = Raw::open(open, path, sys::SER_READ, &raw_opts.opts)?;
        Ok(Reader::from_raw(raw, raw_opts.keep))
    }

    /// Releases the file, reporting any error (for a reader there is nothing to commit; dropping
    /// does the same silently).
    pub fn close(self) -> Result<()> {
        self.group.raw.close()
    }
}

impl ReaderGroup {
    /// The keys under this prefix, relative to it, sorted.
    pub fn keys(&self) -> Result<Vec<String>> {
        let mut n = 0usize;
        // SAFETY: h is open; each key string is copied before the next call.
        check(unsafe { sys::ser_key_count(&mut n, self.h()) })?;
        (0..n)
            .map(|i| {
                let mut p: *const c_char = ptr::null();
                check(unsafe { sys::ser_key_at(&mut p, self.h(), i) })?;
                Ok(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
            })
            .collect()
    }

    pub fn has(&self, k: &str) -> Result<bool> {
        let k = key(k)?;
        let mut out: c_int = 0;
        check(unsafe { sys::ser_has(&mut out, self.h(), k.as_ptr()) })?;
        Ok(out != 0)
    }

    /// The dtype and shape stored under a key, without reading the data.
    pub fn info(&self, k: &str) -> Result<ArrayInfo> {
        let k = key(k)?;
        let mut out = std::mem::MaybeUninit::<sys::ser_array_info>::zeroed();
        check(unsafe { sys::ser_get_info(out.as_mut_ptr(), self.h(), k.as_ptr()) })?;
        Ok(ArrayInfo::from_raw(unsafe { out.assume_init_ref() }))
    }

    /// True if the file holds Chainer's None under the key.
    pub fn is_none(&self, k: &str) -> Result<bool> {
        Ok(self.info(k)?.dtype == DType::None)
    }

    /// Reads into the caller's buffer with Chainer's load semantics: the file's shape must equal
    /// `shape` (numpy order) and `out` holds the elements in C order. The outcome tells whether
    /// the buffer was filled (it is left alone for None, or a skipped key).
    pub fn read_into<T: Element>(&self, k: &str, shape: &[usize], out: &mut [T]) -> Result<Outcome> {
        self.get_array(k, T::DTYPE, shape, out)
    }

    /// [`ReaderGroup::read_into`] with `out` in memory order `order`: with [`Order::F`] it
    /// receives the column-major layout of the stored array (`ser_get_array_ex`), whatever order
    /// the file stores; `shape` is the numpy shape in both orders.
    pub fn read_into_order<T: Element>(
        &self, k: &str, shape: &[usize], order: Order, out: &mut [T],
    ) -> Result<Outcome> {
        self.get_array_ex(k, T::DTYPE, shape, order, out)
    }

    /// `ser_get_array` into `out`, whose elements hold `dtype` (a `u8` buffer for bools).
    pub(crate) fn get_array<S>(
        &self, k: &str, dtype: DType, shape: &[usize], out: &mut [S],
    ) -> Result<Outcome> {
        let shape = shape_i64(shape)?;
        self.fill(k, dtype, out, |oc, h, k, dtype, buf, size| unsafe {
            sys::ser_get_array(oc, h, k, dtype, shape.len() as i32, shape.as_ptr(), buf, size)
        })
    }

    /// `ser_get_array_ex`: [`ReaderGroup::get_array`] in memory order `order`.
    fn get_array_ex<S>(
        &self, k: &str, dtype: DType, shape: &[usize], order: Order, out: &mut [S],
    ) -> Result<Outcome> {
        let shape = shape_i64(shape)?;
        let (ndim, order) = (shape.len() as i32, order.to_raw());
        self.fill(k, dtype, out, |oc, h, k, dtype, buf, size| unsafe {
            sys::ser_get_array_ex(oc, h, k, dtype, ndim, shape.as_ptr(), order, buf, size)
        })
    }

    /// Runs a read that fills `out` (ser_get_array or a variant) and returns its outcome.
    fn fill<S>(
        &self, k: &str, dtype: DType, out: &mut [S],
        read: impl FnOnce(*mut i32, *mut sys::ser_handle, *const c_char, i32, *mut c_void, usize) -> c_int,
    ) -> Result<Outcome> {
        let k = key(k)?;
        let mut outcome = 0i32;
        let (buf, size) = (out.as_mut_ptr() as *mut c_void, std::mem::size_of_val(out));
        check(read(&mut outcome, self.h(), k.as_ptr(), dtype.to_raw(), buf, size))?;
        Ok(Outcome::from_raw(outcome))
    }

    /// Reads a whole array with its stored shape; `None` when the file holds None (or the key was
    /// skipped). The stored dtype must be `T` (or castable under the reader's [`crate::Cast`]).
    pub fn read<T: Element>(&self, k: &str) -> Result<Option<Array<T>>> {
        self.read_whole(k, T::DTYPE, Order::C)
    }

    /// [`ReaderGroup::read`] with the elements in memory order `order`: with [`Order::F`] `data`
    /// is the column-major layout of the stored array (numpy's
    /// `np.asfortranarray(a).ravel(order='K')`), whatever order the file stores; `shape` stays
    /// numpy's.
    pub fn read_order<T: Element>(&self, k: &str, order: Order) -> Result<Option<Array<T>>> {
        self.read_whole(k, T::DTYPE, order)
    }

    /// `read` for elements of `dtype` held in `S`.
    fn read_whole<S: Copy + Default>(&self, k: &str, dtype: DType, order: Order) -> Result<Option<Array<S>>> {
        let info = self.info(k)?;
        if info.dtype == DType::None {
            return Ok(None);
        }
        let mut data = vec![S::default(); info.count];
        match self.get_array_ex(k, dtype, &info.shape, order, &mut data)? {
            Outcome::Loaded => Ok(Some(Array { shape: info.shape, data })),
            _ => Ok(None),
        }
    }

    /// Reads a bool array (numpy `|b1`) with its stored shape; `None` for None or a skipped key.
    /// Any non-zero byte in the file reads as `true`.
    pub fn read_bools(&self, k: &str) -> Result<Option<Array<bool>>> {
        self.read_bools_order(k, Order::C)
    }

    /// [`ReaderGroup::read_bools`] in memory order `order` (as [`ReaderGroup::read_order`]).
    pub fn read_bools_order(&self, k: &str, order: Order) -> Result<Option<Array<bool>>> {
        Ok(self
            .read_whole::<u8>(k, DType::Bool, order)?
            .map(|a| Array { shape: a.shape, data: to_bools(&a.data) }))
    }

    /// [`ReaderGroup::read_into`] for a bool array; `out` is left alone unless the outcome is
    /// `Loaded`.
    pub fn read_bools_into(&self, k: &str, shape: &[usize], out: &mut [bool]) -> Result<Outcome> {
        let mut bytes = vec![0u8; out.len()];
        let outcome = self.get_array(k, DType::Bool, shape, &mut bytes)?;
        if outcome == Outcome::Loaded {
            out.copy_from_slice(&to_bools(&bytes));
        }
        Ok(outcome)
    }

    /// Reads the block `offset .. offset + count` of an entry (NPZ or HDF5) into `out`, which
    /// holds `count` elements per dimension in C order (`ser_get_array_slab`). Only the chunks
    /// the block overlaps are read from an HDF5 file, only its bytes from a stored NPZ member.
    pub fn read_slab<T: Element>(
        &self, k: &str, offset: &[usize], count: &[usize], out: &mut [T],
    ) -> Result<Outcome> {
        let read =
            |o, h, k, d, n, at, c, b, s| unsafe { sys::ser_get_array_slab(o, h, k, d, n, at, c, b, s) };
        self.slab(&read, k, offset, count, out)
    }

    /// [`ReaderGroup::read_slab`] with `out` in memory order `order`: with [`Order::F`] it holds
    /// the block column-major (a Fortran array of extents `count`); `offset` and `count` stay in
    /// numpy's axes (`ser_get_array_slab_ex`).
    pub fn read_slab_order<T: Element>(
        &self, k: &str, offset: &[usize], count: &[usize], order: Order, out: &mut [T],
    ) -> Result<Outcome> {
        let order = order.to_raw();
        let read = |o, h, k, d, n, at, c, b, s| unsafe {
            sys::ser_get_array_slab_ex(o, h, k, d, n, at, c, order, b, s)
        };
        self.slab(&read, k, offset, count, out)
    }

    /// [`ReaderGroup::read_slab`] through the HDF5-only `ser_h5_get_array` (an NPZ reader is
    /// an invalid argument). Needs the library's `chainerser/hdf5.h`.
    #[cfg(chainerser_h5_slab)]
    pub fn read_h5_slab<T: Element>(
        &self, k: &str, offset: &[usize], count: &[usize], out: &mut [T],
    ) -> Result<Outcome> {
        let read = |o, h, k, d, n, at, c, b, s| unsafe { sys::ser_h5_get_array(o, h, k, d, n, at, c, b, s) };
        self.slab(&read, k, offset, count, out)
    }

    fn slab<T: Element>(
        &self, read: SlabFn, k: &str, offset: &[usize], count: &[usize], out: &mut [T],
    ) -> Result<Outcome> {
        if offset.len() != count.len() {
            return Err(crate::Error::invalid("offset and count differ in length"));
        }
        let (offset, count) = (shape_i64(offset)?, shape_i64(count)?);
        self.fill(k, T::DTYPE, out, |oc, h, k, dtype, buf, size| {
            read(oc, h, k, dtype, count.len() as i32, offset.as_ptr(), count.as_ptr(), buf, size)
        })
    }

    /// A scalar integer (Chainer's `int` rule: any integer or bool dtype); `None` if the file
    /// holds None or the key was skipped.
    pub fn read_i64(&self, k: &str) -> Result<Option<i64>> {
        self.scalar(k, 0i64, |out, oc, h, k| unsafe { sys::ser_get_int64(out, oc, h, k) })
    }
    /// A scalar float (Chainer's `float` rule: ints, bools and floats).
    pub fn read_f64(&self, k: &str) -> Result<Option<f64>> {
        self.scalar(k, 0f64, |out, oc, h, k| unsafe { sys::ser_get_float64(out, oc, h, k) })
    }
    /// A scalar bool (bool dtype only).
    pub fn read_bool(&self, k: &str) -> Result<Option<bool>> {
        Ok(self
            .scalar(k, 0 as c_int, |out, oc, h, k| unsafe { sys::ser_get_bool(out, oc, h, k) })?
            .map(|v| v != 0))
    }

    fn scalar<V>(
        &self, k: &str, init: V,
        get: impl FnOnce(*mut V, *mut i32, *mut sys::ser_handle, *const c_char) -> c_int,
    ) -> Result<Option<V>> {
        let k = key(k)?;
        let (mut v, mut outcome) = (init, 0i32);
        check(get(&mut v, &mut outcome, self.h(), k.as_ptr()))?;
        Ok((Outcome::from_raw(outcome) == Outcome::Loaded).then_some(v))
    }

    /// A 0-d string (`<U n`, `|S n`, or an HDF5 string) as UTF-8.
    pub fn read_string(&self, k: &str) -> Result<Option<String>> {
        let k = key(k)?;
        let (mut size, mut outcome) = (0usize, 0i32);
        check(unsafe {
            sys::ser_get_string(&mut size, &mut outcome, self.h(), k.as_ptr(), ptr::null_mut(), 0)
        })?;
        if Outcome::from_raw(outcome) != Outcome::Loaded {
            return Ok(None);
        }
        let mut buf = vec![0u8; size.max(1)];
        check(unsafe {
            sys::ser_get_string(
                &mut size,
                &mut outcome,
                self.h(),
                k.as_ptr(),
                buf.as_mut_ptr() as *mut c_char,
                buf.len(),
            )
        })?;
        let text = CStr::from_bytes_until_nul(&buf)
            .map_err(|_| crate::Error::invalid("string not NUL-terminated"))?;
        Ok(Some(text.to_string_lossy().into_owned()))
    }
}

fn to_bools(bytes: &[u8]) -> Vec<bool> {
    bytes.iter().map(|&b| b != 0).collect()
}
