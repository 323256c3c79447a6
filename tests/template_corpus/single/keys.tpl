{{- /* keys of a map come out in random order in Go: only what cannot see the order is used here. */ -}}
{{ keys .m | sortAlpha }} {{ len (keys .m) }} {{ has "a" (keys .m) }} {{ has "zz" (keys .m) }} {{ keys .m | sortAlpha | first }}
{{ keys .m .m.nested | sortAlpha }} {{ keys .m.nested.y }} {{ keys (dict "one" 1) }} {{ values (dict "one" 1) }} {{ values .m.nested | len }}
{{ $k := keys .m }}{{ $k | sortAlpha | join "," }} {{ empty (keys .m) }} {{ kindOf (keys .m) }} {{ typeOf (values .m) }}
