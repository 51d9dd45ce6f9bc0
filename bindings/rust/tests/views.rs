//! Zero-copy NPZ views (ser_npz_view) compared with the written data and with NumPy's bytes.
mod common;

use chainerser::{ErrorKind, Reader, WriteOptions, Writer};
use common::*;

#[test]
fn views_equal_the_written_data() {
    let _serial = serial();
    let path = temp("view.npz");
    let w = Writer::create_npz_with(
        &path,
        &WriteOptions { compress: false, align_data: true, ..Default::default() },
    )
    .unwrap();
    write_model(&w).unwrap();
    w.write_bools("mask", &[3], &[true, false, true]).unwrap();
    w.close().unwrap();

    let r = Reader::open_npz(&path).unwrap();
    let l1 = r.child("predictor").unwrap();
    let v = l1.view::<f32>("l1/W").unwrap();
    assert_eq!((v.data, v.shape.as_slice(), v.fortran_order), (&l1_w()[..], &[3usize, 4][..], false));
    assert_eq!(r.view::<f64>("extra/f64").unwrap().data, &extra_f64()[..]);
    assert_eq!(r.view::<f32>("extra/f32").unwrap().data, [2.5]);
    let mask = r.view_bytes("mask").unwrap();
    assert_eq!((mask.bytes, mask.info.dtype), (&[1u8, 0, 1][..], chainerser::DType::Bool));

    // Bad input: wrong dtype, None, a missing key, a string member.
    assert_eq!(r.view::<i32>("predictor/l1/W").unwrap_err().kind(), ErrorKind::Mismatch);
    assert_eq!(r.view_bytes("predictor/lazy/W").unwrap_err().kind(), ErrorKind::Mismatch);
    let err = r.view::<f32>("predictor/l9/W").unwrap_err();
    assert!(err.kind() == ErrorKind::NotFound && err.message().contains("l9/W"), "{err}");
    assert_eq!(r.view::<u8>("extensions/LogReport/_log").unwrap_err().kind(), ErrorKind::Mismatch);
}

#[test]
fn views_of_numpy_data_keep_the_stored_order() {
    let _serial = serial();
    let r = Reader::open_npz(numpy_fixture("view-numpy.npz")).unwrap();
    let fo = r.view::<f64>("fo").unwrap();
    assert!(fo.fortran_order);
    assert_eq!(fo.data, [0., 3., 1., 4., 2., 5.], "column-major, as stored");
    let err = r.view::<f32>("be").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Mismatch, "big-endian is not the host's order: {err}");
    let be = r.view_bytes("be").unwrap();
    assert!(be.info.big_endian);
    let want: Vec<u8> = (0..6).flat_map(|i| (i as f32).to_be_bytes()).collect();
    assert_eq!(be.bytes, &want[..]);
}

#[test]
fn compressed_members_and_hdf5_cannot_be_viewed() {
    let _serial = serial();
    let err = Reader::open_npz(data("mlp.npz")).unwrap().view::<f32>("l1/W").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    let err = Reader::open_h5(data("cnn.h5")).unwrap().view::<f32>("head/0/W").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
}
