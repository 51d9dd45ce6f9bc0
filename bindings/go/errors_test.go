package chainerser

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// wantError checks the code and that the message names what it is about.
func wantError(t *testing.T, err error, code Code, mention string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error %v, got %v", code, err)
	}
	if !errors.Is(err, code) || !strings.Contains(e.Message, mention) {
		t.Fatalf("want code %d mentioning %q, got %d %q", code, mention, e.Code, e.Message)
	}
}

func TestMissingFile(t *testing.T) {
	_, err := OpenNPZ("/nonexistent/dir/model.npz", nil)
	wantError(t, err, ErrNotFound, "/nonexistent/dir/model.npz")
	_, err = OpenH5("/nonexistent/dir/model.h5", nil)
	if err == nil {
		t.Fatal("opening a missing HDF5 file succeeded")
	}
}

func TestMissingKey(t *testing.T) {
	f, _ := OpenNPZ(dataPath("mlp.npz"), nil)
	defer f.Close()
	_, err := Get[float32](f, "l9/W")
	wantError(t, err, ErrNotFound, "l9/W")
	_, err = GetInto(f, "l9/b", []int64{3}, make([]float32, 3))
	wantError(t, err, ErrNotFound, "l9/b")
	if ok, err := f.Has("l9/W"); ok || err != nil {
		t.Fatal(ok, err)
	}
}

func TestShapeMismatch(t *testing.T) {
	f, _ := OpenNPZ(dataPath("mlp.npz"), nil)
	defer f.Close()
	buf := make([]float32, 32)
	_, err := GetInto(f, "l1/W", []int64{4, 8}, buf) // stored (8, 4)
	wantError(t, err, ErrMismatch, "l1/W")
	_, err = Get[int32](f, "l1/W") // stored float32
	wantError(t, err, ErrMismatch, "l1/W")
	for _, v := range buf {
		if v != 0 {
			t.Fatal("a failed read wrote into the buffer")
		}
	}
}

func TestBadWrites(t *testing.T) {
	w, _ := CreateNPZ(filepath.Join(t.TempDir(), "bad.npz"), nil)
	defer w.Discard()
	err := Put(w, "W", []int64{2, 3}, []float32{1, 2, 3, 4, 5})
	wantError(t, err, ErrInvalid, "")
	if err := w.PutInt64("n", 1); err != nil {
		t.Fatal(err)
	}
	wantError(t, w.PutInt64("n", 2), ErrExists, "n")
	wantError(t, w.PutNone("a\x00b"), ErrInvalid, "NUL")
}
