module chainerser.example/chainerser

go 1.19
