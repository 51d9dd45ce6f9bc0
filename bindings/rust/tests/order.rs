//! Reads in column-major (Fortran) memory order, compared with the elements NumPy and h5py hold in
//! that order (python_checks/order_bytes.py: `np.asfortranarray(a).ravel(order='K')`).
mod common;

use chainerser::{
    Complex32, Element, ErrorKind, Order, Outcome, ReadOptions, ReadRequest, Reader, Writer, F16,
};
use common::*;

const KEYS: [&str; 10] = ["f32", "f32c", "f64be", "i16", "u8", "mask", "f16", "c64", "scalar", "empty"];

/// The elements' bytes in hex, as order_bytes.py prints them (the host is little-endian).
fn hex<T: Element>(data: &[T]) -> String {
    // SAFETY: every Element is plain old data without padding.
    let bytes =
        unsafe { std::slice::from_raw_parts(data.as_ptr() as *const u8, std::mem::size_of_val(data)) };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read_hex(r: &Reader, k: &str, order: Order) -> String {
    match k {
        "f32" | "f32c" | "empty" => hex(&r.read_order::<f32>(k, order).unwrap().unwrap().data),
        "f64be" => hex(&r.read_order::<f64>(k, order).unwrap().unwrap().data),
        "i16" => hex(&r.read_order::<i16>(k, order).unwrap().unwrap().data),
        "u8" => hex(&r.read_order::<u8>(k, order).unwrap().unwrap().data),
        "mask" => {
            let bytes: Vec<u8> =
                r.read_bools_order(k, order).unwrap().unwrap().data.iter().map(|&b| b as u8).collect();
            hex(&bytes)
        }
        "f16" => hex(&r.read_order::<F16>(k, order).unwrap().unwrap().data),
        "c64" => hex(&r.read_order::<Complex32>(k, order).unwrap().unwrap().data),
        _ => hex(&r.read_order::<i32>(k, order).unwrap().unwrap().data),
    }
}

#[test]
fn fortran_order_reads_are_numpys_column_major_elements() {
    let _serial = serial();
    assert_eq!(Order::default(), Order::C);
    for format in ["npz", "h5"] {
        let path = temp(&format!("order.{format}"));
        let p = path.to_str().unwrap();
        python_check("order_bytes.py", &["make", p]);
        let r = open(format, &path, &ReadOptions::default());
        for (order, flag) in [(Order::F, "F"), (Order::C, "C")] {
            let numpy = numpy_hex(p, flag, &KEYS);
            for (k, want) in KEYS.iter().zip(&numpy) {
                assert_eq!(&read_hex(&r, k, order), want, "{format} {k} {order:?}");
            }
        }
        // The shape stays numpy's; a[i, j, k] is data[i + 2 j + 6 k].
        let a = r.read_order::<f32>("f32c", Order::F).unwrap().unwrap();
        assert_eq!(a.shape, [2, 3, 4]);
        assert_eq!(a.data[1 + 2 * 2 + 6 * 3], 100.0 + 20.0 + 3.0 + 0.5);
        // Plain reads stay C order.
        assert_eq!(
            r.read::<f32>("f32").unwrap().unwrap().data,
            r.read_order::<f32>("f32c", Order::C).unwrap().unwrap().data
        );

        let mut out = [0f64; 6];
        assert_eq!(r.read_into_order("f64be", &[3, 2], Order::F, &mut out).unwrap(), Outcome::Loaded);
        assert_eq!(out, [0.25, 10.25, 20.25, -0.75, 9.25, 19.25]);
        let err = r.read_into_order("f64be", &[2, 3], Order::F, &mut out).unwrap_err();
        assert!(err.kind() == ErrorKind::Mismatch && err.message().contains("f64be"), "{err}");
        let err = r.read_into_order::<f64>("f64be", &[3, 2], Order::F, &mut [0f64; 5]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BufferTooSmall, "{err}");
        let err = r.read_order::<f32>("nope", Order::F).unwrap_err();
        assert!(err.kind() == ErrorKind::NotFound && err.message().contains("nope"), "{err}");
    }
}

#[test]
fn fortran_order_reads_of_none_and_skipped_keys_are_none() {
    let _serial = serial();
    for format in ["npz", "h5"] {
        let path = temp(&format!("order-none.{format}"));
        let w = create(format, &path, &Default::default());
        w.write_none("none").unwrap();
        w.write::<f32>("skipped", &[2, 2], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        w.close().unwrap();
        let opts = ReadOptions { ignore_names: vec!["skipped".into()], ..Default::default() };
        let r = open(format, &path, &opts);
        assert_eq!(r.read_order::<f32>("none", Order::F).unwrap(), None);
        assert_eq!(r.read_bools_order("none", Order::F).unwrap(), None);
        let mut out = [9f32; 4];
        assert_eq!(
            r.read_into_order("skipped", &[2, 2], Order::F, &mut out).unwrap(),
            Outcome::SkippedIgnored
        );
        assert_eq!(out, [9.0; 4]);
    }
}

/// NumPy's (or h5py's) hex of each key (which may end in a block, `f32[0:2,1:3]`) in `order`.
fn numpy_hex(path: &str, order: &str, keys: &[&str]) -> Vec<String> {
    let mut args = vec!["dump", path, order];
    args.extend(keys);
    let lines: Vec<String> = python_check("order_bytes.py", &args).lines().map(String::from).collect();
    assert_eq!(lines.len(), keys.len());
    lines
}

fn copy_order<T: Element>(r: &Reader, w: &Writer, k: &str) {
    let a = r.read_order::<T>(k, Order::F).unwrap().unwrap();
    w.write_order(k, &a.shape, &a.data, Order::F).unwrap();
}

#[test]
fn fortran_order_writes_hold_numpys_logical_arrays() {
    let _serial = serial();
    for format in ["npz", "h5"] {
        let src = temp(&format!("order-src.{format}"));
        let s = src.to_str().unwrap();
        python_check("order_bytes.py", &["make", s]);
        let r = open(format, &src, &ReadOptions::default());
        let path = temp(&format!("order-write.{format}"));
        let w = create(format, &path, &Default::default());
        for k in KEYS {
            match k {
                "f32" | "f32c" | "empty" => copy_order::<f32>(&r, &w, k),
                "f64be" => copy_order::<f64>(&r, &w, k),
                "i16" => copy_order::<i16>(&r, &w, k),
                "u8" => copy_order::<u8>(&r, &w, k),
                "mask" => {
                    let a = r.read_bools_order(k, Order::F).unwrap().unwrap();
                    w.write_bools_order(k, &a.shape, &a.data, Order::F).unwrap();
                }
                "f16" => copy_order::<F16>(&r, &w, k),
                "c64" => copy_order::<Complex32>(&r, &w, k),
                _ => copy_order::<i32>(&r, &w, k),
            }
        }
        let err = w.write_order::<f64>("short", &[3, 2], &[0.0; 5], Order::F).unwrap_err();
        assert!(err.message().contains("short"), "{err}");
        w.close().unwrap();

        let p = path.to_str().unwrap();
        for order in ["F", "C"] {
            assert_eq!(numpy_hex(p, order, &KEYS), numpy_hex(s, order, &KEYS), "{format} {order}");
        }
        // NPZ keeps the column-major bytes (fortran_order True); HDF5 stores C order.
        let written = open(format, &path, &ReadOptions::default());
        assert_eq!(written.info("f32c").unwrap().fortran_order, format == "npz");
        assert!(!written.info("u8").unwrap().fortran_order);
    }
}

#[test]
fn fortran_order_slabs_and_batches_are_numpys_column_major_elements() {
    let _serial = serial();
    for format in ["npz", "h5"] {
        let path = temp(&format!("order-slab.{format}"));
        let p = path.to_str().unwrap();
        python_check("order_bytes.py", &["make", p]);
        let r = open(format, &path, &ReadOptions::default());
        let blocks = [
            "f32[0:2,1:3,1:4]",
            "f32c[1:2,0:3,2:4]",
            "f64be[1:3,0:2]",
            "i16[1:2,0:2,1:2,0:2]",
            "c64[1:3,1:2]",
        ];
        for (order, flag) in [(Order::F, "F"), (Order::C, "C")] {
            let numpy = numpy_hex(p, flag, &blocks);
            let mut f32_block = [0f32; 12];
            r.read_slab_order("f32", &[0, 1, 1], &[2, 2, 3], order, &mut f32_block).unwrap();
            let mut f32c_block = [0f32; 6];
            r.read_slab_order("f32c", &[1, 0, 2], &[1, 3, 2], order, &mut f32c_block).unwrap();
            let mut f64_block = [0f64; 4];
            r.read_slab_order("f64be", &[1, 0], &[2, 2], order, &mut f64_block).unwrap();
            let mut i16_block = [0i16; 4];
            r.read_slab_order("i16", &[1, 0, 1, 0], &[1, 2, 1, 2], order, &mut i16_block).unwrap();
            let mut c64_block = [Complex32::default(); 2];
            r.read_slab_order("c64", &[1, 1], &[2, 1], order, &mut c64_block).unwrap();
            let got = [hex(&f32_block), hex(&f32c_block), hex(&f64_block), hex(&i16_block), hex(&c64_block)];
            assert_eq!(got.as_slice(), numpy.as_slice(), "{format} slabs {flag}");

            let keys = ["f32", "f32c", "f64be", "i16", "c64"];
            let numpy = numpy_hex(p, flag, &keys);
            let (mut a, mut b, mut c) = ([0f32; 24], [0f32; 24], [0f64; 6]);
            let (mut d, mut e) = ([0i16; 16], [Complex32::default(); 6]);
            let mut batch = [
                ReadRequest::new("f32", &[2, 3, 4], &mut a).unwrap(),
                ReadRequest::new("f32c", &[2, 3, 4], &mut b).unwrap(),
                ReadRequest::new("f64be", &[3, 2], &mut c).unwrap(),
                ReadRequest::new("i16", &[2, 2, 2, 2], &mut d).unwrap(),
                ReadRequest::new("c64", &[3, 2], &mut e).unwrap(),
            ];
            r.read_batch_order(&mut batch, order).unwrap();
            assert!(batch.iter().all(|q| q.result() == Some(&Ok(Outcome::Loaded))));
            drop(batch);
            let got = [hex(&a), hex(&b), hex(&c), hex(&d), hex(&e)];
            assert_eq!(got.as_slice(), numpy.as_slice(), "{format} batch {flag}");
        }
        let err = r.read_slab_order("f32", &[0, 0, 0], &[2, 2, 2], Order::F, &mut [0f32; 7]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BufferTooSmall, "{err}");
    }
}
