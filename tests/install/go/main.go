// Writes l1/W as NPZ and HDF5 through the installed Go package, reads it back and checks a
// missing key's error. Usage: consumer DIR
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	chainerser "github.com/chainerser/chainerser/bindings/go"
)

type format struct {
	name   string
	create func(string, *chainerser.WriteOptions) (*chainerser.File, error)
	open   func(string, *chainerser.ReadOptions) (*chainerser.File, error)
}

func main() {
	formats := []format{
		{"go.npz", chainerser.CreateNPZ, chainerser.OpenNPZ},
		{"go.h5", chainerser.CreateH5, chainerser.OpenH5},
	}
	for _, f := range formats {
		if err := roundTrip(filepath.Join(os.Args[1], f.name), f); err != nil {
			fmt.Fprintln(os.Stderr, "go consumer:", err)
			os.Exit(1)
		}
	}
	fmt.Println("go consumer: ok")
}

func roundTrip(path string, f format) error {
	w := []float32{0, 1, 2, 3, 4, 5}
	out, err := f.create(path, nil)
	if err != nil {
		return err
	}
	defer out.Discard()
	if err := chainerser.Put(out, "l1/W", []int64{2, 3}, w); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}

	in, err := f.open(path, nil)
	if err != nil {
		return err
	}
	defer in.Close()
	back, err := chainerser.Get[float32](in, "l1/W")
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(back.Shape, []int64{2, 3}) || !reflect.DeepEqual(back.Data, w) {
		return fmt.Errorf("%s: l1/W read back as %v %v", path, back.Shape, back.Data)
	}
	_, err = chainerser.Get[float32](in, "l1/nope")
	if !errors.Is(err, chainerser.ErrNotFound) || !strings.Contains(err.Error(), "l1/nope") {
		return fmt.Errorf("%s: a missing key gave %v", path, err)
	}
	return nil
}
