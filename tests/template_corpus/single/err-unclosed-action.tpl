a
{{ if .s }}
{{ .s 
