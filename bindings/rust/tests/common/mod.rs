//! Shared by the integration tests: the model every binding writes (see
//! bindings/python_checks/check_model.py for the formulas), and the NumPy/h5py side.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

use chainerser::{Reader, Result, WriterGroup};

pub const LOG: &str = "[{\"main/loss\": 0.25, \"unit\": \"\u{b5}s\"}]";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn data(name: &str) -> PathBuf {
    root().join("tests/data").join(name)
}

/// Serialises the tests of one binary that open HDF5 files or start python. HDF5 opens its files
/// without close-on-exec and locks them: a python started by one test thread while another holds
/// an HDF5 file inherits the descriptor and its lock, and a later open of that file fails with
/// "unable to lock file" (EAGAIN) until python exits.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn python() -> String {
    std::env::var("CHAINERSER_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into())
}

/// A fresh path in a per-test directory under the system temp dir.
pub fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chainerser-rust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    let _ = std::fs::remove_file(&p);
    p
}

/// Runs a script of bindings/python_checks; panics with its output if it fails.
pub fn python_check(script: &str, args: &[&str]) -> String {
    let out = Command::new(python())
        .arg(root().join("bindings/python_checks").join(script))
        .args(args)
        .output()
        .expect("cannot run python");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} {args:?} failed:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// `a[idx] = sum(weights * idx) * scale + offset`, in C order.
pub fn grid(shape: &[usize], weights: &[f64], scale: f64, offset: f64) -> Vec<f64> {
    let n: usize = shape.iter().product();
    (0..n)
        .map(|mut flat| {
            let mut acc = 0.0;
            for (d, w) in shape.iter().zip(weights).rev() {
                acc += w * (flat % d) as f64;
                flat /= d;
            }
            acc * scale + offset
        })
        .collect()
}

pub fn f32s(v: Vec<f64>) -> Vec<f32> {
    v.into_iter().map(|x| x as f32).collect()
}

pub fn l1_w() -> Vec<f32> {
    f32s(grid(&[3, 4], &[10., 1.], 0.25, -2.))
}
pub fn l1_b() -> Vec<f32> {
    f32s(grid(&[3], &[1.], 0.5, -1.))
}
pub fn l2_w() -> Vec<f32> {
    f32s(grid(&[2, 3], &[10., 1.], 0.125, 0.))
}
pub fn l2_b() -> Vec<f32> {
    f32s(grid(&[2], &[1.], -1., 0.))
}
pub fn extra_i32() -> Vec<i32> {
    grid(&[2, 3, 4], &[100., 10., 1.], 1., 0.).into_iter().map(|x| x as i32).collect()
}
pub fn extra_f64() -> Vec<f64> {
    grid(&[2, 3, 2, 2], &[1000., 100., 10., 1.], 1., 0.5)
}

/// Writes the model the way Chainer's save_npz walks a Classifier: through child serializers.
pub fn write_model(w: &WriterGroup) -> Result<()> {
    let predictor = w.child("predictor")?;
    let l1 = predictor.child("l1")?;
    l1.write("W", &[3, 4], &l1_w())?;
    l1.write("b", &[3], &l1_b())?;
    let l2 = predictor.child("/l2/")?;
    assert_eq!(l2.path(), "predictor/l2/");
    l2.write("W", &[2, 3], &l2_w())?;
    l2.write("b", &[2], &l2_b())?;
    predictor.write_none("lazy/W")?;
    w.write_i64("updater/iteration", 1000)?;
    w.write_str("extensions/LogReport/_log", LOG)?;
    w.write("extra/i32", &[2, 3, 4], &extra_i32())?;
    w.write("extra/f64", &[2, 3, 2, 2], &extra_f64())?;
    w.write_scalar("extra/f32", 2.5f32)
}

pub const MODEL_KEYS: [&str; 10] = [
    "extensions/LogReport/_log",
    "extra/f32",
    "extra/f64",
    "extra/i32",
    "predictor/l1/W",
    "predictor/l1/b",
    "predictor/l2/W",
    "predictor/l2/b",
    "predictor/lazy/W",
    "updater/iteration",
];

/// Reads the model back through the binding and compares it with the formulas.
pub fn check_model(r: &Reader) -> Result<()> {
    assert_eq!(r.keys()?, MODEL_KEYS);
    let l1 = r.child("predictor")?.child("l1").map(|c| c.keys())??;
    assert_eq!(l1, ["W", "b"]);
    let w = r.read::<f32>("predictor/l1/W")?.unwrap();
    assert_eq!((w.shape, w.data), (vec![3, 4], l1_w()));
    assert_eq!(r.read::<f32>("predictor/l1/b")?.unwrap().data, l1_b());
    assert_eq!(r.read::<f32>("predictor/l2/W")?.unwrap().data, l2_w());
    assert_eq!(r.read::<f32>("predictor/l2/b")?.unwrap().data, l2_b());
    assert!(r.is_none("predictor/lazy/W")?);
    assert_eq!(r.read::<f32>("predictor/lazy/W")?, None);
    assert_eq!(r.read_i64("updater/iteration")?, Some(1000));
    assert_eq!(r.read_string("extensions/LogReport/_log")?.as_deref(), Some(LOG));
    let i = r.read::<i32>("extra/i32")?.unwrap();
    assert_eq!((i.shape, i.data), (vec![2, 3, 4], extra_i32()));
    assert_eq!(r.read::<f64>("extra/f64")?.unwrap().data, extra_f64());
    let s = r.read::<f32>("extra/f32")?.unwrap();
    assert_eq!((s.shape, s.data), (vec![], vec![2.5]));
    Ok(())
}

/// One line of dump_fixture.py: what NumPy/h5py read.
pub struct Dumped {
    pub key: String,
    pub descr: String,
    pub shape: Vec<usize>,
    pub sum: f64,
    pub first: f64,
    pub mid: f64,
    pub last: f64,
}

pub fn dump_fixture(path: &std::path::Path) -> Vec<Dumped> {
    python_check("dump_fixture.py", &[path.to_str().unwrap()])
        .lines()
        .map(|line| {
            let t: Vec<&str> = line.split_whitespace().collect();
            let ndim: usize = t[2].parse().unwrap();
            let f = |i: usize| t[3 + ndim + i].parse::<f64>().unwrap();
            Dumped {
                key: t[0].trim_matches('"').to_owned(),
                descr: t[1].to_owned(),
                shape: t[3..3 + ndim].iter().map(|d| d.parse().unwrap()).collect(),
                sum: f(0),
                first: f(1),
                mid: f(2),
                last: f(3),
            }
        })
        .collect()
}

/// Compares every numeric entry NumPy/h5py reports with what the binding reads.
pub fn compare_with_python(path: &std::path::Path, r: &Reader) {
    let dumped = dump_fixture(path);
    assert!(!dumped.is_empty());
    for d in dumped {
        let info = r.info(&d.key).unwrap();
        assert_eq!(info.shape, d.shape, "{}", d.key);
        let data: Vec<f64> = match d.descr.as_str() {
            "<f4" => r.read::<f32>(&d.key).unwrap().unwrap().data.into_iter().map(f64::from).collect(),
            "<f8" => r.read::<f64>(&d.key).unwrap().unwrap().data,
            "<i8" => r.read::<i64>(&d.key).unwrap().unwrap().data.into_iter().map(|v| v as f64).collect(),
            other => panic!("{}: dtype {other} not covered by this test", d.key),
        };
        let n = data.len();
        assert_eq!((data[0], data[n / 2], data[n - 1]), (d.first, d.mid, d.last), "{}", d.key);
        let sum: f64 = data.iter().sum();
        assert!((sum - d.sum).abs() <= 1e-9 * d.sum.abs().max(1.0), "{}: sum {sum} vs {}", d.key, d.sum);
    }
}

/// Writes python_checks/make_fixture.py's NumPy-made NPZ (big-endian, Fortran order, bool) at `name`.
pub fn numpy_fixture(name: &str) -> PathBuf {
    let path = temp(name);
    python_check("make_fixture.py", &[path.to_str().unwrap()]);
    path
}

/// Has NumPy/h5py check entries (python_checks/check_entries.py): (key, descr, shape, values).
pub fn check_entries(format: &str, path: &std::path::Path, entries: &[(&str, &str, &[usize], String)]) {
    let spec: Vec<String> =
        entries.iter().map(|(k, d, shape, values)| spec_entry(k, d, shape, "values", values)).collect();
    run_check_entries(format, path, &spec);
}

/// check_entries for bit patterns (float16 NaN, -0): NumPy/h5py compare the stored bytes.
pub fn check_entry_bits(
    format: &str, path: &std::path::Path, k: &str, descr: &str, shape: &[usize], bits: &[u64],
) {
    run_check_entries(format, path, &[spec_entry(k, descr, shape, "bits", &json_list(bits))]);
}

fn spec_entry(k: &str, descr: &str, shape: &[usize], field: &str, values: &str) -> String {
    format!("\"{k}\": {{\"descr\": \"{descr}\", \"shape\": {shape:?}, \"{field}\": [{values}]}}")
}

fn run_check_entries(format: &str, path: &std::path::Path, spec: &[String]) {
    python_check("check_entries.py", &[format, path.to_str().unwrap(), &format!("{{{}}}", spec.join(", "))]);
}

/// Joins values for check_entries' JSON lists.
pub fn json_list<T: std::fmt::Display>(values: &[T]) -> String {
    values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
}

/// Creates a writer of `format` ("npz" or "h5").
pub fn create(format: &str, path: &std::path::Path, opts: &chainerser::WriteOptions) -> chainerser::Writer {
    match format {
        "npz" => chainerser::Writer::create_npz_with(path, opts),
        _ => chainerser::Writer::create_h5_with(path, opts),
    }
    .unwrap()
}

/// Opens a reader of `format` ("npz" or "h5").
pub fn open(format: &str, path: &std::path::Path, opts: &chainerser::ReadOptions) -> Reader {
    match format {
        "npz" => Reader::open_npz_with(path, opts),
        _ => Reader::open_h5_with(path, opts),
    }
    .unwrap()
}

/// A JSON string literal of `s`, for check_entries' lists of str values.
pub fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out + "\""
}

/// A bytes element as check_entries takes it: a JSON string of its hex digits.
pub fn json_hex(bytes: &[u8]) -> String {
    format!("\"{}\"", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}
