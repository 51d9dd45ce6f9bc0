//! Writes l1/W as NPZ and HDF5 through the installed crate, reads it back and checks a missing
//! key's error. Usage: chainerser-consumer DIR
use std::path::Path;

use chainerser::{ErrorKind, Reader, Writer};

fn round_trip(path: &Path, hdf5: bool) -> chainerser::Result<()> {
    let w = [0f32, 1., 2., 3., 4., 5.];
    let out = if hdf5 { Writer::create_h5(path)? } else { Writer::create_npz(path)? };
    out.child("l1")?.write::<f32>("W", &[2, 3], &w)?;
    out.close()?;

    let r = if hdf5 { Reader::open_h5(path)? } else { Reader::open_npz(path)? };
    let back = r.read::<f32>("l1/W")?.expect("l1/W is not None");
    assert_eq!((back.shape.as_slice(), back.data.as_slice()), (&[2usize, 3][..], &w[..]), "{}", path.display());
    let err = r.read::<f32>("l1/nope").expect_err("l1/nope is not in the file");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.message().contains("l1/nope"), "{}", err.message());
    Ok(())
}

fn main() -> chainerser::Result<()> {
    let dir = std::env::args().nth(1).expect("usage: chainerser-consumer DIR");
    round_trip(&Path::new(&dir).join("rust.npz"), false)?;
    round_trip(&Path::new(&dir).join("rust.h5"), true)?;
    println!("rust consumer: ok, libchainerser {}", chainerser::version());
    Ok(())
}
