use crate::{sys, F16};

/// Element types, with the library's pinned `ser_dtype` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DType {
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float16,
    Float32,
    Float64,
    Complex64,
    Complex128,
    /// numpy `<U n`
    Unicode,
    /// numpy `|S n`
    Bytes,
    /// Chainer's None
    None,
    /// A value this binding does not know (a newer library).
    Other(i32),
}

const TABLE: [DType; 17] = [
    DType::Bool,
    DType::Int8,
    DType::Int16,
    DType::Int32,
    DType::Int64,
    DType::UInt8,
    DType::UInt16,
    DType::UInt32,
    DType::UInt64,
    DType::Float16,
    DType::Float32,
    DType::Float64,
    DType::Complex64,
    DType::Complex128,
    DType::Unicode,
    DType::Bytes,
    DType::None,
];

impl DType {
    /// The `ser_dtype` value.
    pub fn to_raw(self) -> i32 {
        match self {
            DType::Other(v) => v,
            known => TABLE.iter().position(|d| *d == known).map_or(0, |i| i as i32 + 1),
        }
    }
    pub fn from_raw(v: i32) -> DType {
        usize::try_from(v - 1).ok().and_then(|i| TABLE.get(i).copied()).unwrap_or(DType::Other(v))
    }
    /// numpy's name ("float32"), from the library's table.
    pub fn name(self) -> Option<String> {
        // SAFETY: static string or NULL.
        let p = unsafe { sys::ser_dtype_name(self.to_raw()) };
        (!p.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A numpy `complex64` element (`<c8`): two f32, real part first (C99's `float complex`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Complex32 {
    pub re: f32,
    pub im: f32,
}

/// A numpy `complex128` element (`<c16`): two f64, real part first (C99's `double complex`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Complex64 {
    pub re: f64,
    pub im: f64,
}

impl Complex32 {
    pub const fn new(re: f32, im: f32) -> Complex32 {
        Complex32 { re, im }
    }
}

impl Complex64 {
    pub const fn new(re: f64, im: f64) -> Complex64 {
        Complex64 { re, im }
    }
}

/// A Rust element type with a numpy dtype: the integer types, [`F16`], `f32`, `f64`,
/// [`Complex32`] and [`Complex64`]. Every bit pattern the file may hold is a valid value of
/// these types (not so for `bool`, hence `write_bools`/`read_bools`; strings have their own
/// calls, `write_strings` and `write_byte_strings`).
pub trait Element: sealed::Sealed + Copy + Default + 'static {
    const DTYPE: DType;
}

macro_rules! element {
    ($($t:ty => $d:ident),*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t { const DTYPE: DType = DType::$d; }
    )*};
}
element!(i8 => Int8, i16 => Int16, i32 => Int32, i64 => Int64, u8 => UInt8, u16 => UInt16, u32 => UInt32,
         u64 => UInt64, F16 => Float16, f32 => Float32, f64 => Float64, Complex32 => Complex64,
         Complex64 => Complex128);
