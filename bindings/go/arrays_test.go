package chainerser

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

var mask = []bool{true, false, true, false, false, true}

func TestBoolArraysCheckedByNumPy(t *testing.T) {
	for _, format := range []string{"npz", "h5"} {
		path := filepath.Join(t.TempDir(), "bools."+format)
		w := mustCreate(t, format, path, nil)
		c, err := w.Child("m")
		must(t, err)
		must(t, PutBools(c, "mask", []int64{2, 3}, mask))
		must(t, PutBools(w, "flag", nil, []bool{true}))
		c.Close()
		must(t, w.Close())
		checkEntries(t, format, path, map[string]spec{
			"m/mask": {"|b1", []int64{2, 3}, mask},
			"flag":   {"|b1", []int64{}, []bool{true}},
		})

		r := mustOpen(t, format, path, nil)
		defer r.Close()
		a, err := GetBools(r, "m/mask")
		if err != nil || !reflect.DeepEqual(a.Data, mask) || !equalI64(a.Shape, []int64{2, 3}) {
			t.Fatalf("%s: %v %v", format, a, err)
		}
		out := make([]bool, 6)
		if oc, err := GetBoolsInto(r, "m/mask", []int64{2, 3}, out); err != nil || oc != Loaded || !reflect.DeepEqual(out, mask) {
			t.Fatalf("%s GetBoolsInto: %v %v %v", format, oc, err, out)
		}
		if v, ok, err := r.GetBool("flag"); !v || !ok || err != nil {
			t.Fatalf("flag: %v %v %v", v, ok, err)
		}
		_, err = Get[float32](r, "m/mask")
		wantError(t, err, ErrMismatch, "m/mask")
		_, err = GetBools(r, "m/nope")
		wantError(t, err, ErrNotFound, "m/nope")
		_, err = GetBoolsInto(r, "m/mask", []int64{3, 2}, out)
		wantError(t, err, ErrMismatch, "m/mask")
	}
}

func TestNumPyBoolsByteOrderAndFortranOrder(t *testing.T) {
	r := mustOpen(t, "npz", numpyFixture(t), nil)
	defer r.Close()
	if a, err := GetBools(r, "mask"); err != nil || !reflect.DeepEqual(a.Data, mask) {
		t.Fatalf("mask: %v %v", a, err)
	}
	be, _ := r.Info("be")
	fo, _ := r.Info("fo")
	i32, _ := r.Info("i32")
	if !be.BigEndian || be.FortranOrder || fo.BigEndian || !fo.FortranOrder || i32.BigEndian {
		t.Fatalf("infos: %+v %+v %+v", be, fo, i32)
	}
	// Reads convert both to the host's C order.
	if a, err := Get[float32](r, "be"); err != nil || !equalF64(toF64(a.Data), []float64{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("be: %v %v", a, err)
	}
	if a, err := Get[float64](r, "fo"); err != nil || !equalF64(a.Data, []float64{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("fo: %v %v", a, err)
	}
}

// block is the part offset .. offset+count of a C-order (rows, cols) array.
func block(full []int32, cols int, offset, count [2]int) []int32 {
	var out []int32
	for i := offset[0]; i < offset[0]+count[0]; i++ {
		out = append(out, full[i*cols+offset[1]:i*cols+offset[1]+count[1]]...)
	}
	return out
}

func TestSlabEqualsTheBlockOfTheFullArray(t *testing.T) {
	values := make([]int32, 7*5)
	for i := range values {
		values[i] = int32(i)
	}
	for _, c := range []struct {
		format string
		store  bool
	}{{"npz", false}, {"npz", true}, {"h5", false}} {
		path := filepath.Join(t.TempDir(), "slab."+c.format)
		w := mustCreate(t, c.format, path, &WriteOptions{Store: c.store})
		must(t, Put(w, "a", []int64{7, 5}, values))
		must(t, w.Close())
		r := mustOpen(t, c.format, path, nil)
		out := make([]int32, 3*2)
		if oc, err := GetSlab(r, "a", []int64{2, 1}, []int64{3, 2}, out); err != nil || oc != Loaded {
			t.Fatalf("%v: %v %v", c, oc, err)
		}
		if want := block(values, 5, [2]int{2, 1}, [2]int{3, 2}); !reflect.DeepEqual(out, want) {
			t.Fatalf("%v: %v, want %v", c, out, want)
		}
		_, err := GetSlab(r, "a", []int64{6, 4}, []int64{3, 2}, out)
		wantError(t, err, ErrInvalid, "")
		_, err = GetSlab(r, "a", []int64{0, 0}, []int64{1, 1}, []float32{0})
		wantError(t, err, ErrMismatch, "a")
		_, err = GetSlab(r, "b", []int64{0, 0}, []int64{1, 1}, out[:1])
		wantError(t, err, ErrNotFound, "b")
		r.Close()
	}
}

func TestH5SlabAndItsRefusalOfNPZ(t *testing.T) {
	r := mustOpen(t, "h5", dataPath("cnn.h5"), nil)
	defer r.Close()
	full, err := Get[float32](r, "head/0/W") // (5, 54)
	must(t, err)
	out := make([]float32, 2*10)
	if oc, err := GetH5Slab(r, "head/0/W", []int64{1, 20}, []int64{2, 10}, out); err != nil || oc != Loaded {
		t.Fatal(oc, err)
	}
	for i := 0; i < 2; i++ {
		if !equalF64(toF64(out[i*10:i*10+10]), toF64(full.Data[(1+i)*54+20:(1+i)*54+30])) {
			t.Fatalf("row %d: %v", i, out)
		}
	}
	npz := mustOpen(t, "npz", dataPath("mlp.npz"), nil)
	defer npz.Close()
	_, err = GetH5Slab(npz, "l1/W", []int64{0, 0}, []int64{1, 1}, out[:1])
	wantError(t, err, ErrInvalid, "")
}

func TestBatchedReadsEqualSingleReads(t *testing.T) {
	r := mustOpen(t, "npz", dataPath("cnn.npz"), &ReadOptions{Threads: 2})
	defer r.Close()
	keys, _ := r.Keys()
	var requests []*Request
	var bufs [][]float32
	for _, k := range keys {
		info, _ := r.Info(k)
		if info.DType != Float32 {
			continue
		}
		bufs = append(bufs, make([]float32, info.Count))
		requests = append(requests, NewRequest(k, info.Shape, bufs[len(bufs)-1]))
	}
	if len(requests) < 3 {
		t.Fatalf("only %d float32 entries", len(requests))
	}
	must(t, r.GetMany(requests))
	for i, q := range requests {
		a, err := Get[float32](r, q.Key)
		if q.Err != nil || q.Outcome != Loaded || err != nil || !equalF64(toF64(a.Data), toF64(bufs[i])) {
			t.Fatalf("%s: %v %v %v", q.Key, q.Outcome, q.Err, err)
		}
	}

	// Every request is attempted: the bad ones fail on their own, the good one is loaded.
	first := requests[0]
	good := make([]float32, len(bufs[0]))
	bad := []*Request{
		NewRequest("no/such/key", []int64{1}, make([]float32, 1)),
		NewRequest(first.Key, first.shape, make([]int32, len(bufs[0]))),
		NewRequest(first.Key, first.shape, good),
	}
	err := r.GetMany(bad)
	wantError(t, err, ErrNotFound, "no/such/key")
	wantError(t, bad[0].Err, ErrNotFound, "no/such/key")
	if !errors.Is(bad[1].Err, ErrMismatch) || bad[2].Err != nil || bad[2].Outcome != Loaded {
		t.Fatalf("per-request results: %v / %v %v", bad[1].Err, bad[2].Err, bad[2].Outcome)
	}
	if !equalF64(toF64(good), toF64(bufs[0])) {
		t.Fatal("the good request of a failing batch was not loaded")
	}
	r.Close()
	wantError(t, r.GetMany(bad), ErrInvalid, "closed")
}
