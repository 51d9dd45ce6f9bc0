package chainerser

import (
	"encoding/binary"
	"math"
	"path/filepath"
	"reflect"
	"testing"
	"unsafe"
)

func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(&b[0]) }

func TestViewsEqualTheWrittenData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "view.npz")
	w := mustCreate(t, "npz", path, &WriteOptions{Store: true, AlignData: true})
	writeModel(t, w)
	must(t, PutBools(w, "mask", []int64{3}, []bool{true, false, true}))
	must(t, w.Close())

	r := mustOpen(t, "npz", path, nil)
	defer r.Close()
	p, _ := r.Child("predictor")
	defer p.Close()
	for _, e := range modelArrays() {
		if e.isInt32 {
			v, err := ViewOf[int32](r, e.key)
			if err != nil || !equalF64(toF64(v.Data()), e.values) {
				t.Fatalf("%s: %v", e.key, err)
			}
			continue
		}
		v, err := ViewOf[float32](r, e.key)
		if err != nil || !equalF64(toF64(v.Data()), e.values) || !equalI64(v.Shape, e.shape) || v.FortranOrder {
			t.Fatalf("%s: %v", e.key, err)
		}
	}
	if v, err := ViewOf[float32](p, "l1/W"); err != nil || v.Data()[5] != float32(modelArrays()[0].values[5]) {
		t.Fatalf("view through a child: %v", err)
	}
	if v, err := ViewOf[float64](r, "extra/f64"); err != nil || !equalF64(v.Data(), extraF64()) {
		t.Fatalf("extra/f64: %v", err)
	}
	if v, err := r.ViewBytes("mask"); err != nil || !reflect.DeepEqual(v.Data(), []byte{1, 0, 1}) || v.DType != Bool {
		t.Fatalf("mask: %v %v", v, err)
	}

	// Bad input: wrong dtype, None, a missing key, a string member.
	_, err := ViewOf[int32](r, "predictor/l1/W")
	wantError(t, err, ErrMismatch, "predictor/l1/W")
	_, err = r.ViewBytes("predictor/lazy/W")
	wantError(t, err, ErrMismatch, "")
	_, err = ViewOf[float32](r, "predictor/l9/W")
	wantError(t, err, ErrNotFound, "l9/W")
	_, err = ViewOf[uint8](r, "extensions/LogReport/_log")
	wantError(t, err, ErrMismatch, "_log")
}

func TestViewOfNumPyDataKeepsTheStoredOrder(t *testing.T) {
	r := mustOpen(t, "npz", numpyFixture(t), nil)
	defer r.Close()
	fo, err := ViewOf[float64](r, "fo")
	if err != nil || !fo.FortranOrder || !equalF64(fo.Data(), []float64{0, 3, 1, 4, 2, 5}) {
		t.Fatalf("fo (column-major as stored): %v %v", fo, err)
	}
	_, err = ViewOf[float32](r, "be")
	wantError(t, err, ErrMismatch, "byte order")
	be, err := r.ViewBytes("be")
	must(t, err)
	want := make([]byte, 0, 24)
	for i := 0; i < 6; i++ {
		want = binary.BigEndian.AppendUint32(want, math.Float32bits(float32(i)))
	}
	if !be.BigEndian || !reflect.DeepEqual(be.Data(), want) {
		t.Fatalf("be bytes %v, want %v", be.Data(), want)
	}
}

func TestViewDataPanicsAfterClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "closed.npz")
	w := mustCreate(t, "npz", path, &WriteOptions{Store: true, AlignData: true})
	must(t, Put(w, "a", []int64{2}, []float32{1, 2}))
	must(t, w.Close())
	r := mustOpen(t, "npz", path, nil)
	c, _ := r.Child("x")
	v, err := ViewOf[float32](r, "a")
	if err != nil || v.Data()[1] != 2 {
		t.Fatal(err)
	}
	r.Close()
	defer func() {
		if recover() == nil {
			t.Fatal("View.Data after Close did not panic")
		}
		c.Close()
	}()
	v.Data()
}

func TestCompressedMembersAndHDF5CannotBeViewed(t *testing.T) {
	r := mustOpen(t, "npz", dataPath("mlp.npz"), nil)
	defer r.Close()
	_, err := ViewOf[float32](r, "l1/W")
	wantError(t, err, ErrUnsupported, "")
	h := mustOpen(t, "h5", dataPath("cnn.h5"), nil)
	defer h.Close()
	_, err = h.ViewBytes("head/0/W")
	wantError(t, err, ErrInvalid, "")
}
