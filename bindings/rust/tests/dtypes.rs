//! float16, complex64/complex128, `<U n`/`|S n` arrays, bytes scalars and every numeric dtype:
//! written by the binding and checked by NumPy/h5py, and read from files NumPy/h5py wrote
//! (python_checks/make_fixture.py and all_dtypes.py).
mod common;

use chainerser::{
    Cast, Complex32, Complex64, DType, Element, ErrorKind, Order, ReadOptions, ReaderGroup, WriteOptions,
    WriterGroup, F16,
};
use common::*;

/// NumPy's float16 of 0, -0, 1/3, 65504, 2**-24, inf, -inf, nan (make_fixture.py's `f16`).
const F16_SPECIAL: [u16; 8] = [0x0000, 0x8000, 0x3555, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x7e00];
const STRINGS: [&str; 4] = ["a", "bc", "日本語", "😀"];
const BYTE_STRINGS: [&[u8]; 3] = [b"ab", b"\x00\x01", b"abcd"];

/// Finite values across float16's range (and beyond, to overflow): ties of both parities, subnormal
/// ties, and a pseudo-random spread of magnitudes 2^-26 .. 2^16, with both signs.
fn f16_sweep() -> Vec<f64> {
    let mut v: Vec<f64> = (0..64).map(|k| f64::from(k) * 2f64.powi(-25)).collect(); // subnormal ties
    v.extend((0..64).map(|k| 1.0 + f64::from(k) * 2f64.powi(-11))); // normal ties
    v.extend([65504.0, 65519.0, 6.1e-5, 5.96e-8, 2f64.powi(-14) - 2f64.powi(-25)]);
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..400 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mantissa = 1.0 + (x >> 11) as f64 / (1u64 << 53) as f64;
        let sign = if x & 1 == 0 { 1.0 } else { -1.0 };
        v.push(sign * mantissa * 2f64.powi((x % 42) as i32 - 26));
    }
    v
}

/// Every error is a dtype mismatch whose message names its key (quoted, as the library does).
fn expect_mismatches<const N: usize>(format: &str, cases: [(&str, chainerser::Error); N]) {
    for (k, err) in cases {
        assert_eq!(err.kind(), ErrorKind::Mismatch, "{format}: {err}");
        assert!(err.message().contains(&format!("'{k}")), "{format}: {err}");
    }
}

fn complex_pair<T: std::fmt::Display>(re: T, im: T) -> String {
    format!("[{re}, {im}]")
}

#[test]
fn float16_and_complex_written_are_what_numpy_and_h5py_read() {
    let _serial = serial();
    let sweep = f16_sweep();
    let c8 = [
        Complex32::new(1.0, 2.0),
        Complex32::new(-0.5, 0.25),
        Complex32::new(3.0, -4.0),
        Complex32::new(0.0, 1e-3),
    ];
    let c16 = [Complex64::new(0.1, -1e300), Complex64::new(2.5, 1e-300), Complex64::new(-3.0, 0.0)];
    for format in ["npz", "h5"] {
        let path = temp(&format!("dtypes-numeric.{format}"));
        let w = create(format, &path, &WriteOptions::default());
        let special: Vec<F16> = F16_SPECIAL.iter().map(|&b| F16::from_bits(b)).collect();
        w.write("h/special", &[2, 4], &special).unwrap();
        let rounded: Vec<F16> = sweep.iter().map(|&x| F16::from_f64(x)).collect();
        w.write("h/sweep", &[sweep.len()], &rounded).unwrap();
        w.write_scalar("h/one", F16::ONE).unwrap();
        w.child("c").unwrap().write("c8", &[2, 2], &c8).unwrap();
        w.write("c/c16", &[3], &c16).unwrap();
        w.write_scalar("c/scalar", Complex64::new(-1.0, 0.5)).unwrap();
        w.close().unwrap();

        let bits: Vec<u64> = F16_SPECIAL.iter().map(|&b| u64::from(b)).collect();
        check_entry_bits(format, &path, "h/special", "<f2", &[2, 4], &bits);
        // NumPy rounds each float64 to float16 itself: our rounding must agree on every value.
        check_entries(
            format,
            &path,
            &[
                ("h/sweep", "<f2", &[sweep.len()], json_list(&sweep)),
                ("h/one", "<f2", &[], "1".into()),
                (
                    "c/c8",
                    "<c8",
                    &[2, 2],
                    c8.iter().map(|c| complex_pair(c.re, c.im)).collect::<Vec<_>>().join(", "),
                ),
                (
                    "c/c16",
                    "<c16",
                    &[3],
                    c16.iter().map(|c| complex_pair(c.re, c.im)).collect::<Vec<_>>().join(", "),
                ),
                ("c/scalar", "<c16", &[], "[-1, 0.5]".into()),
            ],
        );

        let r = open(format, &path, &ReadOptions::default());
        let h = r.read::<F16>("h/special").unwrap().unwrap();
        assert_eq!(h.shape, [2, 4]);
        assert_eq!(h.data.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), F16_SPECIAL, "{format}");
        assert_eq!(r.read::<F16>("h/sweep").unwrap().unwrap().data, rounded);
        assert_eq!(r.info("h/sweep").unwrap().dtype, DType::Float16);
        let c = r.read::<Complex32>("c/c8").unwrap().unwrap();
        assert_eq!((c.shape, c.data), (vec![2, 2], c8.to_vec()));
        assert_eq!(r.read::<Complex64>("c/c16").unwrap().unwrap().data, c16);
        assert_eq!(r.read::<Complex64>("c/scalar").unwrap().unwrap().data, [Complex64::new(-1.0, 0.5)]);
        let mut block = [Complex32::default(); 2];
        r.read_slab("c/c8", &[1, 0], &[1, 2], &mut block).unwrap();
        assert_eq!(block, c8[2..]);
        // Bad input: no cast between these without asking, and the message names the key.
        expect_mismatches(
            format,
            [
                ("c/c8", r.read::<Complex64>("c/c8").unwrap_err()),
                ("c/c16", r.read::<F16>("c/c16").unwrap_err()),
                ("h/one", r.read::<f32>("h/one").unwrap_err()),
                ("h/sweep", r.read::<Complex32>("h/sweep").unwrap_err()),
            ],
        );
    }
}

#[test]
fn strings_and_bytes_written_are_what_numpy_and_h5py_read() {
    let _serial = serial();
    for format in ["npz", "h5"] {
        let path = temp(&format!("dtypes-text.{format}"));
        let w = create(format, &path, &WriteOptions::default());
        let s = w.child("s").unwrap();
        s.write_strings("u", &[2, 2], &STRINGS).unwrap();
        s.write_strings("with_empty", &[3], &["", "x", ""]).unwrap();
        s.write_strings("none_at_all", &[0], &[] as &[&str]).unwrap();
        s.write_byte_strings("b", &[3], &BYTE_STRINGS).unwrap();
        s.write_byte_strings("b_scalar", &[], &[b"xyz"]).unwrap();
        w.write_bytes("bytes/nul_inside", b"ab\x00c").unwrap();
        w.write_bytes("bytes/high", &[0xff, 0x80, 0x01]).unwrap();
        w.write_strings("s/nul_inside", &[1], &["a\u{0}b"]).unwrap();
        let err = w.write_strings("s/short", &[3], &STRINGS[..2]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "2 strings for shape (3,): {err}");
        w.close().unwrap();

        let strs = |v: &[&str]| v.iter().map(|s| json_str(s)).collect::<Vec<_>>().join(", ");
        let hexes = |v: &[&[u8]]| v.iter().map(|b| json_hex(b)).collect::<Vec<_>>().join(", ");
        let entries = vec![
            ("s/u", "<U3", &[2, 2][..], strs(&STRINGS)),
            ("s/with_empty", "<U1", &[3][..], strs(&["", "x", ""])),
            ("s/none_at_all", "<U1", &[0][..], String::new()),
            ("s/b", "|S4", &[3][..], hexes(&BYTE_STRINGS)),
            ("s/b_scalar", "|S3", &[][..], hexes(&[b"xyz"])),
            ("bytes/nul_inside", "|S4", &[][..], hexes(&[b"ab\x00c"])),
            ("bytes/high", "|S3", &[][..], hexes(&[&[0xff, 0x80, 0x01]])),
            ("s/nul_inside", "<U3", &[1][..], strs(&["a\u{0}b"])),
        ];
        check_entries(format, &path, &entries);

        let r = open(format, &path, &ReadOptions::default());
        let u = r.read_strings("s/u").unwrap().unwrap();
        assert_eq!((u.shape, u.data), (vec![2, 2], STRINGS.map(String::from).to_vec()), "{format}");
        let info = r.info("s/u").unwrap();
        assert_eq!(
            (info.dtype, info.itemsize),
            (DType::Unicode, 12),
            "4 bytes per code point, 3 code points"
        );
        assert_eq!(r.read_strings("s/with_empty").unwrap().unwrap().data, ["", "x", ""]);
        assert_eq!(r.read_strings("s/none_at_all").unwrap().unwrap().data, Vec::<String>::new());
        let b = r.read_byte_strings("s/b").unwrap().unwrap();
        assert_eq!((b.shape, b.data), (vec![3], BYTE_STRINGS.map(<[u8]>::to_vec).to_vec()));
        assert_eq!((r.info("s/b").unwrap().dtype, r.info("s/b").unwrap().itemsize), (DType::Bytes, 4));
        assert_eq!(r.read_bytes("s/b_scalar").unwrap().unwrap(), b"xyz");
        assert_eq!(r.read_bytes("bytes/nul_inside").unwrap().unwrap(), b"ab\x00c");
        assert_eq!(r.read_bytes("bytes/high").unwrap().unwrap(), [0xff, 0x80, 0x01]);
        assert_eq!(r.read_strings("s/nul_inside").unwrap().unwrap().data, ["a\u{0}b"], "{format}");
        // Bad input: each call takes its own dtype only, and says which key it was.
        expect_mismatches(
            format,
            [
                ("s/b", r.read_strings("s/b").unwrap_err()),
                ("s/u", r.read_byte_strings("s/u").unwrap_err()),
                ("s/u", r.read_bytes("s/u").unwrap_err()),
                ("s/b", r.read_bytes("s/b").unwrap_err()),
                ("s/u", r.read::<u32>("s/u").unwrap_err()),
                ("bytes/high", r.read::<u8>("bytes/high").unwrap_err()),
            ],
        );
        let err = r.read_strings("s/nope").unwrap_err();
        assert!(err.kind() == ErrorKind::NotFound && err.message().contains("s/nope"), "{err}");
    }
}

#[test]
fn bytes_written_empty_reads_back_empty() {
    let _serial = serial();
    for format in ["npz", "h5"] {
        let path = temp(&format!("dtypes-empty-bytes.{format}"));
        let w = create(format, &path, &WriteOptions::default());
        w.write_bytes("empty", b"").unwrap();
        w.write_none("none").unwrap();
        w.close().unwrap();
        let r = open(format, &path, &ReadOptions::default());
        assert_eq!(r.read_bytes("empty").unwrap().unwrap(), b"", "{format}");
        assert_eq!(r.read_bytes("none").unwrap(), None, "None reads as None");
        assert_eq!(r.read_strings("none").unwrap(), None);
    }
}

#[test]
fn numpy_and_h5py_files_read_as_numpy_reads_them() {
    let _serial = serial();
    for format in ["npz", "h5"] {
        let path = numpy_fixture(&format!("dtypes-fixture.{format}"));
        let r = open(format, &path, &ReadOptions::default());
        let h = r.read::<F16>("f16").unwrap().unwrap();
        assert_eq!(h.shape, [2, 4]);
        assert_eq!(h.data.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), F16_SPECIAL, "{format}");
        assert_eq!(h.data[2].to_f64(), 0.333251953125, "float16(1/3)");
        assert!(h.data[7].is_nan() && h.data[5].to_f32() == f32::INFINITY);
        let be = r.read::<F16>("f16be").unwrap().unwrap().data;
        assert!(r.info("f16be").unwrap().big_endian);
        assert_eq!(be.iter().map(|x| x.to_f32()).collect::<Vec<_>>(), [1.5, -2.0, 2f32.powi(-14)]);
        assert_eq!(
            r.read::<Complex32>("c8").unwrap().unwrap().data,
            [Complex32::new(1.0, 2.0), Complex32::new(-0.5, 0.25), Complex32::new(3.0, -4.0)]
        );
        let c16 = r.read::<Complex64>("c16").unwrap().unwrap();
        assert!(r.info("c16").unwrap().big_endian);
        let want16 =
            [(1.0, 1.0), (2.0, -2.0), (0.1, 0.0), (-1e300, 1e-300)].map(|(re, im)| Complex64::new(re, im));
        assert_eq!((c16.shape, c16.data), (vec![2, 2], want16.to_vec()));
        let u = r.read_strings("u").unwrap().unwrap();
        assert_eq!((u.shape, u.data), (vec![2, 2], STRINGS.map(String::from).to_vec()), "{format}");
        assert_eq!(r.info("u").unwrap().itemsize, 12);
        let s = r.read_byte_strings("s").unwrap().unwrap();
        assert_eq!(s.data, BYTE_STRINGS.map(<[u8]>::to_vec));
        assert_eq!(r.info("s").unwrap().itemsize, 4);
        assert_eq!(r.read_bytes("bytes").unwrap().unwrap(), b"ab\x00c");
        if format == "npz" {
            assert_eq!(r.read_strings("ube").unwrap().unwrap().data, ["hé", "x"], "big-endian UCS-4");
        }
        // A safe cast widens float16 when asked to.
        let cast = open(format, &path, &ReadOptions { cast: Cast::Safe, ..Default::default() });
        assert_eq!(cast.read::<f32>("f16be").unwrap().unwrap().data, [1.5, -2.0, 2f32.powi(-14)]);
        assert_eq!(cast.read::<Complex64>("c8").unwrap().unwrap().data[1], Complex64::new(-0.5, 0.25));
        // Without one, the wrong type names the key.
        expect_mismatches(
            format,
            [
                ("f16", r.read::<f32>("f16").unwrap_err()),
                ("c8", r.read::<Complex64>("c8").unwrap_err()),
                ("u", r.read_byte_strings("u").unwrap_err()),
                ("s", r.read_strings("s").unwrap_err()),
                ("bytes", r.read_strings("bytes").unwrap_err()),
                ("f16", r.read_bytes("f16").unwrap_err()),
            ],
        );
    }
}

// ---- every numeric dtype: all_dtypes.py's arrays, computed here ------------------------------

const DT_SHAPE: [usize; 2] = [2, 3];
const DT_BOOLS: [bool; 6] = [true, false, false, true, false, false];
const DT_IMAG: [f64; 6] = [0.5, -0.5, 1.5, -1.5, 2.5, -2.5];

fn dt_floats() -> [f64; 6] {
    [-0.0, -1.5, 0.25, 1024.0, 65504.0, 2f64.powi(-24)]
}

macro_rules! signed {
    ($t:ty) => {
        vec![<$t>::MIN, -1, 0, 1, 100, <$t>::MAX]
    };
}
macro_rules! unsigned {
    ($t:ty) => {
        vec![0, 1, 100, 1 << (<$t>::BITS - 1), <$t>::MAX - 1, <$t>::MAX]
    };
}

/// Calls `$f(args.., key, values)` for every numeric dtype but bool, each with its own `T`.
macro_rules! each_numeric_dtype {
    ($f:ident $(, $arg:expr)*) => {{
        let fl = dt_floats();
        $f($($arg,)* "dt/int8", signed!(i8));
        $f($($arg,)* "dt/int16", signed!(i16));
        $f($($arg,)* "dt/int32", signed!(i32));
        $f($($arg,)* "dt/int64", signed!(i64));
        $f($($arg,)* "dt/uint8", unsigned!(u8));
        $f($($arg,)* "dt/uint16", unsigned!(u16));
        $f($($arg,)* "dt/uint32", unsigned!(u32));
        $f($($arg,)* "dt/uint64", unsigned!(u64));
        $f($($arg,)* "dt/float16", fl.map(F16::from_f64).to_vec());
        $f($($arg,)* "dt/float32", fl.map(|x| x as f32).to_vec());
        $f($($arg,)* "dt/float64", fl.to_vec());
        $f($($arg,)* "dt/complex64", (0..6).map(|i| Complex32::new(fl[i] as f32, DT_IMAG[i] as f32)).collect());
        $f($($arg,)* "dt/complex128", (0..6).map(|i| Complex64::new(fl[i], DT_IMAG[i])).collect());
    }};
}

/// The elements' bytes: compared so that -0.0 differs from 0.0.
fn bytes_of<T: Element>(v: &[T]) -> Vec<u8> {
    // SAFETY: every Element is plain old data (integers, floats, #[repr(C)] pairs of floats).
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), std::mem::size_of_val(v)) }.to_vec()
}

fn write_dt<T: Element>(w: &WriterGroup, k: &str, want: Vec<T>) {
    w.write(k, &DT_SHAPE, &want).unwrap();
}

fn expect_dt<T: Element>(r: &ReaderGroup, k: &str, want: Vec<T>) {
    assert_eq!(r.info(k).unwrap().dtype, T::DTYPE, "{k}");
    let got = r.read::<T>(k).unwrap().unwrap();
    assert_eq!(got.shape, DT_SHAPE, "{k}");
    assert_eq!(bytes_of(&got.data), bytes_of(&want), "{k}");
    // Column-major, as a Fortran array of the same extents: a[i, j] at j * 2 + i.
    let f = r.read_order::<T>(k, Order::F).unwrap().unwrap().data;
    let transposed: Vec<T> = (0..6).map(|n| want[(n % 2) * 3 + n / 2]).collect();
    assert_eq!(bytes_of(&f), bytes_of(&transposed), "{k} in Fortran order");
}

#[test]
fn every_numeric_dtype_written_is_what_numpy_and_h5py_read() {
    let _serial = serial();
    for format in ["npz", "h5"] {
        let path = temp(&format!("dtypes-all.{format}"));
        let w = create(format, &path, &WriteOptions::default());
        w.write_bools("dt/bool", &DT_SHAPE, &DT_BOOLS).unwrap();
        each_numeric_dtype!(write_dt, &w);
        w.close().unwrap();
        python_check("all_dtypes.py", &["check", path.to_str().unwrap()]);

        let r = open(format, &path, &ReadOptions::default());
        let b = r.read_bools("dt/bool").unwrap().unwrap();
        assert_eq!((b.shape, b.data), (DT_SHAPE.to_vec(), DT_BOOLS.to_vec()), "{format}");
        each_numeric_dtype!(expect_dt, &r);
    }
}

#[test]
fn every_numeric_dtype_numpy_and_h5py_wrote_reads_as_numpy_reads_it() {
    let _serial = serial();
    for format in ["npz", "h5"] {
        let path = temp(&format!("dtypes-all-numpy.{format}"));
        python_check("all_dtypes.py", &["make", path.to_str().unwrap()]);
        let r = open(format, &path, &ReadOptions::default());
        assert_eq!(r.info("dt/bool").unwrap().dtype, DType::Bool);
        let b = r.read_bools("dt/bool").unwrap().unwrap();
        assert_eq!((b.shape, b.data), (DT_SHAPE.to_vec(), DT_BOOLS.to_vec()), "{format}");
        each_numeric_dtype!(expect_dt, &r);
        expect_mismatches(format, [("dt/int32", r.read::<i16>("dt/int32").unwrap_err())]);
    }
}
