//! Reads real Chainer checkpoints (tests/data, see MANIFEST.json) and compares with NumPy/h5py.
mod common;

use chainerser::{Cast, ReadOptions, Reader};
use common::*;

#[test]
fn mlp_npz_matches_numpy() {
    let _serial = serial();
    let path = data("mlp.npz");
    let r = Reader::open_npz(&path).unwrap();
    assert_eq!(r.keys().unwrap(), ["l1/W", "l1/b", "l2/W", "l2/b", "l3/W", "l3/b"]);
    compare_with_python(&path, &r);
    // A Linear's W is (out, in): l1 maps 4 inputs to 8 outputs.
    assert_eq!(r.child("l1").unwrap().info("W").unwrap().shape, [8, 4]);
}

#[test]
fn cnn_npz_matches_numpy() {
    let _serial = serial();
    let path = data("cnn.npz");
    compare_with_python(&path, &Reader::open_npz(&path).unwrap());
}

#[test]
fn cnn_h5_matches_h5py() {
    let _serial = serial();
    let path = data("cnn.h5");
    let r = Reader::open_h5(&path).unwrap();
    compare_with_python(&path, &r);
    assert_eq!(r.read_i64("features/1/N").unwrap(), Some(2));
}

#[test]
fn read_options_path_and_cast() {
    let _serial = serial();
    // Chainer's load_npz(path='l2/'): keys are relative to the prefix; a safe cast widens.
    let opts = ReadOptions { path: "l2/".into(), cast: Cast::Safe, ..Default::default() };
    let r = Reader::open_npz_with(data("mlp.npz"), &opts).unwrap();
    assert_eq!(r.keys().unwrap(), ["W", "b"]);
    let wide = r.read::<f64>("W").unwrap().unwrap();
    let narrow = Reader::open_npz(data("mlp.npz")).unwrap().read::<f32>("l2/W").unwrap().unwrap();
    assert_eq!(wide.data, narrow.data.iter().map(|&v| f64::from(v)).collect::<Vec<_>>());
}

#[cfg(chainerser_h5_slab)]
#[test]
fn h5_hyperslab_equals_the_slice_of_the_full_array() {
    let _serial = serial();
    let r = Reader::open_h5(data("cnn.h5")).unwrap();
    let full = r.read::<f32>("head/0/W").unwrap().unwrap(); // (5, 54)
    let mut slab = vec![0f32; 2 * 10];
    let outcome = r.read_slab("head/0/W", &[1, 20], &[2, 10], &mut slab).unwrap();
    assert_eq!(outcome, chainerser::Outcome::Loaded);
    let want: Vec<f32> = (1..3).flat_map(|i| full.data[i * 54 + 20..i * 54 + 30].to_vec()).collect();
    assert_eq!(slab, want);
    let err = r.read_slab("head/0/W", &[4, 50], &[2, 10], &mut slab).unwrap_err();
    assert!(err.code() < 0 && !err.message().is_empty(), "{err}");
    // The HDF5-only call reads the same block, and refuses an NPZ reader.
    let mut h5_slab = vec![0f32; 2 * 10];
    assert_eq!(
        r.read_h5_slab("head/0/W", &[1, 20], &[2, 10], &mut h5_slab).unwrap(),
        chainerser::Outcome::Loaded
    );
    assert_eq!(h5_slab, want);
    let npz = Reader::open_npz(data("mlp.npz")).unwrap();
    let err = npz.read_h5_slab("l1/W", &[0, 0], &[1, 1], &mut slab[..1]).unwrap_err();
    assert_eq!(err.kind(), chainerser::ErrorKind::InvalidArgument, "{err}");
}

#[cfg(chainerser_h5_slab)]
#[test]
fn h5_lock_is_recursive_and_released_on_drop() {
    let _serial = serial();
    let outer = chainerser::H5Lock::acquire().unwrap();
    let inner = chainerser::H5Lock::acquire().unwrap();
    // The library's own HDF5 calls take the same recursive lock, so reading while held works.
    let r = Reader::open_h5(data("cnn.h5")).unwrap();
    assert_eq!(r.read_i64("features/3/N").unwrap(), Some(2));
    drop(inner);
    drop(outer);
    // Now another thread can take it.
    std::thread::spawn(|| drop(chainerser::H5Lock::acquire().unwrap())).join().unwrap();
}
