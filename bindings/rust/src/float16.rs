//! IEEE 754 binary16 (numpy `float16`) without a crate: the raw bits, and conversions written
//! by hand. Narrowing rounds to nearest, ties to even; NaN keeps its sign and top payload bits
//! exactly as NumPy's `npy_doublebits_to_halfbits` does, so the results match NumPy bit for bit.
use std::fmt;

/// A numpy `float16` element: the IEEE 754 binary16 bit pattern, as stored in the file.
///
/// `==` compares bit patterns (so NaN equals the same NaN, and `0.0 != -0.0`); compare
/// [`F16::to_f32`] values for IEEE equality.
#[repr(transparent)]
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct F16(u16);

impl F16 {
    pub const ZERO: F16 = F16(0x0000);
    pub const ONE: F16 = F16(0x3c00);
    pub const INFINITY: F16 = F16(0x7c00);
    pub const NEG_INFINITY: F16 = F16(0xfc00);
    /// The quiet NaN NumPy makes of `np.nan`.
    pub const NAN: F16 = F16(0x7e00);
    /// 65504, the largest finite value.
    pub const MAX: F16 = F16(0x7bff);
    /// 2^-14, the smallest positive normal value.
    pub const MIN_POSITIVE: F16 = F16(0x0400);
    /// 2^-24, the smallest positive subnormal value.
    pub const MIN_POSITIVE_SUBNORMAL: F16 = F16(0x0001);

    pub const fn from_bits(bits: u16) -> F16 {
        F16(bits)
    }
    pub const fn to_bits(self) -> u16 {
        self.0
    }

    pub fn is_nan(self) -> bool {
        self.0 & 0x7c00 == 0x7c00 && self.0 & 0x03ff != 0
    }

    /// The nearest binary16 value (ties to even); out-of-range values become ±infinity.
    pub fn from_f32(x: f32) -> F16 {
        F16::from_f64(widen(x)) // exact, so a single rounding
    }

    /// The nearest binary16 value (ties to even), rounded once (not through f32).
    pub fn from_f64(x: f64) -> F16 {
        let b = x.to_bits();
        let sign = ((b >> 48) & 0x8000) as u16;
        let exp = ((b >> 52) & 0x7ff) as i32;
        let man = b & ((1 << 52) - 1);
        if exp == 0x7ff {
            // Infinity, or NaN with the top ten payload bits (never zero, or it would be infinity).
            let payload = if man == 0 { 0 } else { ((man >> 42) as u16).max(1) };
            return F16(sign | 0x7c00 | payload);
        }
        let e = exp - 1023; // unbiased; an f64 subnormal (exp 0) lands far below the f16 range
        if e > 15 {
            return F16(sign | 0x7c00);
        }
        if e >= -14 {
            // Normal: keep ten mantissa bits and round on the 42 dropped; a carry may run into the
            // exponent (the next binade, or infinity), which is the right answer.
            let h = (((e + 15) as u64) << 10) | (man >> 42);
            return F16(sign | round_off(h, man, 42) as u16);
        }
        if e < -25 {
            return F16(sign); // below half the smallest subnormal: ±0
        }
        // Subnormal: the value in units of 2^-24, from the 53-bit significand; a carry out of
        // the ten bits gives the smallest normal value, again correctly.
        let significand = man | (1 << 52);
        let shift = (28 - e) as u32; // 43 ..= 53
        F16(sign | round_off(significand >> shift, significand, shift) as u16)
    }

    /// The exact f32 value (every binary16 value is one).
    pub fn to_f32(self) -> f32 {
        let h = u32::from(self.0);
        let sign = (h & 0x8000) << 16;
        let exp = (h >> 10) & 0x1f;
        let man = h & 0x3ff;
        let bits = match exp {
            0 if man == 0 => sign,
            0 => {
                // Subnormal man * 2^-24: shift the top set bit into the implicit-one place.
                let shift = man.leading_zeros() - 21;
                sign | ((113 - shift) << 23) | (((man << shift) & 0x3ff) << 13)
            }
            0x1f => sign | 0x7f80_0000 | (man << 13), // infinity, or NaN with its payload
            _ => sign | ((exp + 112) << 23) | (man << 13),
        };
        f32::from_bits(bits)
    }

    /// The exact f64 value.
    pub fn to_f64(self) -> f64 {
        widen(self.to_f32())
    }
}

/// f32 to f64, exact for NaN too: the hardware conversion (`as`, `From`) quiets a signalling
/// NaN, which would change the float16 bits on a round trip.
fn widen(x: f32) -> f64 {
    if !x.is_nan() {
        return f64::from(x);
    }
    let b = u64::from(x.to_bits());
    f64::from_bits(((b & 0x8000_0000) << 32) | (0x7ff << 52) | ((b & 0x7f_ffff) << 29))
}

/// `kept` (the value truncated to its last `dropped` bits of `full`) rounded to nearest, ties to
/// even, on those dropped bits.
fn round_off(kept: u64, full: u64, dropped: u32) -> u64 {
    let rest = full & ((1u64 << dropped) - 1);
    let half = 1u64 << (dropped - 1);
    if rest > half || (rest == half && kept & 1 == 1) {
        kept + 1
    } else {
        kept
    }
}

impl From<F16> for f32 {
    fn from(h: F16) -> f32 {
        h.to_f32()
    }
}

impl From<F16> for f64 {
    fn from(h: F16) -> f64 {
        h.to_f64()
    }
}

impl fmt::Debug for F16 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}f16", self.to_f32())
    }
}

impl fmt::Display for F16 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_f32(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::F16;

    #[test]
    fn every_bit_pattern_survives_the_round_trip_through_f32_and_f64() {
        for bits in 0..=u16::MAX {
            let h = F16::from_bits(bits);
            assert_eq!(F16::from_f32(h.to_f32()).to_bits(), bits, "{bits:#06x}");
            assert_eq!(F16::from_f64(h.to_f64()).to_bits(), bits, "{bits:#06x}");
            assert_eq!(h.is_nan(), h.to_f32().is_nan(), "{bits:#06x}");
        }
    }

    #[test]
    fn known_values() {
        let cases: [(f64, u16); 16] = [
            (0.0, 0x0000),
            (-0.0, 0x8000),
            (1.0, 0x3c00),
            (-2.0, 0xc000),
            (1.0 / 3.0, 0x3555),
            (65504.0, 0x7bff),
            (65519.99, 0x7bff), // below the midpoint to 65536: stays finite
            (65520.0, 0x7c00),  // the midpoint rounds to even: infinity
            (1e10, 0x7c00),
            (2f64.powi(-14), 0x0400), // smallest normal
            (2f64.powi(-24), 0x0001), // smallest subnormal
            (2f64.powi(-25), 0x0000), // half of it: ties to even, zero
            (1.5 * 2f64.powi(-25), 0x0001),
            (3.0 * 2f64.powi(-25), 0x0002), // 1.5 subnormal units: ties to even, 2
            (-1e-30, 0x8000),
            (f64::NEG_INFINITY, 0xfc00),
        ];
        for (x, bits) in cases {
            assert_eq!(F16::from_f64(x).to_bits(), bits, "{x:e}");
        }
        assert_eq!(F16::from_f64(f64::NAN).to_bits(), 0x7e00, "NumPy's float16(nan)");
        assert_eq!(F16::from_f32(1.0 + f32::EPSILON).to_bits(), 0x3c00);
        // One rounding, not two: 1 + 2^-11 + 2^-30 is just above a tie in f64 and rounds up,
        // while rounding it to f32 first would land on the tie and round down to even.
        assert_eq!(F16::from_f64(1.0 + 2f64.powi(-11) + 2f64.powi(-30)).to_bits(), 0x3c01);
        assert_eq!(F16::from_bits(0x0001).to_f64(), 2f64.powi(-24));
        assert_eq!(F16::from_bits(0x03ff).to_f64(), 1023.0 * 2f64.powi(-24));
        assert_eq!(F16::MAX.to_f32(), 65504.0);
    }
}
