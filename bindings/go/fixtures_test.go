package chainerser

import (
	"math"
	"testing"
)

// compareWithPython checks every numeric entry NumPy/h5py reports against the binding.
func compareWithPython(t *testing.T, path string, f *File) {
	entries := dumpFixture(t, path)
	if len(entries) == 0 {
		t.Fatal("python reported no entries")
	}
	for _, d := range entries {
		var data []float64
		var shape []int64
		switch d.descr {
		case "<f4":
			a, err := Get[float32](f, d.key)
			if err != nil {
				t.Fatalf("%s: %v", d.key, err)
			}
			data, shape = toF64(a.Data), a.Shape
		case "<i8":
			a, err := Get[int64](f, d.key)
			if err != nil {
				t.Fatalf("%s: %v", d.key, err)
			}
			data, shape = toF64(a.Data), a.Shape
		default:
			t.Fatalf("%s: dtype %s not covered", d.key, d.descr)
		}
		n := len(data)
		if !equalI64(shape, d.shape) || data[0] != d.first || data[n/2] != d.mid || data[n-1] != d.last {
			t.Errorf("%s: shape %v first/mid/last %v %v %v, python %v %v %v %v", d.key, shape,
				data[0], data[n/2], data[n-1], d.shape, d.first, d.mid, d.last)
		}
		sum := 0.0
		for _, v := range data {
			sum += v
		}
		if math.Abs(sum-d.sum) > 1e-9*math.Max(1, math.Abs(d.sum)) {
			t.Errorf("%s: sum %v, python %v", d.key, sum, d.sum)
		}
	}
}

func TestMLPNPZMatchesNumPy(t *testing.T) {
	f, err := OpenNPZ(dataPath("mlp.npz"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys, _ := f.Keys()
	if len(keys) != 6 || keys[1] != "l1/b" {
		t.Errorf("keys %v", keys)
	}
	compareWithPython(t, dataPath("mlp.npz"), f)
}

func TestCNNH5MatchesH5py(t *testing.T) {
	f, err := OpenH5(dataPath("cnn.h5"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	compareWithPython(t, dataPath("cnn.h5"), f)
}

func TestReadOptions(t *testing.T) {
	f, err := OpenNPZ(dataPath("mlp.npz"), &ReadOptions{Path: "l3/", Cast: CastSafe, IgnoreNames: []string{"l3/b"}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if a, err := Get[float64](f, "W"); err != nil || len(a.Shape) != 2 || a.Shape[0] != 3 {
		t.Fatalf("safe cast to float64: %v %v", a, err)
	}
	b := []float32{7, 7, 7}
	if oc, err := GetInto(f, "b", []int64{3}, b); err != nil || oc != SkipIgnored || b[0] != 7 {
		t.Fatalf("ignored key: %v %v %v", oc, err, b)
	}
}
