package chainerser

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// NumPy's float16 of 0, -0, 1/3, 65504, 2**-24, inf, -inf, nan (make_fixture.py's f16).
var f16Special = []F16{0x0000, 0x8000, 0x3555, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x7e00}

var (
	testStrings     = []string{"a", "bc", "日本語", "😀"}
	testByteStrings = [][]byte{[]byte("ab"), {0, 1}, []byte("abcd")}
)

func TestF16EveryBitPatternSurvivesTheRoundTrip(t *testing.T) {
	for bits := 0; bits <= math.MaxUint16; bits++ {
		h := F16(bits)
		if got := F16FromFloat32(h.Float32()); got != h {
			t.Fatalf("%#04x through float32: %#04x", bits, uint16(got))
		}
		if got := F16FromFloat64(h.Float64()); got != h {
			t.Fatalf("%#04x through float64: %#04x", bits, uint16(got))
		}
		if h.IsNaN() != math.IsNaN(h.Float64()) {
			t.Fatalf("%#04x: IsNaN %v", bits, h.IsNaN())
		}
	}
}

func TestF16KnownValues(t *testing.T) {
	for _, c := range []struct {
		x    float64
		bits F16
	}{
		{0, 0x0000}, {math.Copysign(0, -1), 0x8000}, {1, F16One}, {-2, 0xc000}, {1.0 / 3, 0x3555},
		{65504, F16Max}, {65519.99, F16Max}, // below the midpoint to 65536: stays finite
		{65520, F16Inf}, // the midpoint rounds to even: Inf
		{1e10, F16Inf}, {math.Ldexp(1, -14), F16MinNormal}, {math.Ldexp(1, -24), F16MinSubnormal},
		{math.Ldexp(1, -25), 0x0000}, // half the smallest subnormal: ties to even, zero
		{math.Ldexp(1.5, -25), 0x0001}, {math.Ldexp(3, -25), 0x0002}, {-1e-30, 0x8000},
		{math.Inf(-1), F16NegInf}, {math.NaN(), F16NaN},
		// One rounding, not two: just above a tie in float64; through float32 it would be the tie.
		{1 + math.Ldexp(1, -11) + math.Ldexp(1, -30), 0x3c01},
	} {
		if got := F16FromFloat64(c.x); got != c.bits {
			t.Errorf("%g: %#04x, want %#04x", c.x, uint16(got), uint16(c.bits))
		}
	}
	if F16(0x03ff).Float64() != 1023*math.Ldexp(1, -24) || F16Max.Float32() != 65504 || F16(0x3555).String() != "0.33325195" {
		t.Errorf("widening: %v %v %v", F16(0x03ff).Float64(), F16Max.Float32(), F16(0x3555))
	}
}

// f16Sweep is finite values across float16's range and beyond: ties of both parities, subnormal
// ties and a pseudo-random spread of magnitudes 2^-26 .. 2^16, with both signs.
func f16Sweep() []float64 {
	var v []float64
	for k := 0; k < 64; k++ {
		v = append(v, math.Ldexp(float64(k), -25), 1+math.Ldexp(float64(k), -11))
	}
	v = append(v, 65504, 65519, 6.1e-5, 5.96e-8, math.Ldexp(1, -14)-math.Ldexp(1, -25))
	x := uint64(0x2545f4914f6cdd1d)
	for i := 0; i < 400; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		m := 1 + float64(x>>11)/float64(uint64(1)<<53)
		if x&1 == 1 {
			m = -m
		}
		v = append(v, math.Ldexp(m, int(x%42)-26))
	}
	return v
}

func pairs[T complex64 | complex128](v []T) [][2]float64 {
	out := make([][2]float64, len(v))
	for i, c := range v {
		out[i] = [2]float64{real(complex128(c)), imag(complex128(c))}
	}
	return out
}

func hexes(v [][]byte) []string {
	out := make([]string, len(v))
	for i, b := range v {
		out[i] = hex.EncodeToString(b)
	}
	return out
}

// wantMismatches checks that every error is ErrMismatch naming its key (quoted, as the library does).
func wantMismatches(t *testing.T, errs map[string]error) {
	t.Helper()
	for key, err := range errs {
		wantError(t, err, ErrMismatch, "'"+key)
	}
}

func TestFloat16AndComplexWrittenAreWhatNumPyAndH5pyRead(t *testing.T) {
	sweep := f16Sweep()
	rounded := make([]F16, len(sweep))
	for i, x := range sweep {
		rounded[i] = F16FromFloat64(x)
	}
	c8 := []complex64{1 + 2i, -0.5 + 0.25i, 3 - 4i, 1e-3i}
	c16 := []complex128{0.1 - 1e300i, 2.5 + 1e-300i, -3}
	for _, format := range []string{"npz", "h5"} {
		path := filepath.Join(t.TempDir(), "numeric."+format)
		w := mustCreate(t, format, path, nil)
		must(t, Put(w, "h/special", []int64{2, 4}, f16Special))
		must(t, Put(w, "h/sweep", []int64{int64(len(sweep))}, rounded))
		must(t, Put(w, "h/one", nil, []F16{F16One}))
		c, err := w.Child("c")
		must(t, err)
		must(t, Put(c, "c8", []int64{2, 2}, c8))
		c.Close()
		must(t, Put(w, "c/c16", []int64{3}, c16))
		must(t, Put(w, "c/scalar", nil, []complex128{-1 + 0.5i}))
		must(t, w.Close())

		bits := make([]uint64, len(f16Special))
		for i, h := range f16Special {
			bits[i] = uint64(h)
		}
		checkEntryBits(t, format, path, "h/special", "<f2", []int64{2, 4}, bits)
		// NumPy rounds each float64 to float16 itself: our rounding must agree on every value.
		checkEntries(t, format, path, map[string]spec{
			"h/sweep":  {"<f2", []int64{int64(len(sweep))}, sweep},
			"h/one":    {"<f2", []int64{}, []float64{1}},
			"c/c8":     {"<c8", []int64{2, 2}, pairs(c8)},
			"c/c16":    {"<c16", []int64{3}, pairs(c16)},
			"c/scalar": {"<c16", []int64{}, [][2]float64{{-1, 0.5}}},
		})

		r := mustOpen(t, format, path, nil)
		if h, err := Get[F16](r, "h/special"); err != nil || !reflect.DeepEqual(h.Data, f16Special) || !equalI64(h.Shape, []int64{2, 4}) {
			t.Fatalf("%s h/special: %v %v", format, h, err)
		}
		if h, err := Get[F16](r, "h/sweep"); err != nil || !reflect.DeepEqual(h.Data, rounded) {
			t.Fatalf("%s h/sweep: %v", format, err)
		}
		if info, _ := r.Info("h/sweep"); info.DType != Float16 || info.ItemSize != 2 {
			t.Fatalf("%s h/sweep info %+v", format, info)
		}
		if a, err := Get[complex64](r, "c/c8"); err != nil || !reflect.DeepEqual(a.Data, c8) || !equalI64(a.Shape, []int64{2, 2}) {
			t.Fatalf("%s c/c8: %v %v", format, a, err)
		}
		if a, err := Get[complex128](r, "c/c16"); err != nil || !reflect.DeepEqual(a.Data, c16) {
			t.Fatalf("%s c/c16: %v %v", format, a, err)
		}
		if a, err := Get[complex128](r, "c/scalar"); err != nil || len(a.Shape) != 0 || a.Data[0] != -1+0.5i {
			t.Fatalf("%s c/scalar: %v %v", format, a, err)
		}
		block := make([]complex64, 2)
		if oc, err := GetSlab(r, "c/c8", []int64{1, 0}, []int64{1, 2}, block); err != nil || oc != Loaded || !reflect.DeepEqual(block, c8[2:]) {
			t.Fatalf("%s slab: %v %v %v", format, block, oc, err)
		}
		// Bad input: no cast between these without asking, and the message names the key.
		_, e1 := Get[complex128](r, "c/c8")
		_, e2 := Get[F16](r, "c/c16")
		_, e3 := Get[float32](r, "h/one")
		_, e4 := GetInto(r, "h/sweep", []int64{int64(len(sweep))}, make([]complex64, len(sweep)))
		wantMismatches(t, map[string]error{"c/c8": e1, "c/c16": e2, "h/one": e3, "h/sweep": e4})
		r.Close()
	}
}

func TestStringsAndBytesWrittenAreWhatNumPyAndH5pyRead(t *testing.T) {
	for _, format := range []string{"npz", "h5"} {
		path := filepath.Join(t.TempDir(), "text."+format)
		w := mustCreate(t, format, path, nil)
		s, err := w.Child("s")
		must(t, err)
		must(t, PutStrings(s, "u", []int64{2, 2}, testStrings))
		must(t, PutStrings(s, "with_empty", []int64{3}, []string{"", "x", ""}))
		must(t, PutStrings(s, "none_at_all", []int64{0}, nil))
		must(t, PutByteStrings(s, "b", []int64{3}, testByteStrings))
		must(t, PutByteStrings(s, "b_scalar", nil, [][]byte{[]byte("xyz")}))
		s.Close()
		must(t, w.PutBytes("bytes/nul_inside", []byte("ab\x00c")))
		must(t, w.PutBytes("bytes/high", []byte{0xff, 0x80, 0x01}))
		must(t, w.PutBytes("bytes/empty", nil))
		must(t, PutStrings(w, "s/nul_inside", []int64{1}, []string{"a\x00b"}))
		wantError(t, PutStrings(w, "s/bad_utf8", []int64{1}, []string{"\xff"}), ErrInvalid, "s/bad_utf8")
		wantError(t, PutStrings(w, "s/short", []int64{3}, testStrings[:2]), ErrInvalid, "")
		must(t, w.Close())

		entries := map[string]spec{
			"s/u":              {"<U3", []int64{2, 2}, testStrings},
			"s/with_empty":     {"<U1", []int64{3}, []string{"", "x", ""}},
			"s/none_at_all":    {"<U1", []int64{0}, []string{}},
			"s/b":              {"|S4", []int64{3}, hexes(testByteStrings)},
			"s/b_scalar":       {"|S3", []int64{}, []string{"78797a"}},
			"bytes/nul_inside": {"|S4", []int64{}, []string{"61620063"}},
			"bytes/high":       {"|S3", []int64{}, []string{"ff8001"}},
			"bytes/empty":      {"|S1", []int64{}, []string{""}},
			"s/nul_inside":     {"<U3", []int64{1}, []string{"a\x00b"}},
		}
		checkEntries(t, format, path, entries)

		r := mustOpen(t, format, path, nil)
		if u, err := GetStrings(r, "s/u"); err != nil || !reflect.DeepEqual(u.Data, testStrings) || !equalI64(u.Shape, []int64{2, 2}) {
			t.Fatalf("%s s/u: %v %v", format, u, err)
		}
		if info, _ := r.Info("s/u"); info.DType != Unicode || info.ItemSize != 12 {
			t.Fatalf("%s s/u info %+v: 4 bytes per code point, 3 code points", format, info)
		}
		if u, err := GetStrings(r, "s/with_empty"); err != nil || !reflect.DeepEqual(u.Data, []string{"", "x", ""}) {
			t.Fatalf("%s s/with_empty: %v %v", format, u, err)
		}
		if u, err := GetStrings(r, "s/none_at_all"); err != nil || len(u.Data) != 0 || !equalI64(u.Shape, []int64{0}) {
			t.Fatalf("%s s/none_at_all: %v %v", format, u, err)
		}
		b, err := GetByteStrings(r, "s/b")
		if err != nil || len(b.Data) != 3 || !equalI64(b.Shape, []int64{3}) {
			t.Fatalf("%s s/b: %v %v", format, b, err)
		}
		for i, want := range testByteStrings {
			if !bytes.Equal(b.Data[i], want) {
				t.Fatalf("%s s/b[%d]: %q, want %q", format, i, b.Data[i], want)
			}
		}
		if info, _ := r.Info("s/b"); info.DType != Bytes || info.ItemSize != 4 {
			t.Fatalf("%s s/b info %+v", format, info)
		}
		for key, want := range map[string]string{"s/b_scalar": "xyz", "bytes/nul_inside": "ab\x00c", "bytes/high": "\xff\x80\x01", "bytes/empty": ""} {
			if v, ok, err := r.GetBytes(key); err != nil || !ok || string(v) != want {
				t.Fatalf("%s %s: %q %v %v", format, key, v, ok, err)
			}
		}
		if u, err := GetStrings(r, "s/nul_inside"); err != nil || u.Data[0] != "a\x00b" {
			t.Fatalf("%s s/nul_inside: %v %v", format, u, err)
		}
		// Bad input: each call takes its own dtype only, and says which key it was.
		_, e1 := GetStrings(r, "s/b")
		_, e2 := GetByteStrings(r, "s/u")
		_, _, e3 := r.GetBytes("s/u")
		_, e4 := Get[uint32](r, "s/with_empty")
		_, e5 := Get[uint8](r, "bytes/high")
		wantMismatches(t, map[string]error{"s/b": e1, "s/u": e2, "s/with_empty": e4, "bytes/high": e5})
		wantMismatches(t, map[string]error{"s/u": e3})
		_, _, err = r.GetBytes("s/b")
		wantError(t, err, ErrMismatch, "'s/b'")
		_, err = GetStrings(r, "s/nope")
		wantError(t, err, ErrNotFound, "s/nope")
		r.Close()
	}
}

func TestNoneReadsAsNoneThroughTheStringCalls(t *testing.T) {
	for _, format := range []string{"npz", "h5"} {
		path := filepath.Join(t.TempDir(), "none."+format)
		w := mustCreate(t, format, path, nil)
		must(t, w.PutNone("none"))
		must(t, w.Close())
		r := mustOpen(t, format, path, nil)
		v, ok, err := r.GetBytes("none")
		u, err2 := GetStrings(r, "none")
		b, err3 := GetByteStrings(r, "none")
		if v != nil || ok || err != nil || u != nil || err2 != nil || b != nil || err3 != nil {
			t.Fatalf("%s: %v %v %v / %v %v / %v %v", format, v, ok, err, u, err2, b, err3)
		}
		r.Close()
	}
}

func TestNumPyAndH5pyDtypesReadAsNumPyReadsThem(t *testing.T) {
	for _, format := range []string{"npz", "h5"} {
		path := fixture(t, format)
		r := mustOpen(t, format, path, nil)
		h, err := Get[F16](r, "f16")
		if err != nil || !reflect.DeepEqual(h.Data, f16Special) || !equalI64(h.Shape, []int64{2, 4}) {
			t.Fatalf("%s f16: %v %v", format, h, err)
		}
		if h.Data[2].Float64() != 0.333251953125 || !h.Data[7].IsNaN() || !math.IsInf(h.Data[5].Float64(), 1) {
			t.Fatalf("%s f16 values %v", format, h.Data)
		}
		be, err := Get[F16](r, "f16be")
		if info, _ := r.Info("f16be"); err != nil || !info.BigEndian ||
			!equalF64([]float64{be.Data[0].Float64(), be.Data[1].Float64(), be.Data[2].Float64()}, []float64{1.5, -2, math.Ldexp(1, -14)}) {
			t.Fatalf("%s f16be: %v %v", format, be, err)
		}
		if a, err := Get[complex64](r, "c8"); err != nil || !reflect.DeepEqual(a.Data, []complex64{1 + 2i, -0.5 + 0.25i, 3 - 4i}) {
			t.Fatalf("%s c8: %v %v", format, a, err)
		}
		want16 := []complex128{1 + 1i, 2 - 2i, 0.1, -1e300 + 1e-300i}
		if a, err := Get[complex128](r, "c16"); err != nil || !reflect.DeepEqual(a.Data, want16) || !equalI64(a.Shape, []int64{2, 2}) {
			t.Fatalf("%s c16: %v %v", format, a, err)
		}
		if info, _ := r.Info("c16"); !info.BigEndian {
			t.Fatalf("%s c16 is stored big-endian: %+v", format, info)
		}
		if u, err := GetStrings(r, "u"); err != nil || !reflect.DeepEqual(u.Data, testStrings) || !equalI64(u.Shape, []int64{2, 2}) {
			t.Fatalf("%s u: %v %v", format, u, err)
		}
		if info, _ := r.Info("u"); info.ItemSize != 12 {
			t.Fatalf("%s u info %+v", format, info)
		}
		s, err := GetByteStrings(r, "s")
		if err != nil || len(s.Data) != 3 || !bytes.Equal(s.Data[1], []byte{0, 1}) || string(s.Data[2]) != "abcd" {
			t.Fatalf("%s s: %v %v", format, s, err)
		}
		if v, ok, err := r.GetBytes("bytes"); err != nil || !ok || string(v) != "ab\x00c" {
			t.Fatalf("%s bytes: %q %v %v", format, v, ok, err)
		}
		if format == "npz" {
			if u, err := GetStrings(r, "ube"); err != nil || !reflect.DeepEqual(u.Data, []string{"hé", "x"}) {
				t.Fatalf("ube (big-endian UCS-4): %v %v", u, err)
			}
		}
		// A safe cast widens float16 and complex64 when asked to.
		cast := mustOpen(t, format, path, &ReadOptions{Cast: CastSafe})
		if a, err := Get[float32](cast, "f16be"); err != nil || !equalF64(toF64(a.Data), []float64{1.5, -2, math.Ldexp(1, -14)}) {
			t.Fatalf("%s f16be as float32: %v %v", format, a, err)
		}
		if a, err := Get[complex128](cast, "c8"); err != nil || a.Data[1] != -0.5+0.25i {
			t.Fatalf("%s c8 as complex128: %v %v", format, a, err)
		}
		cast.Close()
		// Without one, the wrong type names the key.
		_, e1 := Get[float32](r, "f16")
		_, e2 := Get[complex128](r, "c8")
		_, e3 := GetByteStrings(r, "u")
		_, e4 := GetStrings(r, "s")
		_, _, e5 := r.GetBytes("f16")
		wantMismatches(t, map[string]error{"f16": e1, "c8": e2, "u": e3, "s": e4})
		wantMismatches(t, map[string]error{"f16": e5})
		_, e6 := GetStrings(r, "bytes")
		wantMismatches(t, map[string]error{"bytes": e6})
		r.Close()
	}
}

// ---- every numeric dtype: all_dtypes.py's arrays, computed here --------------------------------

var (
	dtShape = []int64{2, 3}
	dtBools = []bool{true, false, false, true, false, false}
	dtImag  = []float64{0.5, -0.5, 1.5, -1.5, 2.5, -2.5}
)

func dtFloats() []float64 {
	return []float64{math.Copysign(0, -1), -1.5, 0.25, 1024, 65504, math.Ldexp(1, -24)}
}

func mapFloats[T any](v []float64, f func(i int, x float64) T) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = f(i, x)
	}
	return out
}

// dtCase is one dtype's array: its put, and the checks of what a reader gets.
type dtCase struct {
	key   string
	put   func(f *File) error
	check func(t *testing.T, f *File)
}

func newDtCase[T Element](key string, want []T) dtCase {
	return dtCase{key, func(f *File) error { return Put(f, key, dtShape, want) },
		func(t *testing.T, f *File) { expectDt(t, f, key, want) }}
}

// bytesOf is the elements' memory: compared so that -0.0 differs from 0.0.
func bytesOf[T Element](v []T) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*int(unsafe.Sizeof(v[0])))
}

func expectDt[T Element](t *testing.T, f *File, key string, want []T) {
	t.Helper()
	info, err := f.Info(key)
	must(t, err)
	if info.DType != dtypeOf[T]() {
		t.Errorf("%s: dtype %v, want %v", key, info.DType, dtypeOf[T]())
	}
	a, err := Get[T](f, key)
	must(t, err)
	if !reflect.DeepEqual(a.Shape, dtShape) || !bytes.Equal(bytesOf(a.Data), bytesOf(want)) {
		t.Errorf("%s: %v %v, want %v %v", key, a.Shape, a.Data, dtShape, want)
	}
	// Column-major, as a Fortran array of the same extents: a[i, j] at j * 2 + i.
	fa, err := GetOrder[T](f, key, OrderF)
	must(t, err)
	transposed := make([]T, 6)
	for n := range transposed {
		transposed[n] = want[(n%2)*3+n/2]
	}
	if !bytes.Equal(bytesOf(fa.Data), bytesOf(transposed)) {
		t.Errorf("%s in Fortran order: %v, want %v", key, fa.Data, transposed)
	}
}

func dtCases() []dtCase {
	fl := dtFloats()
	return []dtCase{
		newDtCase("dt/int8", []int8{math.MinInt8, -1, 0, 1, 100, math.MaxInt8}),
		newDtCase("dt/int16", []int16{math.MinInt16, -1, 0, 1, 100, math.MaxInt16}),
		newDtCase("dt/int32", []int32{math.MinInt32, -1, 0, 1, 100, math.MaxInt32}),
		newDtCase("dt/int64", []int64{math.MinInt64, -1, 0, 1, 100, math.MaxInt64}),
		newDtCase("dt/uint8", []uint8{0, 1, 100, 1 << 7, math.MaxUint8 - 1, math.MaxUint8}),
		newDtCase("dt/uint16", []uint16{0, 1, 100, 1 << 15, math.MaxUint16 - 1, math.MaxUint16}),
		newDtCase("dt/uint32", []uint32{0, 1, 100, 1 << 31, math.MaxUint32 - 1, math.MaxUint32}),
		newDtCase("dt/uint64", []uint64{0, 1, 100, 1 << 63, math.MaxUint64 - 1, math.MaxUint64}),
		newDtCase("dt/float16", mapFloats(fl, func(_ int, x float64) F16 { return F16FromFloat64(x) })),
		newDtCase("dt/float32", mapFloats(fl, func(_ int, x float64) float32 { return float32(x) })),
		newDtCase("dt/float64", fl),
		newDtCase("dt/complex64", mapFloats(fl, func(i int, x float64) complex64 {
			return complex(float32(x), float32(dtImag[i]))
		})),
		newDtCase("dt/complex128", mapFloats(fl, func(i int, x float64) complex128 { return complex(x, dtImag[i]) })),
	}
}

func expectDtBools(t *testing.T, f *File) {
	t.Helper()
	if info, err := f.Info("dt/bool"); err != nil || info.DType != Bool {
		t.Errorf("dt/bool: %v %v", info.DType, err)
	}
	b, err := GetBools(f, "dt/bool")
	must(t, err)
	if !reflect.DeepEqual(b.Shape, dtShape) || !reflect.DeepEqual(b.Data, dtBools) {
		t.Errorf("dt/bool: %v %v", b.Shape, b.Data)
	}
}

// expectEveryDtype opens path and checks all_dtypes.py's arrays in it; the caller closes it.
func expectEveryDtype(t *testing.T, format, path string) *File {
	t.Helper()
	r := mustOpen(t, format, path, nil)
	expectDtBools(t, r)
	for _, c := range dtCases() {
		c.check(t, r)
	}
	return r
}

func TestEveryNumericDtypeWrittenIsWhatNumpyAndH5pyRead(t *testing.T) {
	for _, format := range []string{"npz", "h5"} {
		t.Run(format, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "dt."+format)
			w := mustCreate(t, format, path, nil)
			defer w.Discard()
			must(t, PutBools(w, "dt/bool", dtShape, dtBools))
			for _, c := range dtCases() {
				must(t, c.put(w))
			}
			must(t, w.Close())
			pythonCheck(t, "all_dtypes.py", "check", path)
			expectEveryDtype(t, format, path).Close()
		})
	}
}

func TestEveryNumericDtypeNumpyAndH5pyWroteReadsAsNumpyReadsIt(t *testing.T) {
	for _, format := range []string{"npz", "h5"} {
		t.Run(format, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "dt_numpy."+format)
			pythonCheck(t, "all_dtypes.py", "make", path)
			r := expectEveryDtype(t, format, path)
			defer r.Close()
			if _, err := Get[int16](r, "dt/int32"); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "'dt/int32'") {
				t.Errorf("int32 read as int16: %v", err)
			}
		})
	}
}
