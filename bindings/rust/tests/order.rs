//! Reads in column-major (Fortran) memory order, compared with the elements NumPy and h5py hold in
//! that order (python_checks/order_bytes.py: `np.asfortranarray(a).ravel(order='K')`).
mod common;

use chainerser::{Complex32, Element, ErrorKind, Order, Outcome, ReadOptions, Reader, F16};
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
            let mut args = vec!["dump", p, flag];
            args.extend(KEYS);
            let numpy: Vec<String> =
                python_check("order_bytes.py", &args).lines().map(String::from).collect();
            assert_eq!(numpy.len(), KEYS.len());
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
