{{ range regexFindAll "x" "h" 0 | eq (list 1 "b" 2.5) }}{{ . }}{{ end }}
