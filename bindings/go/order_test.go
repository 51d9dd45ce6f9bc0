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
			out := pythonCheck(t, "order_bytes.py", append([]string{"dump", path, flag}, orderKeys...)...)
			numpy := strings.Split(strings.TrimSuffix(out, "\n"), "\n") // "empty" prints an empty line
			if len(numpy) != len(orderKeys) {
				t.Fatalf("order_bytes.py printed %d lines: %q", len(numpy), numpy)
			}
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
