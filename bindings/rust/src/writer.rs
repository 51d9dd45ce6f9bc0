use std::os::raw::c_void;
use std::path::Path;

use crate::error::{c_string, check, Result};
use crate::handle::{handle_family, key, native_byteorder, shape_i64, Raw};
use crate::options::WriteOptions;
use crate::{sys, DType, Element, Order, ReaderGroup};

handle_family!(
    /// A checkpoint being written (the root). Every write method lives on [`WriterGroup`], which
    /// this dereferences to.
    ///
    /// The file appears (atomically replacing any old one) only at [`Writer::close`]. Dropping a
    /// writer without closing it *discards* it, so a panic half-way through a save never leaves
    /// a truncated checkpoint behind. `Send` but not `Sync`.
    Writer,
    /// A writer's view of the file at a key prefix (Chainer's serializer).
    WriterGroup,
    /// `serializer["name"]`; dereferences to [`WriterGroup`].
    WriterChild
);

impl Writer {
    /// Starts a `.npz` (Chainer's `save_npz` layout), compressed like `save_npz(compression=True)`.
    pub fn create_npz(path: impl AsRef<Path>) -> Result<Writer> {
        Writer::create_npz_with(path, &WriteOptions::default())
    }
    pub fn create_npz_with(path: impl AsRef<Path>, opts: &WriteOptions) -> Result<Writer> {
        let raw = Raw::open(sys::ser_npz_open, path.as_ref(), sys::SER_WRITE, &opts.raw()?)?;
        Ok(Writer::from_raw(raw, None))
    }
    /// Starts an HDF5 file (Chainer's `save_hdf5` layout).
    pub fn create_h5(path: impl AsRef<Path>) -> Result<Writer> {
        Writer::create_h5_with(path, &WriteOptions::default())
    }
    pub fn create_h5_with(path: impl AsRef<Path>, opts: &WriteOptions) -> Result<Writer> {
        let raw = Raw::open(sys::ser_h5_open, path.as_ref(), sys::SER_WRITE, &opts.raw()?)?;
        Ok(Writer::from_raw(raw, None))
    }

    /// Commits the file: it replaces any old one atomically. The writer is gone either way.
    pub fn close(self) -> Result<()> {
        self.group.raw.close()
    }

    /// Abandons the file; any old file at the path stays as it was (same as dropping).
    pub fn discard(self) {}
}

impl WriterGroup {
    /// Writes an array: `shape` in numpy order, `data` in C order (row-major); the element count
    /// must match. The data is copied before the call returns.
    pub fn write<T: Element>(&self, k: &str, shape: &[usize], data: &[T]) -> Result<()> {
        self.put(k, T::DTYPE, shape, data)
    }

    /// Writes a bool array (numpy `|b1`), shape and order as [`WriterGroup::write`].
    pub fn write_bools(&self, k: &str, shape: &[usize], data: &[bool]) -> Result<()> {
        self.put(k, DType::Bool, shape, data) // a Rust bool is one byte, 0 or 1: numpy's layout
    }

    /// [`WriterGroup::write`] with `data` in memory order `order`: with [`Order::F`] it is the
    /// column-major layout of the array of numpy shape `shape` (`np.asfortranarray(a)`), which
    /// an NPZ stores with `fortran_order: True` and HDF5 transposes into C order
    /// (`ser_put_array_ex`).
    pub fn write_order<T: Element>(&self, k: &str, shape: &[usize], data: &[T], order: Order) -> Result<()> {
        self.put_ex(k, T::DTYPE, shape, 0, order, data)
    }

    /// [`WriterGroup::write_bools`] in memory order `order` (as [`WriterGroup::write_order`]).
    pub fn write_bools_order(&self, k: &str, shape: &[usize], data: &[bool], order: Order) -> Result<()> {
        self.put_ex(k, DType::Bool, shape, 0, order, data)
    }

    /// `ser_put_array_ex`; `itemsize` is read for Unicode and Bytes only.
    pub(crate) fn put_ex<S>(
        &self, k: &str, dtype: DType, shape: &[usize], itemsize: usize, order: Order, data: &[S],
    ) -> Result<()> {
        let k = key(k)?;
        let extents = shape_i64(shape)?;
        let mut info = sys::ser_array_info {
            dtype: dtype.to_raw(),
            byteorder: native_byteorder(), // ignored for one-byte dtypes
            fortran_order: order.to_raw(),
            ndim: extents.len() as i32,
            shape: [0; sys::SER_MAX_NDIM],
            itemsize: itemsize as u64,
            count: 0, // not read by ser_put_array_ex
            nbytes: 0,
        };
        info.shape[..extents.len()].copy_from_slice(&extents);
        check(unsafe {
            sys::ser_put_array_ex(
                self.h(),
                k.as_ptr(),
                &info,
                data.as_ptr() as *const c_void,
                std::mem::size_of_val(data),
            )
        })
    }

    fn put<S>(&self, k: &str, dtype: DType, shape: &[usize], data: &[S]) -> Result<()> {
        let k = key(k)?;
        let shape = shape_i64(shape)?;
        check(unsafe {
            sys::ser_put_array(
                self.h(),
                k.as_ptr(),
                dtype.to_raw(),
                shape.len() as i32,
                shape.as_ptr(),
                data.as_ptr() as *const c_void,
                std::mem::size_of_val(data),
            )
        })
    }

    /// Writes a 0-d array of `T` (e.g. a float32 persistent).
    pub fn write_scalar<T: Element>(&self, k: &str, value: T) -> Result<()> {
        self.write(k, &[], std::slice::from_ref(&value))
    }

    /// Chainer's None (an uninitialised parameter or a None persistent).
    pub fn write_none(&self, k: &str) -> Result<()> {
        let k = key(k)?;
        check(unsafe { sys::ser_put_none(self.h(), k.as_ptr()) })
    }

    /// A Python `int` (0-d int64).
    pub fn write_i64(&self, k: &str, value: i64) -> Result<()> {
        let k = key(k)?;
        check(unsafe { sys::ser_put_int64(self.h(), k.as_ptr(), value) })
    }

    /// A Python `float` (0-d float64).
    pub fn write_f64(&self, k: &str, value: f64) -> Result<()> {
        let k = key(k)?;
        check(unsafe { sys::ser_put_float64(self.h(), k.as_ptr(), value) })
    }

    /// A Python `bool`.
    pub fn write_bool(&self, k: &str, value: bool) -> Result<()> {
        let k = key(k)?;
        check(unsafe { sys::ser_put_bool(self.h(), k.as_ptr(), value as i32) })
    }

    /// A Python `str` persistent (e.g. LogReport's `_log`).
    pub fn write_str(&self, k: &str, value: &str) -> Result<()> {
        let k = key(k)?;
        let v = c_string("string value", value)?;
        check(unsafe { sys::ser_put_string(self.h(), k.as_ptr(), v.as_ptr()) })
    }

    /// A Python `bytes` value (0-d `|S n`).
    pub fn write_bytes(&self, k: &str, value: &[u8]) -> Result<()> {
        let k = key(k)?;
        check(unsafe {
            sys::ser_put_bytes(self.h(), k.as_ptr(), value.as_ptr() as *const c_void, value.len())
        })
    }

    /// Copies the entry `k` of `src` to the same key here (e.g. NPZ to HDF5), keeping dtype, byte
    /// order, shape, None and strings (`ser_copy_entry`).
    pub fn copy_entry(&self, src: &ReaderGroup, k: &str) -> Result<()> {
        let k = key(k)?;
        check(unsafe { sys::ser_copy_entry(self.h(), src.h(), k.as_ptr()) })
    }

    /// Copies every entry under `src`'s prefix here, losslessly (`ser_copy_all`).
    pub fn copy_all(&self, src: &ReaderGroup) -> Result<()> {
        check(unsafe { sys::ser_copy_all(self.h(), src.h()) })
    }
}
