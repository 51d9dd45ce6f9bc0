//! Open options: the ignore predicate (ser_options.ignore_fn), the limits, threads and align_data.
mod common;

use std::sync::{Arc, Mutex};

use chainerser::{ErrorKind, Limits, Outcome, ReadOptions, ReadRequest, Reader, WriteOptions, Writer};
use common::*;

#[test]
fn ignore_predicate_skips_keys_and_sees_full_keys() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let opts = ReadOptions {
        path: "l2/".into(),
        ignore: Some(Arc::new(move |k: &str| {
            log.lock().unwrap().push(k.to_owned());
            k.ends_with("/b")
        })),
        ..Default::default()
    };
    let r = Reader::open_npz_with(data("mlp.npz"), &opts).unwrap();
    drop(opts); // the reader keeps the predicate alive
    let mut b = [7f32; 3];
    assert_eq!(r.read_into("b", &[3], &mut b).unwrap(), Outcome::SkippedIgnored);
    assert_eq!(b, [7.; 3], "an ignored key leaves the target alone");
    assert!(r.read::<f32>("W").unwrap().is_some());
    let seen = seen.lock().unwrap();
    assert!(seen.contains(&"l2/b".to_owned()) && seen.contains(&"l2/W".to_owned()), "{seen:?}");
}

#[test]
fn ignore_predicate_in_batched_reads_on_worker_threads_and_after_a_panic() {
    let opts = ReadOptions {
        threads: 2,
        ignore: Some(Arc::new(|k: &str| {
            assert!(k != "l3/W", "a panicking predicate counts as not ignored");
            k.starts_with("l1/")
        })),
        ..Default::default()
    };
    let r = Reader::open_npz_with(data("mlp.npz"), &opts).unwrap();
    let (mut w1, mut w2, mut w3) = (vec![0f32; 32], vec![0f32; 8 * 8], vec![0f32; 3 * 8]);
    let mut requests = vec![
        ReadRequest::new("l1/W", &[8, 4], &mut w1).unwrap(),
        ReadRequest::new("l2/W", &[8, 8], &mut w2).unwrap(),
        ReadRequest::new("l3/W", &[3, 8], &mut w3).unwrap(),
    ];
    r.read_batch(&mut requests).unwrap();
    let outcomes: Vec<Outcome> = requests.iter().map(|q| *q.result().unwrap().as_ref().unwrap()).collect();
    assert_eq!(outcomes, [Outcome::SkippedIgnored, Outcome::Loaded, Outcome::Loaded]);
    drop(requests);
    assert_eq!(w1, vec![0f32; 32]);
    let plain = Reader::open_npz(data("mlp.npz")).unwrap();
    assert_eq!(w3, plain.read::<f32>("l3/W").unwrap().unwrap().data);
}

#[test]
fn limits_default_to_the_library_and_are_enforced() {
    let d = Limits::default();
    assert_eq!((d.max_header_bytes, d.max_members, d.max_inflate_ratio), (10000, 1048576, 1032));
    assert_eq!((d.max_entry_bytes, d.max_total_bytes), (0, 0));

    let limited = |limits: Limits| ReadOptions { limits, ..Default::default() };
    // l1/W is (8, 4) float32: 128 bytes.
    let r = Reader::open_npz_with(data("mlp.npz"), &limited(Limits { max_entry_bytes: 100, ..d })).unwrap();
    let err = r.read::<f32>("l1/W").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit, "{err}");
    assert!(r.read::<f32>("l1/b").is_ok());

    let r = Reader::open_npz_with(data("mlp.npz"), &limited(Limits { max_total_bytes: 150, ..d })).unwrap();
    assert!(r.read::<f32>("l1/W").is_ok());
    assert_eq!(r.read::<f32>("l1/W").unwrap_err().kind(), ErrorKind::Limit, "the total is per root");

    let err = Reader::open_npz_with(data("mlp.npz"), &limited(Limits { max_members: 2, ..d })).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Limit, "{err}");

    let r = Reader::open_npz_with(data("mlp.npz"), &limited(Limits { max_header_bytes: 16, ..d }));
    let err = r.and_then(|r| r.info("l1/W")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit, "{err}");
}

#[test]
fn align_data_puts_every_stored_member_on_64_bytes() {
    let path = temp("aligned.npz");
    let opts = WriteOptions { compress: false, align_data: true, ..Default::default() };
    let w = Writer::create_npz_with(&path, &opts).unwrap();
    for (i, n) in [1usize, 3, 5, 7].into_iter().enumerate() {
        w.write(&format!("k{i}"), &[n], &vec![1u8; n]).unwrap();
        w.write(&format!("f{i}"), &[n], &vec![1f64; n]).unwrap();
    }
    w.close().unwrap();
    let r = Reader::open_npz(&path).unwrap();
    for k in r.keys().unwrap() {
        let v = r.view_bytes(&k).unwrap();
        assert_eq!(v.bytes.as_ptr() as usize % 64, 0, "{k}");
    }
}
