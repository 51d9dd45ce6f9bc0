module github.com/chainerser/chainerser/bindings/go

go 1.19
