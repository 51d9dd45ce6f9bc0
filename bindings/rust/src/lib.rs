//! Read and write Chainer checkpoints (NumPy `.npz` and HDF5) through libchainerser's C ABI.
//!
//! ```no_run
//! use chainerser::{Reader, Writer};
//! # fn main() -> chainerser::Result<()> {
//! let w = Writer::create_npz("model.npz")?;
//! let l1 = w.child("predictor")?.child("l1")?.path(); // "predictor/l1/"
//! w.write::<f32>("predictor/l1/W", &[2, 3], &[0., 1., 2., 3., 4., 5.])?; // numpy shape (out, in)
//! w.write_none("predictor/lazy/W")?;
//! w.write_i64("updater/iteration", 1000)?;
//! w.close()?; // commits; dropping instead would discard
//!
//! let r = Reader::open_npz("model.npz")?;
//! let w1 = r.read::<f32>("predictor/l1/W")?.expect("not None");
//! assert_eq!(w1.shape, [2, 3]);
//! # let _ = l1; Ok(()) }
//! ```
//!
//! Ownership: [`Reader`] and [`Writer`] own the file; children ([`ReaderChild`], [`WriterChild`],
//! Chainer's `serializer["name"]`) borrow their parent. Roots are `Send`, nothing is `Sync`.
//! Errors carry the library's code and message ([`Error`]).
//!
//! Element types ([`Element`]): the integers, [`F16`] (numpy float16, raw binary16 bits),
//! `f32`, `f64`, [`Complex32`] and [`Complex64`] (numpy complex64 and complex128). Strings have
//! their own calls: `write_strings`/`read_strings` (`<U n`), `write_byte_strings`/
//! `read_byte_strings` (`|S n`), `write_bytes`/`read_bytes` (a Python `bytes` value).
//!
//! Reads fill C order (row-major) and writes take it. `read_order`, `read_into_order`,
//! `read_bools_order`, `read_slab_order`, `read_batch_order`, `write_order` and
//! `write_bools_order` take an [`Order`]: [`Order::F`] is the column-major layout a Fortran array
//! of the same extents holds.

mod batch;
mod element;
mod error;
mod float16;
mod handle;
mod options;
mod reader;
mod strings;
pub mod sys;
mod view;
mod writer;

pub use batch::ReadRequest;
pub use element::{Complex32, Complex64, DType, Element};
pub use error::{Error, ErrorKind, Result};
pub use float16::F16;
pub use handle::{ArrayInfo, Outcome};
pub use options::{Cast, IgnoreFn, Limits, ReadOptions, WriteOptions};
pub use reader::{Array, Order, Reader, ReaderChild, ReaderGroup};
pub use view::{ByteView, View};
pub use writer::{Writer, WriterChild, WriterGroup};

/// The library's runtime version ("0.1.0").
pub fn version() -> String {
    // SAFETY: static string.
    unsafe { std::ffi::CStr::from_ptr(sys::ser_version_string()) }.to_string_lossy().into_owned()
}

/// The library's runtime version as (major, minor, patch).
pub fn version_parts() -> (u32, u32, u32) {
    // SAFETY: no arguments; the values are never negative.
    unsafe {
        (sys::ser_version_major() as u32, sys::ser_version_minor() as u32, sys::ser_version_patch() as u32)
    }
}

/// The library's runtime version as one number: major * 10000 + minor * 100 + patch.
pub fn version_number() -> u32 {
    // SAFETY: no arguments.
    unsafe { sys::ser_version_number() as u32 }
}

/// Holds libchainerser's process-wide HDF5 lock (see `ser_h5_lock`): take it around your own
/// HDF5 calls when other threads use this library. Released on drop, on the same thread (the
/// guard is neither `Send` nor `Sync`).
#[cfg(chainerser_h5_slab)]
pub struct H5Lock {
    _not_send: std::marker::PhantomData<*const ()>,
}

#[cfg(chainerser_h5_slab)]
impl H5Lock {
    /// Takes the lock (recursive: a thread may hold it more than once).
    pub fn acquire() -> Result<H5Lock> {
        // SAFETY: no arguments.
        error::check(unsafe { sys::ser_h5_lock() })?;
        Ok(H5Lock { _not_send: std::marker::PhantomData })
    }
}

#[cfg(chainerser_h5_slab)]
impl Drop for H5Lock {
    fn drop(&mut self) {
        // SAFETY: this thread took the lock in acquire().
        unsafe { sys::ser_h5_unlock() };
    }
}
