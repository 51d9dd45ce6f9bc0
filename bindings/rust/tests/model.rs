//! Writes the shared Chainer-layout model, reads it back, and has NumPy/h5py check the file.
mod common;

use std::path::Path;

use chainerser::{Reader, Result, Writer};
use common::*;

fn round_trip(create: fn(&Path) -> Result<Writer>, open: fn(&Path) -> Result<Reader>, format: &str) {
    let path = temp(&format!("model.{format}"));
    let w = create(&path).unwrap();
    write_model(&w).unwrap();
    w.close().unwrap();
    check_model(&open(&path).unwrap()).unwrap();
    python_check("check_model.py", &[format, path.to_str().unwrap()]);
}

/// The model written as a compressed NPZ at a fresh path.
fn model_npz(name: &str) -> std::path::PathBuf {
    let path = temp(name);
    let w = Writer::create_npz(&path).unwrap();
    write_model(&w).unwrap();
    w.close().unwrap();
    path
}

#[test]
fn npz_model_round_trip_checked_by_numpy() {
    let _serial = serial();
    round_trip(|p| Writer::create_npz(p), |p| Reader::open_npz(p), "npz");
}

#[test]
fn h5_model_round_trip_checked_by_h5py() {
    let _serial = serial();
    round_trip(|p| Writer::create_h5(p), |p| Reader::open_h5(p), "h5");
}

#[test]
fn npz_to_h5_through_the_binding_keeps_every_entry() {
    let _serial = serial();
    let npz = model_npz("copy.npz");
    // Read from NPZ, write to HDF5 with the typed calls (not ser_copy_all).
    let r = Reader::open_npz(&npz).unwrap();
    let h5 = temp("copy.h5");
    let w = Writer::create_h5(&h5).unwrap();
    for key in r.keys().unwrap() {
        let info = r.info(&key).unwrap();
        match info.dtype {
            chainerser::DType::None => w.write_none(&key),
            chainerser::DType::Unicode => w.write_str(&key, &r.read_string(&key).unwrap().unwrap()),
            chainerser::DType::Float32 => {
                w.write(&key, &info.shape, &r.read::<f32>(&key).unwrap().unwrap().data)
            }
            chainerser::DType::Float64 => {
                w.write(&key, &info.shape, &r.read::<f64>(&key).unwrap().unwrap().data)
            }
            chainerser::DType::Int32 => {
                w.write(&key, &info.shape, &r.read::<i32>(&key).unwrap().unwrap().data)
            }
            chainerser::DType::Int64 => {
                w.write(&key, &info.shape, &r.read::<i64>(&key).unwrap().unwrap().data)
            }
            other => panic!("{key}: unexpected {other:?}"),
        }
        .unwrap();
    }
    w.close().unwrap();
    python_check("check_model.py", &["h5", h5.to_str().unwrap()]);
}

#[test]
fn copy_all_and_copy_entry_through_the_library() {
    let _serial = serial();
    let npz = model_npz("copy-src.npz");
    let r = Reader::open_npz(&npz).unwrap();

    let h5 = temp("copy-all.h5");
    let w = Writer::create_h5(&h5).unwrap();
    w.copy_all(&r).unwrap();
    w.close().unwrap();
    python_check("check_model.py", &["h5", h5.to_str().unwrap()]);

    let one = temp("copy-entry.npz");
    let w = Writer::create_npz(&one).unwrap();
    w.copy_entry(&r, "predictor/l1/W").unwrap();
    // Through children: the key is the same relative key under each prefix.
    w.child("predictor").unwrap().copy_entry(&r.child("predictor").unwrap(), "lazy/W").unwrap();
    let err = w.copy_entry(&r, "predictor/l9/W").unwrap_err();
    assert!(err.kind() == chainerser::ErrorKind::NotFound && err.message().contains("l9/W"), "{err}");
    w.copy_entry(&r, "updater/iteration").unwrap();
    let err = w.copy_entry(&r, "updater/iteration").unwrap_err();
    assert_eq!(err.kind(), chainerser::ErrorKind::Exists, "{err}");
    w.close().unwrap();
    let c = Reader::open_npz(&one).unwrap();
    assert_eq!(c.keys().unwrap(), ["predictor/l1/W", "predictor/lazy/W", "updater/iteration"]);
    assert_eq!(c.read::<f32>("predictor/l1/W").unwrap().unwrap().data, l1_w());
    assert!(c.is_none("predictor/lazy/W").unwrap());
    assert_eq!(c.read_i64("updater/iteration").unwrap(), Some(1000));
}

#[test]
fn dropped_writer_discards_and_keeps_the_old_file() {
    let _serial = serial();
    let path = model_npz("dropped.npz");
    let before = std::fs::read(&path).unwrap();
    {
        let w = Writer::create_npz(&path).unwrap();
        w.write_i64("x", 1).unwrap();
        // dropped here: discarded, not committed
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let w = Writer::create_npz(&path).unwrap();
    w.write_i64("x", 1).unwrap();
    w.discard();
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn roots_move_to_other_threads() {
    let _serial = serial();
    fn assert_send<T: Send>() {}
    assert_send::<Reader>();
    assert_send::<Writer>();
    let path = temp("thread.npz");
    let w = Writer::create_npz(&path).unwrap();
    let w = std::thread::spawn(move || {
        w.write_i64("n", 7).unwrap();
        w
    })
    .join()
    .unwrap();
    w.close().unwrap();
    let r = Reader::open_npz(&path).unwrap();
    assert_eq!(std::thread::spawn(move || r.read_i64("n").unwrap()).join().unwrap(), Some(7));
}
