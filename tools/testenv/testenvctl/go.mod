module kubecpp.invalid/testenv/testenvctl

go 1.24
