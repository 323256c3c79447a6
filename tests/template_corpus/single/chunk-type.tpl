{{- /* Sprig's chunk makes a [][]interface{} (found by a generated run, seed 106). */ -}}
{{ typeOf (chunk 2 (list 1 2 3)) }} {{ printf "%#v" (chunk 2 (list 1 "b" 3)) }} {{ typeOf (chunk 2 (list)) }} {{ typeOf (index (chunk 2 (list 1)) 0) }} {{ typeOf (slice (chunk 1 (list 1 2)) 1) }} {{ deepEqual (chunk 1 (list 1)) (list (list 1)) }} {{ toJson (chunk 2 (list)) }}
