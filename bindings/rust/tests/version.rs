//! The runtime version agrees with itself and with the headers the build used.
use std::path::PathBuf;

#[test]
fn version_string_parts_and_number_agree() {
    let (major, minor, patch) = chainerser::version_parts();
    assert_eq!(chainerser::version(), format!("{major}.{minor}.{patch}"));
    assert_eq!(chainerser::version_number(), major * 10000 + minor * 100 + patch);
    let Some(dir) = std::env::var_os("CHAINERSER_INCLUDE_DIR") else { return };
    let header = std::fs::read_to_string(PathBuf::from(dir).join("chainerser/chainerser.h")).unwrap();
    let define = |name: &str| -> u32 {
        let line = header.lines().find(|l| l.starts_with(&format!("#define {name} "))).unwrap();
        line.split_whitespace().nth(2).unwrap().parse().unwrap()
    };
    assert_eq!((major, minor), (define("SER_VERSION_MAJOR"), define("SER_VERSION_MINOR")));
}
