package chainerser

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The model every binding writes; bindings/python_checks/check_model.py has the formulas.
const logText = `[{"main/loss": 0.25, "unit": "µs"}]`

var modelKeys = []string{
	"extensions/LogReport/_log", "extra/f32", "extra/f64", "extra/i32", "predictor/l1/W",
	"predictor/l1/b", "predictor/l2/W", "predictor/l2/b", "predictor/lazy/W", "updater/iteration",
}

func python() string {
	if p := os.Getenv("CHAINERSER_PYTHON"); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

func dataPath(name string) string { return filepath.Join("..", "..", "tests", "data", name) }

// pythonCheck runs a script of bindings/python_checks and fails the test if it fails.
func pythonCheck(t *testing.T, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command(python(), append([]string{filepath.Join("..", "python_checks", script)}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", script, args, err, out)
	}
	return string(out)
}

// grid returns a[idx] = sum(weights * idx) * scale + offset in C order.
func grid(shape []int64, weights []float64, scale, offset float64) []float64 {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	out := make([]float64, n)
	for flat := range out {
		rest, acc := int64(flat), 0.0
		for i := len(shape) - 1; i >= 0; i-- {
			acc += weights[i] * float64(rest%shape[i])
			rest /= shape[i]
		}
		out[flat] = acc*scale + offset
	}
	return out
}

// plainNumber is Element without F16 and the complex types: those Go's conversions apply to.
type plainNumber interface {
	int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64
}

func convert[T plainNumber](v []float64) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}

type entry struct {
	key     string
	shape   []int64
	values  []float64
	isInt32 bool
}

// modelArrays lists the numeric arrays of the model (float32 unless isInt32, extra/f64 float64).
func modelArrays() []entry {
	return []entry{
		{"predictor/l1/W", []int64{3, 4}, grid([]int64{3, 4}, []float64{10, 1}, 0.25, -2), false},
		{"predictor/l1/b", []int64{3}, grid([]int64{3}, []float64{1}, 0.5, -1), false},
		{"predictor/l2/W", []int64{2, 3}, grid([]int64{2, 3}, []float64{10, 1}, 0.125, 0), false},
		{"predictor/l2/b", []int64{2}, grid([]int64{2}, []float64{1}, -1, 0), false},
		{"extra/i32", []int64{2, 3, 4}, grid([]int64{2, 3, 4}, []float64{100, 10, 1}, 1, 0), true},
		{"extra/f32", []int64{}, []float64{2.5}, false},
	}
}

var extraF64Shape = []int64{2, 3, 2, 2}

func extraF64() []float64 { return grid(extraF64Shape, []float64{1000, 100, 10, 1}, 1, 0.5) }

// writeModel writes the model through child files, as Chainer's save_npz walks a Classifier.
func writeModel(t *testing.T, f *File) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	predictor, err := f.Child("predictor")
	must(err)
	defer predictor.Close()
	l1, err := predictor.Child("l1")
	must(err)
	defer l1.Close()
	if l1.Path() != "predictor/l1/" {
		t.Fatalf("child path %q", l1.Path())
	}
	for _, e := range modelArrays() {
		if e.isInt32 {
			must(Put(f, e.key, e.shape, convert[int32](e.values)))
		} else if strings.HasPrefix(e.key, "predictor/l1/") {
			must(Put(l1, strings.TrimPrefix(e.key, "predictor/l1/"), e.shape, convert[float32](e.values)))
		} else {
			must(Put(f, e.key, e.shape, convert[float32](e.values)))
		}
	}
	must(Put(f, "extra/f64", extraF64Shape, extraF64()))
	must(predictor.PutNone("lazy/W"))
	must(f.PutInt64("updater/iteration", 1000))
	must(f.PutString("extensions/LogReport/_log", logText))
}

// checkModel reads the model back through the binding.
func checkModel(t *testing.T, f *File) {
	t.Helper()
	keys, err := f.Keys()
	if err != nil || strings.Join(keys, ",") != strings.Join(modelKeys, ",") {
		t.Fatalf("keys %v (%v), want %v", keys, err, modelKeys)
	}
	for _, e := range modelArrays() {
		var got []float64
		var shape []int64
		if e.isInt32 {
			a, err := Get[int32](f, e.key)
			if err != nil || a == nil {
				t.Fatalf("%s: %v", e.key, err)
			}
			got, shape = toF64(a.Data), a.Shape
		} else {
			a, err := Get[float32](f, e.key)
			if err != nil || a == nil {
				t.Fatalf("%s: %v", e.key, err)
			}
			got, shape = toF64(a.Data), a.Shape
		}
		if !equalI64(shape, e.shape) || !equalF64(got, e.values) {
			t.Errorf("%s: %v %v, want %v %v", e.key, shape, got, e.shape, e.values)
		}
	}
	if a, err := Get[float64](f, "extra/f64"); err != nil || !equalF64(a.Data, extraF64()) {
		t.Errorf("extra/f64: %v %v", a, err)
	}
	if none, err := f.IsNone("predictor/lazy/W"); err != nil || !none {
		t.Errorf("predictor/lazy/W: IsNone %v %v", none, err)
	}
	if a, err := Get[float32](f, "predictor/lazy/W"); err != nil || a != nil {
		t.Errorf("Get on None: %v %v", a, err)
	}
	if v, ok, err := f.GetInt64("updater/iteration"); err != nil || !ok || v != 1000 {
		t.Errorf("updater/iteration: %v %v %v", v, ok, err)
	}
	if v, ok, err := f.GetString("extensions/LogReport/_log"); err != nil || !ok || v != logText {
		t.Errorf("_log: %q %v %v", v, ok, err)
	}
}

func toF64[T plainNumber](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func equalF64(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalI64(a, b []int64) bool { return equalF64(toF64(a), toF64(b)) }

// dumped is one line of dump_fixture.py: what NumPy/h5py read.
type dumped struct {
	key, descr            string
	shape                 []int64
	sum, first, mid, last float64
}

func dumpFixture(t *testing.T, path string) []dumped {
	var out []dumped
	for _, line := range strings.Split(strings.TrimSpace(pythonCheck(t, "dump_fixture.py", path)), "\n") {
		f := strings.Fields(line)
		ndim, _ := strconv.Atoi(f[2])
		d := dumped{key: strings.Trim(f[0], `"`), descr: f[1]}
		for _, s := range f[3 : 3+ndim] {
			n, _ := strconv.ParseInt(s, 10, 64)
			d.shape = append(d.shape, n)
		}
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(f[3+ndim+i], 64)
		}
		d.sum, d.first, d.mid, d.last = v[0], v[1], v[2], v[3]
		out = append(out, d)
	}
	return out
}

// numpyFixture writes python_checks/make_fixture.py's NumPy-made NPZ (big-endian, Fortran order,
// bool) and returns its path.
func numpyFixture(t *testing.T) string { return fixture(t, "npz") }

// fixture writes make_fixture.py's file of format ("npz": NumPy, "h5": h5py) and returns its path.
func fixture(t *testing.T, format string) string {
	path := filepath.Join(t.TempDir(), "numpy."+format)
	pythonCheck(t, "make_fixture.py", path)
	return path
}

// spec is one entry for python_checks/check_entries.py.
type spec struct {
	Descr  string      `json:"descr"`
	Shape  []int64     `json:"shape"`
	Values interface{} `json:"values"`
}

// checkEntries has NumPy/h5py check the entries of a file the test wrote.
func checkEntries(t *testing.T, format, path string, entries map[string]spec) {
	t.Helper()
	runCheckEntries(t, format, path, entries)
}

// checkEntryBits has NumPy/h5py compare the stored bytes of an entry with bit patterns (float16
// NaN, -0).
func checkEntryBits(t *testing.T, format, path, key, descr string, shape []int64, bits []uint64) {
	t.Helper()
	runCheckEntries(t, format, path, map[string]interface{}{
		key: map[string]interface{}{"descr": descr, "shape": shape, "bits": bits},
	})
}

func runCheckEntries(t *testing.T, format, path string, entries interface{}) {
	t.Helper()
	text, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	pythonCheck(t, "check_entries.py", format, path, string(text))
}

// mustOpen opens a reader of format ("npz" or "h5"), failing the test on error.
func mustOpen(t *testing.T, format, path string, opts *ReadOptions) *File {
	t.Helper()
	open := OpenNPZ
	if format == "h5" {
		open = OpenH5
	}
	f, err := open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// mustCreate creates a writer of format ("npz" or "h5"), failing the test on error.
func mustCreate(t *testing.T, format, path string, opts *WriteOptions) *File {
	t.Helper()
	create := CreateNPZ
	if format == "h5" {
		create = CreateH5
	}
	f, err := create(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// must fails the test on an error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
