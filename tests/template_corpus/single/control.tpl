{{- /* control structures, variables and scopes */ -}}
{{- $x := 1 }}
{{- if eq .n 3.0 }}three{{ else if eq .n 4.0 }}four{{ else }}other{{ end }}
{{- range $i, $e := .list }}
[{{ $i }}:{{ $e }}]{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if ge $i 3 }}{{ break }}{{ end }}({{ $x }})
{{- $x = add $x 1 }}
{{- end }}
x={{ $x }}
{{- range .nothing }}never{{ else }}
empty range takes else
{{- end }}
{{- with .m.nested }}
nested: {{ .x }} {{ $.s }} {{ len .y }}
{{- end }}
{{- with .missing }}no{{ else }} with-else{{ end }}
{{- range $k, $v := .m }}
{{ $k }}={{ $v }}
{{- end }}
{{- define "greet" }}Hello {{ . }}!{{ end }}
{{- block "banner" .s }}[{{ . | upper }}]{{ end }}
{{ template "greet" .s }} {{ template "greet" }} {{ include "greet" "inc" | len }}
{{- range .strs }}{{ . }}{{ end }}
{{ index .list 1 }} {{ index .m "a" }} {{ index .m.nested.x 0 }} {{ index .m "zz" }}
{{ and 1 0 "x" }} {{ or 0 "" "y" }} {{ and .t .s }} {{ or .nul .empty }} {{ not .empty }}
{{ eq .s "hello" "x" }} {{ ne .n 3.0 }} {{ lt 1 2 }} {{ le "a" "b" }} {{ gt 2.5 1.5 }} {{ ge .n .f }}
{{ eq .nul .missing }} {{ eq .nul "x" }}
{{ print 1 2 "a" "b" 3 }} {{ println "x" 1 }}{{ len "héllo" }}
{{ .nul }} {{ .missing }} {{ .list }} {{ .m }} {{ .big }} {{ .f }} {{ 1e6 }} {{ 0.000012 }} {{ -0.0 }} {{ 0x1F }} {{ 'a' }} {{ 1_000 }}
{{- "  left trim" }}  {{- /* comment */ -}}  right trim  {{- 2 -}}
