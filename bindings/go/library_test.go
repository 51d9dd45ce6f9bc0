package chainerser

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func TestVersionsAgree(t *testing.T) {
	major, minor, patch := VersionParts()
	if Version() != fmt.Sprintf("%d.%d.%d", major, minor, patch) || VersionNumber() != major*10000+minor*100+patch {
		t.Fatalf("%s vs %d.%d.%d vs %d", Version(), major, minor, patch, VersionNumber())
	}
	if HeaderVersionNumber/100 != VersionNumber()/100 {
		t.Fatalf("headers %d, library %d", HeaderVersionNumber, VersionNumber())
	}
}

func TestH5LockIsRecursiveAndExcludesOtherThreads(t *testing.T) {
	unlockOuter, err := LockH5()
	must(t, err)
	unlockInner, err := LockH5()
	must(t, err)
	// The library's own HDF5 calls take the same recursive lock on this thread.
	r := mustOpen(t, "h5", dataPath("cnn.h5"), nil)
	if v, ok, err := r.GetInt64("features/1/N"); v != 2 || !ok || err != nil {
		t.Fatal(v, ok, err)
	}
	r.Close()
	taken, release, done := make(chan bool), make(chan bool), make(chan error)
	go func() { // the lock is per thread: this goroutine takes and releases it on its own
		unlock, err := LockH5()
		if err != nil {
			done <- err
			return
		}
		taken <- true
		<-release
		done <- unlock()
	}()
	select {
	case <-taken:
		t.Fatal("another goroutine took the lock while this one held it")
	case <-time.After(200 * time.Millisecond):
	}
	must(t, unlockInner())
	must(t, unlockOuter())
	select {
	case <-taken:
	case <-time.After(5 * time.Second):
		t.Fatal("the lock was not released")
	}
	release <- true
	must(t, <-done)
}

func TestCopyAllAndCopyEntry(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.npz")
	w := mustCreate(t, "npz", src, nil)
	writeModel(t, w)
	must(t, w.Close())
	r := mustOpen(t, "npz", src, nil)
	defer r.Close()

	h5 := filepath.Join(dir, "all.h5")
	w = mustCreate(t, "h5", h5, nil)
	must(t, w.CopyAll(r))
	must(t, w.Close())
	pythonCheck(t, "check_model.py", "h5", h5)

	one := filepath.Join(dir, "one.npz")
	w = mustCreate(t, "npz", one, nil)
	must(t, w.CopyEntry(r, "predictor/l1/W"))
	wp, _ := w.Child("predictor")
	rp, _ := r.Child("predictor")
	must(t, wp.CopyEntry(rp, "lazy/W")) // the same relative key under each prefix
	wp.Close()
	rp.Close()
	wantError(t, w.CopyEntry(r, "predictor/l9/W"), ErrNotFound, "l9/W")
	must(t, w.CopyEntry(r, "updater/iteration"))
	wantError(t, w.CopyEntry(r, "updater/iteration"), ErrExists, "updater/iteration")
	must(t, w.Close())
	wantError(t, w.CopyAll(r), ErrInvalid, "closed")

	c := mustOpen(t, "npz", one, nil)
	defer c.Close()
	keys, _ := c.Keys()
	if fmt.Sprint(keys) != "[predictor/l1/W predictor/lazy/W updater/iteration]" {
		t.Fatalf("keys %v", keys)
	}
	a, err := Get[float32](c, "predictor/l1/W")
	if err != nil || !equalF64(toF64(a.Data), modelArrays()[0].values) {
		t.Fatalf("copied l1/W: %v %v", a, err)
	}
	if none, _ := c.IsNone("predictor/lazy/W"); !none {
		t.Fatal("lazy/W is not None")
	}
	if v, _, _ := c.GetInt64("updater/iteration"); v != 1000 {
		t.Fatal(v)
	}
}
