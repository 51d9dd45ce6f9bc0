//! Bool arrays, the per-entry details of ser_array_info, blocks (ser_get_array_slab) and batched
//! reads (ser_get_arrays), each checked against NumPy or against single whole reads.
mod common;

use chainerser::{ErrorKind, Outcome, ReadOptions, ReadRequest, Reader, WriteOptions};
use common::*;

const MASK: [bool; 6] = [true, false, true, false, false, true];

#[test]
fn bool_arrays_round_trip_checked_by_numpy() {
    let _serial = serial();
    for format in ["npz", "h5"] {
        let path = temp(&format!("bools.{format}"));
        let w = create(format, &path, &WriteOptions::default());
        w.child("m").unwrap().write_bools("mask", &[2, 3], &MASK).unwrap();
        w.write_bools("flag", &[], &[true]).unwrap();
        w.close().unwrap();
        let values: Vec<&str> = MASK.iter().map(|&b| if b { "true" } else { "false" }).collect();
        check_entries(
            format,
            &path,
            &[("m/mask", "|b1", &[2, 3], values.join(", ")), ("flag", "|b1", &[], "true".into())],
        );

        let r = open(format, &path, &ReadOptions::default());
        let a = r.read_bools("m/mask").unwrap().unwrap();
        assert_eq!((a.shape, a.data), (vec![2, 3], MASK.to_vec()), "{format}");
        let mut out = [false; 6];
        assert_eq!(r.read_bools_into("m/mask", &[2, 3], &mut out).unwrap(), Outcome::Loaded);
        assert_eq!(out, MASK);
        assert_eq!(r.read_bool("flag").unwrap(), Some(true));
        // Bad input: a bool array is not float32, and a float array is not bool.
        assert_eq!(r.read::<f32>("m/mask").unwrap_err().kind(), ErrorKind::Mismatch);
        assert_eq!(r.read_bools("m/nope").unwrap_err().kind(), ErrorKind::NotFound);
        let err = r.read_bools_into("m/mask", &[3, 2], &mut out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Mismatch, "{err}");
        assert_eq!(out, MASK, "a failed read leaves the buffer alone");
    }
}

#[test]
fn numpy_bools_byte_order_and_fortran_order() {
    let _serial = serial();
    let path = numpy_fixture("numpy.npz");
    let r = Reader::open_npz(&path).unwrap();
    assert_eq!(r.read_bools("mask").unwrap().unwrap().data, MASK);
    assert_eq!(r.read_f64("mask").unwrap_err().kind(), ErrorKind::Mismatch, "a bool array is not a scalar");
    let be = r.info("be").unwrap();
    assert!(be.big_endian && !be.fortran_order, "{be:?}");
    let fo = r.info("fo").unwrap();
    assert!(!fo.big_endian && fo.fortran_order, "{fo:?}");
    assert!(!r.info("i32").unwrap().big_endian);
    // Reads convert both to the host's C order.
    assert_eq!(r.read::<f32>("be").unwrap().unwrap().data, [0., 1., 2., 3., 4., 5.]);
    assert_eq!(r.read::<f64>("fo").unwrap().unwrap().data, [0., 1., 2., 3., 4., 5.]);
}

/// The elements `offset .. offset + count` of a C-order (rows, cols) array.
fn block<T: Copy>(full: &[T], cols: usize, offset: [usize; 2], count: [usize; 2]) -> Vec<T> {
    (offset[0]..offset[0] + count[0])
        .flat_map(|i| full[i * cols + offset[1]..][..count[1]].to_vec())
        .collect()
}

#[test]
fn slab_equals_the_block_of_the_full_array_in_both_formats() {
    let _serial = serial();
    let values: Vec<i32> = (0..7 * 5).collect();
    for (format, compress) in [("npz", true), ("npz", false), ("h5", true)] {
        let path = temp(&format!("slab-{compress}.{format}"));
        let w = create(format, &path, &WriteOptions { compress, ..Default::default() });
        w.write("a", &[7, 5], &values).unwrap();
        w.close().unwrap();
        let r = open(format, &path, &ReadOptions::default());
        let mut out = vec![0i32; 3 * 2];
        assert_eq!(r.read_slab("a", &[2, 1], &[3, 2], &mut out).unwrap(), Outcome::Loaded);
        assert_eq!(out, block(&values, 5, [2, 1], [3, 2]), "{format} compress={compress}");
        let err = r.read_slab("a", &[6, 4], &[3, 2], &mut out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "outside the array: {err}");
        assert_eq!(
            r.read_slab::<f32>("a", &[0, 0], &[1, 1], &mut [0.]).unwrap_err().kind(),
            ErrorKind::Mismatch
        );
        assert_eq!(
            r.read_slab("b", &[0, 0], &[1, 1], &mut out[..1]).unwrap_err().kind(),
            ErrorKind::NotFound
        );
    }
}

#[test]
fn batched_reads_equal_single_reads() {
    let _serial = serial();
    let opts = ReadOptions { threads: 2, ..Default::default() };
    let r = Reader::open_npz_with(data("cnn.npz"), &opts).unwrap();
    let keys: Vec<String> = r
        .keys()
        .unwrap()
        .into_iter()
        .filter(|k| r.info(k).unwrap().dtype == chainerser::DType::Float32)
        .collect();
    assert!(keys.len() > 2);
    let infos: Vec<_> = keys.iter().map(|k| r.info(k).unwrap()).collect();
    let mut bufs: Vec<Vec<f32>> = infos.iter().map(|i| vec![0f32; i.count]).collect();
    let mut requests: Vec<ReadRequest> = keys
        .iter()
        .zip(&infos)
        .zip(bufs.iter_mut())
        .map(|((k, i), b)| ReadRequest::new(k, &i.shape, b).unwrap())
        .collect();
    r.read_batch(&mut requests).unwrap();
    assert!(requests.iter().all(|q| matches!(q.result(), Some(Ok(Outcome::Loaded)))));
    drop(requests);
    for (k, b) in keys.iter().zip(&bufs) {
        assert_eq!(&r.read::<f32>(k).unwrap().unwrap().data, b, "{k}");
    }

    // Every request is attempted: the bad ones fail on their own, the good one is loaded.
    let (mut good, mut wrong_dtype, mut missing) =
        (vec![0f32; infos[0].count], vec![0i32; infos[0].count], [0f32; 1]);
    let mut requests = vec![
        ReadRequest::new("no/such/key", &[1], &mut missing).unwrap(),
        ReadRequest::new(&keys[0], &infos[0].shape, &mut wrong_dtype).unwrap(),
        ReadRequest::new(&keys[0], &infos[0].shape, &mut good).unwrap(),
    ];
    let err = r.read_batch(&mut requests).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "the first failure: {err}");
    assert!(err.message().contains("no/such/key"), "{err}");
    assert_eq!(requests[0].result().unwrap().as_ref().unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(requests[1].result().unwrap().as_ref().unwrap_err().kind(), ErrorKind::Mismatch);
    assert_eq!(requests[2].result().unwrap().as_ref().ok(), Some(&Outcome::Loaded));
    drop(requests);
    assert_eq!(good, bufs[0]);
}
