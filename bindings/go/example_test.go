package chainerser_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	chainerser "github.com/chainerser/chainerser/bindings/go"
)

// The Go example of bindings/README.md.
func Example() {
	dir, _ := os.MkdirTemp("", "chainerser-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.npz")

	w, err := chainerser.CreateNPZ(path, nil)
	if err != nil {
		panic(err)
	}
	defer w.Discard() // no-op once Close has committed
	l1, _ := w.Child("predictor/l1")
	chainerser.Put(l1, "W", []int64{2, 3}, []float32{0, 1, 2, 3, 4, 5}) // (out, in), C order
	l1.Close()
	w.PutNone("predictor/lazy/W")
	w.PutInt64("updater/iteration", 1000)
	w.PutString("extensions/LogReport/_log", "[]")
	if err := w.Close(); err != nil { // commits; Close is idempotent
		panic(err)
	}

	r, _ := chainerser.OpenNPZ(path, nil)
	defer r.Close()
	W, _ := chainerser.Get[float32](r, "predictor/l1/W") // nil for None
	keys, _ := r.Keys()
	fmt.Println(W.Shape, W.Data[4], keys)
	_, err = chainerser.Get[float32](r, "predictor/l9/W")
	fmt.Println(errors.Is(err, chainerser.ErrNotFound))
	// Output:
	// [2 3] 4 [extensions/LogReport/_log predictor/l1/W predictor/lazy/W updater/iteration]
	// true
}
