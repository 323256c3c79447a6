{{- /* include's dot goes through an interface{}: a nil there is Go's invalid value, so `.s` in the included template is <no value>, not "nil pointer evaluating" (found by a generated run, seed 100). */ -}}
{{ include "d" .missing }}|{{ include "d" .nul }}|{{ include "d" nil }}|{{ template "d" .nul }}|{{ len (include "d" .missing) }}|{{ include "e" .nul }}
{{- define "d" }}{{ .s }}{{ end }}{{ define "e" }}{{ . }}|{{ printf "%v" . }}|{{ typeOf . }}{{ end }}
