// A module outside the project's tree that uses the installed Go package. The package is not
// published, so a replace points at the installed sources: here ../prefix, the prefix this
// directory sits next to in the test; elsewhere <prefix>/share/chainerser/go.
module chainerser.test/consumer

go 1.19

require github.com/chainerser/chainerser/bindings/go v0.1.0

replace github.com/chainerser/chainerser/bindings/go => ../prefix/share/chainerser/go
