# Version: 2.5.0
name: {{ .Job.name }}
{{- with .Job.metadata.job }}
labels: {{ toJson .labels }}
{{- end }}
user: {{ .Job.usr }}
