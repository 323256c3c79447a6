{{ range $i, $v := 3 }}{{ end }}
