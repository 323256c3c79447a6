{{- define "rstudio-library.templates.data" -}}
{"job":{},"pod":{}}
{{- end }}
