{{ if .s }}x{{ end }}{{ end }}
