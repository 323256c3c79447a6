{{ if .s }}
  {{ .s | shout }}
{{ end }}
