{{- /* Sprig v3's fromJson/mustFromJson decode any JSON value (defaults.go), not only objects. */ -}}
{{ mustFromJson "[1,2]" }} {{ mustFromJson "\"s\"" }} {{ mustFromJson "null" }} {{ mustFromJson "1.5" | kindOf }} {{ mustFromJson "true" }}
{{ (mustFromJson "{\"a\":{\"b\":[1,\"x\",null]}}").a.b }} {{ fromJson "[" | kindOf }} {{ fromJson "{\"k\":1} x" | kindOf }}
{{ range $i, $v := mustFromJson "[3,\"two\",{\"one\":1}]" }}{{ $i }}={{ $v }};{{ end }}
{{ mustFromJson " {\"z\": 1, \"a\": [] } " | toJson }} {{ len (mustFromJson "[1,2,3]") }}
