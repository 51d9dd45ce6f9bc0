//! The Rust example of bindings/README.md (kept compiling by `cargo test`, which builds examples).
use chainerser::{Reader, Writer};

fn main() -> chainerser::Result<()> {
    let w = Writer::create_npz("model.npz")?;
    {
        let predictor = w.child("predictor")?; // serializer['predictor']
        let l1 = predictor.child("l1")?; // children borrow their parent
        l1.write::<f32>("W", &[2, 3], &[0., 1., 2., 3., 4., 5.])?; // numpy shape (out, in), C order
        l1.write("b", &[2], &[0f32, 0.])?;
    }
    w.write_none("predictor/lazy/W")?;
    w.write_i64("updater/iteration", 1000)?;
    w.write_str("extensions/LogReport/_log", "[]")?;
    w.close()?; // commit; dropping `w` would discard

    let r = Reader::open_npz("model.npz")?;
    let wt = r.read::<f32>("predictor/l1/W")?.expect("not None");
    assert_eq!(wt.shape, [2, 3]);
    for key in r.keys()? {
        println!("{key}: {:?}", r.info(&key)?.shape);
    }
    match r.read::<f32>("predictor/l9/W") {
        Err(e) => eprintln!("{} (code {})", e.message(), e.code()), // names file and key
        Ok(_) => unreachable!(),
    }
    Ok(())
}
