{{- /* a with/range dot that is a nil element */ -}}
{{ range .list }}{{ if not (kindIs "map" .) }}{{ else }}{{ .k }}{{ end }}{{ end }}
{{ index .list 2 | printf "%v" }} {{ (index .list 2).x }}
