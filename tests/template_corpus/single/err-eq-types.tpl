{{- if eq .n 3 }}three{{ end }}
