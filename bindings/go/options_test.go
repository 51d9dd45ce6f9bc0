package chainerser

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestIgnorePredicateSkipsKeysAndSeesFullKeys(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	opts := &ReadOptions{Path: "l2/", Ignore: func(k string) bool {
		mu.Lock()
		seen = append(seen, k)
		mu.Unlock()
		return strings.HasSuffix(k, "/b")
	}}
	r := mustOpen(t, "npz", dataPath("mlp.npz"), opts)
	defer r.Close()
	opts = nil
	runtime.GC() // the reader keeps the predicate alive
	b := []float32{7, 7, 7}
	if oc, err := GetInto(r, "b", []int64{3}, b); err != nil || oc != SkipIgnored || b[0] != 7 {
		t.Fatalf("ignored key: %v %v %v", oc, err, b)
	}
	if a, err := Get[float32](r, "W"); err != nil || a == nil {
		t.Fatalf("W: %v %v", a, err)
	}
	got := strings.Join(seen, ",")
	if !strings.Contains(got, "l2/b") || !strings.Contains(got, "l2/W") {
		t.Fatalf("the predicate saw %v", seen)
	}
}

func TestIgnorePredicateInBatchedReadsAndAfterAPanic(t *testing.T) {
	r := mustOpen(t, "npz", dataPath("mlp.npz"), &ReadOptions{Threads: 2, Ignore: func(k string) bool {
		if k == "l3/W" {
			panic("a panicking predicate counts as not ignored")
		}
		return strings.HasPrefix(k, "l1/")
	}})
	defer r.Close()
	w1, w2, w3 := make([]float32, 8*4), make([]float32, 8*8), make([]float32, 3*8)
	reqs := []*Request{
		NewRequest("l1/W", []int64{8, 4}, w1),
		NewRequest("l2/W", []int64{8, 8}, w2),
		NewRequest("l3/W", []int64{3, 8}, w3),
	}
	must(t, r.GetMany(reqs))
	if reqs[0].Outcome != SkipIgnored || reqs[1].Outcome != Loaded || reqs[2].Outcome != Loaded || w1[0] != 0 {
		t.Fatalf("outcomes %v %v %v", reqs[0].Outcome, reqs[1].Outcome, reqs[2].Outcome)
	}
	plain := mustOpen(t, "npz", dataPath("mlp.npz"), nil)
	defer plain.Close()
	if a, _ := Get[float32](plain, "l3/W"); !equalF64(toF64(a.Data), toF64(w3)) {
		t.Fatal("l3/W differs from a single read")
	}
}

func TestLimitsDefaultToTheLibraryAndAreEnforced(t *testing.T) {
	d := DefaultLimits()
	if d.MaxHeaderBytes != 10000 || d.MaxMembers != 1048576 || d.MaxInflateRatio != 1032 || d.MaxEntryBytes != 0 || d.MaxTotalBytes != 0 {
		t.Fatalf("defaults %+v", d)
	}
	limited := func(change func(*Limits)) *ReadOptions {
		l := DefaultLimits()
		change(&l)
		return &ReadOptions{Limits: &l}
	}
	// l1/W is (8, 4) float32: 128 bytes.
	r := mustOpen(t, "npz", dataPath("mlp.npz"), limited(func(l *Limits) { l.MaxEntryBytes = 100 }))
	_, err := Get[float32](r, "l1/W")
	wantError(t, err, ErrLimit, "")
	if _, err := Get[float32](r, "l1/b"); err != nil {
		t.Fatal(err)
	}
	r.Close()

	r = mustOpen(t, "npz", dataPath("mlp.npz"), limited(func(l *Limits) { l.MaxTotalBytes = 150 }))
	if _, err := Get[float32](r, "l1/W"); err != nil {
		t.Fatal(err)
	}
	_, err = Get[float32](r, "l1/W")
	wantError(t, err, ErrLimit, "") // the total is per root
	r.Close()

	_, err = OpenNPZ(dataPath("mlp.npz"), limited(func(l *Limits) { l.MaxMembers = 2 }))
	wantError(t, err, ErrLimit, "")

	r = mustOpen(t, "npz", dataPath("mlp.npz"), limited(func(l *Limits) { l.MaxHeaderBytes = 16 }))
	_, err = r.Info("l1/W")
	wantError(t, err, ErrLimit, "")
	r.Close()
}

func TestAlignDataPutsEveryStoredMemberOn64Bytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aligned.npz")
	w := mustCreate(t, "npz", path, &WriteOptions{Store: true, AlignData: true, Threads: 2})
	for i, n := range []int{1, 3, 5, 7} {
		must(t, Put(w, fmt.Sprintf("k%d", i), []int64{int64(n)}, make([]uint8, n)))
		must(t, Put(w, fmt.Sprintf("f%d", i), []int64{int64(n)}, make([]float64, n)))
	}
	must(t, w.Close())
	r := mustOpen(t, "npz", path, nil)
	defer r.Close()
	keys, _ := r.Keys()
	for _, k := range keys {
		v, err := r.ViewBytes(k)
		if err != nil || uintptr(unsafePointer(v.Data()))%64 != 0 {
			t.Fatalf("%s: %v", k, err)
		}
	}
}
