package chainerser

import (
	"math"
	"strconv"
)

// F16 is a numpy float16 element: the IEEE 754 binary16 bit pattern, as stored in the file (the
// DType constant Float16 names the dtype). == compares bit patterns; compare Float32 values for
// IEEE equality.
//
// Narrowing rounds to nearest, ties to even; NaN keeps its sign and top payload bits exactly as
// NumPy's npy_doublebits_to_halfbits does, so the results match NumPy bit for bit.
type F16 uint16

// Some float16 values.
const (
	F16Zero         F16 = 0x0000
	F16One          F16 = 0x3c00
	F16Inf          F16 = 0x7c00
	F16NegInf       F16 = 0xfc00
	F16NaN          F16 = 0x7e00 // the quiet NaN NumPy makes of np.nan
	F16Max          F16 = 0x7bff // 65504, the largest finite value
	F16MinNormal    F16 = 0x0400 // 2^-14
	F16MinSubnormal F16 = 0x0001 // 2^-24
)

// F16FromFloat32 is the nearest float16 (ties to even); out-of-range values become ±Inf.
func F16FromFloat32(x float32) F16 { return F16FromFloat64(widen(x)) } // exact, so one rounding

// F16FromFloat64 is the nearest float16 (ties to even), rounded once (not through float32).
func F16FromFloat64(x float64) F16 {
	b := math.Float64bits(x)
	sign := F16(b>>48) & 0x8000
	exp := int((b >> 52) & 0x7ff)
	man := b & (1<<52 - 1)
	if exp == 0x7ff {
		// Inf, or NaN with the top ten payload bits (never zero, or it would be Inf).
		payload := F16(0)
		if man != 0 {
			payload = F16(man >> 42)
			if payload == 0 {
				payload = 1
			}
		}
		return sign | 0x7c00 | payload
	}
	e := exp - 1023 // unbiased; a float64 subnormal lands far below the float16 range
	switch {
	case e > 15:
		return sign | 0x7c00
	case e >= -14:
		// Normal: ten mantissa bits, rounded on the 42 dropped; a carry may run into the
		// exponent (the next binade, or Inf), which is the right answer.
		return sign | F16(roundOff(uint64(e+15)<<10|man>>42, man, 42))
	case e < -25:
		return sign // below half the smallest subnormal: ±0
	}
	// Subnormal: the value in units of 2^-24 from the 53-bit significand; a carry out of the ten
	// bits gives the smallest normal value, again correctly.
	significand := man | 1<<52
	shift := uint(28 - e) // 43 ..= 53
	return sign | F16(roundOff(significand>>shift, significand, shift))
}

// roundOff rounds kept (full without its last dropped bits) to nearest, ties to even.
func roundOff(kept, full uint64, dropped uint) uint64 {
	rest, half := full&(1<<dropped-1), uint64(1)<<(dropped-1)
	if rest > half || (rest == half && kept&1 == 1) {
		return kept + 1
	}
	return kept
}

// Float32 is the exact value (every float16 value is a float32).
func (h F16) Float32() float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h) & 0x3ff
	var bits uint32
	switch {
	case exp == 0 && man == 0:
		bits = sign
	case exp == 0:
		// Subnormal man * 2^-24: shift the top set bit into the implicit-one place.
		shift := uint32(0)
		for man<<shift&0x400 == 0 {
			shift++
		}
		bits = sign | (113-shift)<<23 | (man<<shift&0x3ff)<<13
	case exp == 0x1f:
		bits = sign | 0x7f800000 | man<<13 // Inf, or NaN with its payload
	default:
		bits = sign | (exp+112)<<23 | man<<13
	}
	return math.Float32frombits(bits)
}

// Float64 is the exact value.
func (h F16) Float64() float64 { return widen(h.Float32()) }

// IsNaN reports whether h is a NaN.
func (h F16) IsNaN() bool { return h&0x7c00 == 0x7c00 && h&0x3ff != 0 }

// String formats the value as a float32.
func (h F16) String() string { return strconv.FormatFloat(float64(h.Float32()), 'g', -1, 32) }

// widen converts exactly, NaN included: the hardware conversion quiets a signalling NaN, which
// would change the float16 bits on a round trip.
func widen(x float32) float64 {
	if x == x {
		return float64(x)
	}
	b := uint64(math.Float32bits(x))
	return math.Float64frombits((b&0x80000000)<<32 | 0x7ff<<52 | (b&0x7fffff)<<29)
}
