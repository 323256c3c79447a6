{{ range .list }}{{ .k }}{{ end }}
