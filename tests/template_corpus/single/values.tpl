{{- /* random data: printing, YAML, JSON, quoting */ -}}
v: {{ .v }}
yaml:
{{ toYaml .v | indent 2 }}
json: {{ toJson .v }}
pretty: {{ toPrettyJson .v }}
{{- with .v }}
truthy: {{ . | toString | quote }}
{{- else }}
falsy: {{ printf "%v|%T" . . }}
{{- end }}
{{- if kindIs "map" .v }}
{{- range $k, $x := .v }}
  {{ $k | squote }} => {{ $x }} {{ empty $x }} {{ kindOf $x }}
{{- end }}
{{- else if kindIs "slice" .v }}
{{- range $i, $x := .v }}
  {{ $i }} {{ $x | default "dflt" }} {{ typeOf $x }}
{{- end }}
first={{ first .v }} last={{ last .v }} len={{ len .v }}
{{- end }}
