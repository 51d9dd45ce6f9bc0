//! Fixed-width string arrays (numpy `<U n`, UCS-4, and `|S n`, bytes) and bytes scalars, through
//! `ser_put_array_ex` (which carries the width) and `ser_get_array` (the width comes from
//! `ser_get_info`). As in NumPy, each element is padded with NULs to the width, and reading
//! strips an element's trailing NULs.
use crate::error::{Error, Result};
use crate::handle::{ArrayInfo, Outcome};
use crate::{sys, Array, DType, Order, ReaderGroup, WriterGroup};

impl WriterGroup {
    /// Writes a numpy `<U n` array (shape and order as [`WriterGroup::write`]): n is the most
    /// code points of any element, at least 1, as `numpy.array(list_of_str)` makes it. HDF5 stores
    /// h5py's variable-length UTF-8 strings, or fixed-length UTF-8 when one holds a NUL, with the
    /// exact `<U n` in an attribute (docs/on-disk-layout.md).
    pub fn write_strings<S: AsRef<str>>(&self, k: &str, shape: &[usize], data: &[S]) -> Result<()> {
        let width = data.iter().map(|s| s.as_ref().chars().count()).max().unwrap_or(0).max(1);
        let mut units = vec![0u32; width * data.len()];
        for (slot, s) in units.chunks_mut(width).zip(data) {
            for (unit, c) in slot.iter_mut().zip(s.as_ref().chars()) {
                *unit = u32::from(c);
            }
        }
        self.put_ex(k, DType::Unicode, shape, width * 4, Order::C, &units)
    }

    /// Writes a numpy `|S n` array: n is the longest element's length in bytes, at least 1.
    pub fn write_byte_strings<B: AsRef<[u8]>>(&self, k: &str, shape: &[usize], data: &[B]) -> Result<()> {
        let width = data.iter().map(|b| b.as_ref().len()).max().unwrap_or(0).max(1);
        let mut bytes = vec![0u8; width * data.len()];
        for (slot, b) in bytes.chunks_mut(width).zip(data) {
            slot[..b.as_ref().len()].copy_from_slice(b.as_ref());
        }
        self.put_ex(k, DType::Bytes, shape, width, Order::C, &bytes)
    }
}

impl ReaderGroup {
    /// Reads a `<U n` array (or an HDF5 string dataset) with its stored shape, one `String` per
    /// element; `None` for None or a skipped key. Any other dtype is `Mismatch`.
    pub fn read_strings(&self, k: &str) -> Result<Option<Array<String>>> {
        let Some((info, units)) = self.read_text::<u32>(k, DType::Unicode)? else {
            return Ok(None);
        };
        let data = elements(&units, info.itemsize / 4, info.count)
            .enumerate()
            .map(|(i, element)| {
                element
                    .iter()
                    .map(|&u| {
                        char::from_u32(u).ok_or_else(|| {
                            let at = format!("key '{}{k}': element {i} holds {u:#x}", self.path());
                            Error::new(sys::SER_EFORMAT, format!("{at}, not a Unicode scalar value"))
                        })
                    })
                    .collect::<Result<String>>()
            })
            .collect::<Result<Vec<String>>>()?;
        Ok(Some(Array { shape: info.shape, data }))
    }

    /// Reads a `|S n` array with its stored shape, one `Vec<u8>` per element; `None` for None or
    /// a skipped key. Any other dtype is `Mismatch`.
    pub fn read_byte_strings(&self, k: &str) -> Result<Option<Array<Vec<u8>>>> {
        Ok(self.read_text::<u8>(k, DType::Bytes)?.map(|(info, bytes)| Array {
            data: elements(&bytes, info.itemsize, info.count).map(<[u8]>::to_vec).collect(),
            shape: info.shape,
        }))
    }

    /// Reads a Python `bytes` value (a 0-d or one-element `|S n`), trailing NULs removed as
    /// NumPy does; `None` for None or a skipped key. Any other dtype or size is `Mismatch`.
    pub fn read_bytes(&self, k: &str) -> Result<Option<Vec<u8>>> {
        let Some(mut a) = self.read_byte_strings(k)? else {
            return Ok(None);
        };
        if a.data.len() != 1 {
            let msg = format!(
                "key '{}{k}': shape {:?} holds {} elements, not one bytes value",
                self.path(),
                a.shape,
                a.data.len()
            );
            return Err(Error::new(sys::SER_EMISMATCH, msg));
        }
        Ok(a.data.pop())
    }

    /// The stored elements of a string entry as units of `S` (native byte order), with its info.
    fn read_text<S: Copy + Default>(&self, k: &str, dtype: DType) -> Result<Option<(ArrayInfo, Vec<S>)>> {
        let info = self.info(k)?;
        if info.dtype == DType::None {
            return Ok(None);
        }
        // Sized from the stored entry: if its dtype is another, the library says so (naming the
        // key) before it looks at the buffer.
        let mut units = vec![S::default(); info.nbytes / std::mem::size_of::<S>()];
        match self.get_array(k, dtype, &info.shape, &mut units)? {
            Outcome::Loaded => Ok(Some((info, units))),
            _ => Ok(None),
        }
    }
}

/// The `count` elements of `width` units each, every one without its trailing NULs.
fn elements<U: Copy + Default + PartialEq>(
    units: &[U], width: usize, count: usize,
) -> impl Iterator<Item = &[U]> {
    (0..count).map(move |i| {
        let element = &units[i * width..(i + 1) * width];
        let end = element.iter().rposition(|&u| u != U::default()).map_or(0, |p| p + 1);
        &element[..end]
    })
}
