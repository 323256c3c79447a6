{{- /* Go 1.26's eq: nil equals only nil; a nil against anything is false, not an error. */ -}}
{{ eq .none nil }} {{ eq .nul "a" }} {{ eq "a" .nul }} {{ eq .missing .nul }} {{ ne .n nil }} {{ eq .s "x" "str" }} {{ eq 1 2 1 }}
