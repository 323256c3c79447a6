{{ range .n }}x{{ end }}
