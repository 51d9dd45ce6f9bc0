package chainerser

import (
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"
)

// Reads in column-major (Fortran) memory order, compared with the elements NumPy and h5py hold in
// that order (python_checks/order_bytes.py: np.asfortranarray(a).ravel(order='K')).

var orderKeys = []string{"f32", "f32c", "f64be", "i16", "u8", "mask", "f16", "c64", "scalar", "empty"}

// hexOf is the elements' bytes in hex, as order_bytes.py prints them (the host is little-endian).
func hexOf[T any](data []T) string {
	if len(data) == 0 {
		return ""
	}
	var zero T
	return hex.EncodeToString(unsafe.Slice((*byte)(unsafe.Pointer(&data[0])), len(data)*int(unsafe.Sizeof(zero))))
}

func readHex[T Element](t *testing.T, f *File, key string, order Order) string {
	t.Helper()
	a, err := GetOrder[T](f, key, order)
	if err != nil || a == nil {
		t.Fatalf("%s: %v %v", key, a, err)
	}
	return hexOf(a.Data)
}

func readBoolsHex(t *testing.T, f *File, key string, order Order) string {
	t.Helper()
	a, err := GetBoolsOrder(f, key, order)
	if err != nil || a == nil {
		t.Fatalf("%s: %v %v", key, a, err)
	}
	bytes := make([]byte, len(a.Data))
	for i, b := range a.Data {
		if b {
			bytes[i] = 1
		}
	}
	return hexOf(bytes)
}

// The read of each of orderKeys, by its dtype.
var orderReads = map[string]func(*testing.T, *File, string, Order) string{
	"f32": readHex[float32], "f32c": readHex[float32], "empty": readHex[float32], "f64be": readHex[float64],
	"i16": readHex[int16], "u8": readHex[uint8], "f16": readHex[F16], "c64": readHex[complex64],
	"scalar": readHex[int32], "mask": readBoolsHex,
}

func TestFortranOrderReadsAreNumPysColumnMajorElements(t *testing.T) {
	for _, format := range []string{"npz", "h5"} {
		path := filepath.Join(t.TempDir(), "order."+format)
		pythonCheck(t, "order_bytes.py", "make", path)
		f := mustOpen(t, format, path, nil)
		for _, order := range []Order{OrderF, OrderC} {
			flag := map[Order]string{OrderF: "F", OrderC: "C"}[order]
			numpy := numpyHex(t, path, flag, orderKeys)
			for i, key := range orderKeys {
				if got := orderReads[key](t, f, key, order); got != numpy[i] {
					t.Errorf("%s %s %s: %s, NumPy %s", format, key, flag, got, numpy[i])
				}
			}
		}
		// The shape stays numpy's; a[i, j, k] is Data[i + 2 j + 6 k].
		a, err := GetOrder[float32](f, "f32c", OrderF)
		must(t, err)
		if !equalI64(a.Shape, []int64{2, 3, 4}) || a.Data[1+2*2+6*3] != 123.5 {
			t.Errorf("%s: shape %v, a[1, 2, 3] = %v", format, a.Shape, a.Data[1+2*2+6*3])
		}
		c, err := Get[float32](f, "f32")
		must(t, err)
		if want := readHex[float32](t, f, "f32c", OrderC); hexOf(c.Data) != want {
			t.Errorf("%s: Get does not read C order", format)
		}

		out := make([]float64, 6)
		outcome, err := GetIntoOrder(f, "f64be", []int64{3, 2}, OrderF, out)
		if err != nil || outcome != Loaded || !equalF64(out, []float64{0.25, 10.25, 20.25, -0.75, 9.25, 19.25}) {
			t.Errorf("%s: GetIntoOrder %v %v %v", format, out, outcome, err)
		}
		_, err = GetIntoOrder(f, "f64be", []int64{2, 3}, OrderF, out)
		wantError(t, err, ErrMismatch, "f64be")
		_, err = GetIntoOrder(f, "f64be", []int64{3, 2}, OrderF, out[:5])
		wantError(t, err, ErrBufSize, "f64be")
		_, err = GetOrder[float32](f, "nope", OrderF)
		wantError(t, err, ErrNotFound, "nope")
		must(t, f.Close())
	}
}

func TestFortranOrderReadsOfNoneAndSkippedKeys(t *testing.T) {
	for _, format := range []string{"npz", "h5"} {
		path := filepath.Join(t.TempDir(), "none."+format)
		w := mustCreate(t, format, path, nil)
		must(t, w.PutNone("none"))
		must(t, Put(w, "skipped", []int64{2, 2}, []float32{1, 2, 3, 4}))
		must(t, w.Close())
		f := mustOpen(t, format, path, &ReadOptions{IgnoreNames: []string{"skipped"}})
		if a, err := GetOrder[float32](f, "none", OrderF); a != nil || err != nil {
			t.Errorf("%s: None read as %v %v", format, a, err)
		}
		if a, err := GetBoolsOrder(f, "none", OrderF); a != nil || err != nil {
			t.Errorf("%s: None read as %v %v", format, a, err)
		}
		out := []float32{9, 9, 9, 9}
		outcome, err := GetIntoOrder(f, "skipped", []int64{2, 2}, OrderF, out)
		if err != nil || outcome != SkipIgnored || !equalF64(toF64(out), []float64{9, 9, 9, 9}) {
			t.Errorf("%s: skipped key: %v %v %v", format, out, outcome, err)
		}
		must(t, f.Close())
	}
}

// numpyHex is NumPy's (or h5py's) hex of each key (which may end in a block, f32[0:2,1:3]) in
// memory order flag.
func numpyHex(t *testing.T, path, flag string, keys []string) []string {
	t.Helper()
	out := pythonCheck(t, "order_bytes.py", append([]string{"dump", path, flag}, keys...)...)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n") // "empty" prints an empty line
	if len(lines) != len(keys) {
		t.Fatalf("order_bytes.py printed %d lines: %q", len(lines), lines)
	}
	return lines
}

func copyOrder[T Element](t *testing.T, r, w *File, key string) {
	t.Helper()
	a, err := GetOrder[T](r, key, OrderF)
	must(t, err)
	must(t, PutOrder(w, key, a.Shape, a.Data, OrderF))
}

func TestFortranOrderWritesHoldNumPysLogicalArrays(t *testing.T) {
	copies := map[string]func(*testing.T, *File, *File, string){
		"f32": copyOrder[float32], "f32c": copyOrder[float32], "empty": copyOrder[float32],
		"f64be": copyOrder[float64], "i16": copyOrder[int16], "u8": copyOrder[uint8], "f16": copyOrder[F16],
		"c64": copyOrder[complex64], "scalar": copyOrder[int32],
		"mask": func(t *testing.T, r, w *File, key string) {
			a, err := GetBoolsOrder(r, key, OrderF)
			must(t, err)
			must(t, PutBoolsOrder(w, key, a.Shape, a.Data, OrderF))
		},
	}
	for _, format := range []string{"npz", "h5"} {
		src := filepath.Join(t.TempDir(), "src."+format)
		pythonCheck(t, "order_bytes.py", "make", src)
		r := mustOpen(t, format, src, nil)
		path := filepath.Join(t.TempDir(), "written."+format)
		w := mustCreate(t, format, path, nil)
		for _, key := range orderKeys {
			copies[key](t, r, w, key)
		}
		wantError(t, PutOrder(w, "short", []int64{3, 2}, make([]float64, 5), OrderF), ErrInvalid, "short")
		must(t, w.Close())
		must(t, r.Close())
		for _, flag := range []string{"F", "C"} {
			got, want := numpyHex(t, path, flag, orderKeys), numpyHex(t, src, flag, orderKeys)
			for i, key := range orderKeys {
				if got[i] != want[i] {
					t.Errorf("%s %s %s: NumPy reads %s back, wrote %s", format, key, flag, got[i], want[i])
				}
			}
		}
		// NPZ keeps the column-major bytes (fortran_order True); HDF5 stores C order.
		f := mustOpen(t, format, path, nil)
		info, err := f.Info("f32c")
		must(t, err)
		if info.FortranOrder != (format == "npz") {
			t.Errorf("%s: f32c stored with FortranOrder %v", format, info.FortranOrder)
		}
		must(t, f.Close())
	}
}

func TestFortranOrderSlabsAndBatchesAreNumPysColumnMajorElements(t *testing.T) {
	blocks := []string{"f32[0:2,1:3,1:4]", "f32c[1:2,0:3,2:4]", "f64be[1:3,0:2]", "i16[1:2,0:2,1:2,0:2]", "c64[1:3,1:2]"}
	keys := []string{"f32", "f32c", "f64be", "i16", "c64"}
	for _, format := range []string{"npz", "h5"} {
		path := filepath.Join(t.TempDir(), "slab."+format)
		pythonCheck(t, "order_bytes.py", "make", path)
		f := mustOpen(t, format, path, nil)
		for _, order := range []Order{OrderF, OrderC} {
			flag := map[Order]string{OrderF: "F", OrderC: "C"}[order]
			f32, f32c, f64 := make([]float32, 12), make([]float32, 6), make([]float64, 4)
			i16, c64 := make([]int16, 4), make([]complex64, 2)
			for _, err := range []error{
				second(GetSlabOrder(f, "f32", []int64{0, 1, 1}, []int64{2, 2, 3}, order, f32)),
				second(GetSlabOrder(f, "f32c", []int64{1, 0, 2}, []int64{1, 3, 2}, order, f32c)),
				second(GetSlabOrder(f, "f64be", []int64{1, 0}, []int64{2, 2}, order, f64)),
				second(GetSlabOrder(f, "i16", []int64{1, 0, 1, 0}, []int64{1, 2, 1, 2}, order, i16)),
				second(GetSlabOrder(f, "c64", []int64{1, 1}, []int64{2, 1}, order, c64)),
			} {
				must(t, err)
			}
			got := []string{hexOf(f32), hexOf(f32c), hexOf(f64), hexOf(i16), hexOf(c64)}
			for i, want := range numpyHex(t, path, flag, blocks) {
				if got[i] != want {
					t.Errorf("%s %s %s: %s, NumPy %s", format, blocks[i], flag, got[i], want)
				}
			}

			f32, f32c, f64 = make([]float32, 24), make([]float32, 24), make([]float64, 6)
			i16, c64 = make([]int16, 16), make([]complex64, 6)
			batch := []*Request{
				NewRequest("f32", []int64{2, 3, 4}, f32), NewRequest("f32c", []int64{2, 3, 4}, f32c),
				NewRequest("f64be", []int64{3, 2}, f64), NewRequest("i16", []int64{2, 2, 2, 2}, i16),
				NewRequest("c64", []int64{3, 2}, c64),
			}
			must(t, f.GetManyOrder(batch, order))
			for _, r := range batch {
				if r.Outcome != Loaded || r.Err != nil {
					t.Errorf("%s %s: %v %v", format, r.Key, r.Outcome, r.Err)
				}
			}
			got = []string{hexOf(f32), hexOf(f32c), hexOf(f64), hexOf(i16), hexOf(c64)}
			for i, want := range numpyHex(t, path, flag, keys) {
				if got[i] != want {
					t.Errorf("%s batch %s %s: %s, NumPy %s", format, keys[i], flag, got[i], want)
				}
			}
		}
		_, err := GetSlabOrder(f, "f32", []int64{0, 0, 0}, []int64{2, 2, 2}, OrderF, make([]float32, 7))
		wantError(t, err, ErrBufSize, "f32")
		must(t, f.Close())
	}
}

func second(_ Outcome, err error) error { return err }
