{{ include "d" .missing }}{{ define "d" }}{{ .s.t }}{{ end }}
