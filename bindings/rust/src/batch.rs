//! Batched reads (`ser_get_arrays`): many entries in one call, decompressed in parallel.
use std::ffi::CString;
use std::marker::PhantomData;
use std::os::raw::c_void;

use crate::error::{Error, Result};
use crate::handle::{key, shape_i64, Outcome};
use crate::{sys, Element, Order, ReaderGroup};

/// One read of a batch: a key and the caller's buffer, with [`ReaderGroup::read_into`]'s
/// rules. After [`ReaderGroup::read_batch`], [`ReadRequest::result`] says how it went.
pub struct ReadRequest<'b> {
    key: CString,
    dtype: i32,
    shape: Vec<i64>,
    buf: *mut c_void,
    size: usize,
    result: Option<Result<Outcome>>,
    _buf: PhantomData<&'b mut [u8]>,
}

impl<'b> ReadRequest<'b> {
    /// Reads `k` (shape `shape`, numpy order) into `out` (C order).
    pub fn new<T: Element>(k: &str, shape: &[usize], out: &'b mut [T]) -> Result<ReadRequest<'b>> {
        Ok(ReadRequest {
            key: key(k)?,
            dtype: T::DTYPE.to_raw(),
            shape: shape_i64(shape)?,
            buf: out.as_mut_ptr() as *mut c_void,
            size: std::mem::size_of_val(out),
            result: None,
            _buf: PhantomData,
        })
    }

    /// This read's outcome or error; `None` before the batch ran. The first failed request of a
    /// batch carries the library's message; later ones name their key and the code's text.
    pub fn result(&self) -> Option<&Result<Outcome>> {
        self.result.as_ref()
    }
}

impl ReaderGroup {
    /// Performs every request, decompressing on the reader's worker threads
    /// ([`crate::ReadOptions::threads`]). Each request gets its own result; the call returns the
    /// first failure (in slice order) or `Ok`.
    pub fn read_batch(&self, requests: &mut [ReadRequest<'_>]) -> Result<()> {
        self.read_batch_order(requests, Order::C)
    }

    /// [`ReaderGroup::read_batch`] with every buffer in memory order `order`, as
    /// [`ReaderGroup::read_into_order`] fills one (`ser_get_arrays_ex`).
    pub fn read_batch_order(&self, requests: &mut [ReadRequest<'_>], order: Order) -> Result<()> {
        let mut raw: Vec<sys::ser_get_request> = requests
            .iter()
            .map(|r| sys::ser_get_request {
                key: r.key.as_ptr(),
                dtype: r.dtype,
                ndim: r.shape.len() as i32,
                shape: r.shape.as_ptr(),
                buf: r.buf,
                bufsize: r.size,
                status: 0,
                outcome: 0,
            })
            .collect();
        // SAFETY: every pointer lives in `requests`, whose buffers are borrowed mutably for 'b.
        let first = crate::error::check(unsafe {
            sys::ser_get_arrays_ex(self.h(), raw.as_mut_ptr(), raw.len(), order.to_raw())
        });
        let mut first_error = first.clone().err();
        for (r, q) in requests.iter_mut().zip(&raw) {
            r.result = Some(if q.status == sys::SER_OK {
                Ok(Outcome::from_raw(q.outcome))
            } else {
                Err(first_error.take().unwrap_or_else(|| {
                    let k = r.key.to_string_lossy();
                    Error::new(q.status, format!("key '{k}': {}", Error::strerror(q.status)))
                }))
            });
        }
        first
    }
}
