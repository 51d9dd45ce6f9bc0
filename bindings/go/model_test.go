package chainerser

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func roundTrip(t *testing.T, create func(string, *WriteOptions) (*File, error),
	open func(string, *ReadOptions) (*File, error), format string) {
	path := filepath.Join(t.TempDir(), "model."+format)
	w, err := create(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	writeModel(t, w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil { // idempotent
		t.Fatalf("second Close: %v", err)
	}
	r, err := open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	checkModel(t, r)
	pythonCheck(t, "check_model.py", format, path)
}

func TestNPZModelCheckedByNumPy(t *testing.T) { roundTrip(t, CreateNPZ, OpenNPZ, "npz") }

func TestH5ModelCheckedByH5py(t *testing.T) { roundTrip(t, CreateH5, OpenH5, "h5") }

func TestDiscardKeepsTheOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keep.npz")
	w, _ := CreateNPZ(path, nil)
	writeModel(t, w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	w, _ = CreateNPZ(path, nil)
	if err := w.PutInt64("x", 1); err != nil {
		t.Fatal(err)
	}
	w.Discard()
	w.Discard()
	if err := w.Close(); err != nil { // no-op after Discard
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("Discard changed the file")
	}
	if err := w.PutInt64("y", 1); err == nil {
		t.Fatal("a discarded file accepted a write")
	}
}

func TestFinalizerDiscardsAnUnclosedWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leak.npz")
	func() {
		w, _ := CreateNPZ(path, nil)
		c, _ := w.Child("a")
		_ = Put(c, "b", []int64{2}, []float32{1, 2})
	}()
	for i := 0; i < 5; i++ {
		runtime.GC()
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("an unclosed writer was committed: %v", err)
	}
}

func TestChildOfClosedRootFails(t *testing.T) {
	r, err := OpenNPZ(dataPath("mlp.npz"), nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := r.Child("l1")
	r.Close()
	if _, err := Get[float32](c, "W"); err == nil {
		t.Fatal("child of a closed root still reads")
	}
	c.Close()
}
