//! Finds libchainerser: `CHAINERSER_LIB_DIR` (a directory holding libchainerser.so, e.g. the CMake
//! build tree) first, then `pkg-config chainerser`, then the linker's default search path.
//! An installed copy of this crate (`<prefix>/share/chainerser/rust`) has a file `pkgconfig-dir`
//! naming its prefix's .pc directory relative to the crate; pkg-config looks there first, so the
//! crate links the library it was installed with.
//! `CHAINERSER_INCLUDE_DIR` (or pkg-config's include dirs) is only used to notice whether the
//! HDF5 header `chainerser/hdf5.h` is present, which turns on `Reader::read_slab`.
use std::env;
use std::path::PathBuf;
use std::process::Command;

/// PKG_CONFIG_PATH with the installed crate's own .pc directory in front, if it has one.
fn pkg_config_path() -> Option<std::ffi::OsString> {
    let crate_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR")?);
    let marker = crate_dir.join("pkgconfig-dir");
    println!("cargo:rerun-if-changed={}", marker.display());
    let relative = std::fs::read_to_string(&marker).ok()?;
    let mut dirs = vec![crate_dir.join(relative.trim())];
    dirs.extend(env::var_os("PKG_CONFIG_PATH").iter().flat_map(env::split_paths));
    env::join_paths(dirs).ok()
}

fn pkg_config(args: &[&str]) -> Option<Vec<String>> {
    let mut command = Command::new("pkg-config");
    if let Some(path) = pkg_config_path() {
        command.env("PKG_CONFIG_PATH", path);
    }
    let out = command.args(args).arg("chainerser").output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).split_whitespace().map(str::to_owned).collect())
}

fn main() {
    println!("cargo:rerun-if-env-changed=CHAINERSER_LIB_DIR");
    println!("cargo:rerun-if-env-changed=CHAINERSER_INCLUDE_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rustc-check-cfg=cfg(chainerser_h5_slab)");

    let mut include_dirs: Vec<PathBuf> =
        env::var_os("CHAINERSER_INCLUDE_DIR").map(PathBuf::from).into_iter().collect();
    if let Some(dir) = env::var_os("CHAINERSER_LIB_DIR") {
        let dir = PathBuf::from(dir);
        println!("cargo:rustc-link-search=native={}", dir.display());
        // So that `cargo test` runs against this very library without LD_LIBRARY_PATH.
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    } else if let Some(flags) = pkg_config(&["--libs-only-L"]) {
        for dir in flags.iter().filter_map(|f| f.strip_prefix("-L")) {
            println!("cargo:rustc-link-search=native={dir}");
            println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        }
        if include_dirs.is_empty() {
            let cflags = pkg_config(&["--cflags-only-I"]).unwrap_or_default();
            include_dirs.extend(cflags.iter().filter_map(|f| f.strip_prefix("-I")).map(PathBuf::from));
        }
    } else {
        println!("cargo:warning=neither CHAINERSER_LIB_DIR nor pkg-config chainerser is set; linking -lchainerser from the default path");
    }
    println!("cargo:rustc-link-lib=dylib=chainerser");

    for dir in &include_dirs {
        let header = dir.join("chainerser").join("hdf5.h");
        println!("cargo:rerun-if-changed={}", header.display());
        if let Ok(text) = std::fs::read_to_string(&header) {
            if text.contains("ser_h5_get_array") {
                println!("cargo:rustc-cfg=chainerser_h5_slab");
            }
        }
    }
}
