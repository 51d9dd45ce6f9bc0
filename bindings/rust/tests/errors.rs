//! Error paths: an Err carrying the library's code and message, never a panic or a crash.
mod common;

use chainerser::{ErrorKind, Reader, Writer};
use common::*;

#[test]
fn missing_file() {
    let err = Reader::open_npz("/nonexistent/dir/model.npz").err().expect("must fail");
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(err.code(), -1);
    assert!(err.message().contains("/nonexistent/dir/model.npz"), "{err}");
    let err = Reader::open_h5("/nonexistent/dir/model.h5").err().expect("must fail");
    assert!(err.code() < 0 && !err.message().is_empty(), "{err}");
}

#[test]
fn missing_key() {
    let r = Reader::open_npz(data("mlp.npz")).unwrap();
    let err = r.read::<f32>("l9/W").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(err.message().contains("l9/W"), "{err}");
    let mut buf = [0f32; 3];
    let err = r.child("l9").unwrap().read_into("b", &[3], &mut buf).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(!r.has("l9/W").unwrap());
}

#[test]
fn shape_and_dtype_mismatch() {
    let r = Reader::open_npz(data("mlp.npz")).unwrap();
    let mut buf = vec![0f32; 32];
    let err = r.read_into("l1/W", &[4, 8], &mut buf).unwrap_err(); // stored (8, 4)
    assert_eq!(err.kind(), ErrorKind::Mismatch, "{err}");
    assert!(err.message().contains("l1/W"), "{err}");
    let err = r.read::<i32>("l1/W").unwrap_err(); // stored float32, no cast allowed
    assert_eq!(err.kind(), ErrorKind::Mismatch, "{err}");
    let err = r.read_into("l1/W", &[8, 4], &mut buf[..31]).unwrap_err(); // buffer too small
    assert!(err.code() < 0, "{err}");
    assert_eq!(buf, vec![0f32; 32], "a failed read leaves the buffer alone");
}

#[test]
fn bad_writes() {
    let w = Writer::create_npz(temp("bad.npz")).unwrap();
    let err = w.write::<f32>("W", &[2, 3], &[1.0; 5]).unwrap_err(); // 5 elements for (2, 3)
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    w.write_i64("n", 1).unwrap();
    let err = w.write_i64("n", 2).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Exists, "{err}");
    let err = w.write_i64("bad\0key", 2).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.to_string().contains("NUL"), "{err}");
    w.discard();
}
