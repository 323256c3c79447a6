{{- /* Sprig's add1f is decimal addition of 1, as addf: it fails on NaN and the infinities and adds exactly (found by a generated run, seed 101). */ -}}
{{ add1f 0.1 }} {{ add1f 1e20 }} {{ add1f "2.2" }} {{ add1f -1 }} {{ add1f 0.7 }} {{ add1f 1.00000000000000001 }} {{ add1f 123456789.123456789 }} {{ add1f nil }}
