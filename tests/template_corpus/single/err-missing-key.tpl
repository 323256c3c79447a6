line one
{{ .m.nested.missing.deeper }} ok
{{ .nul.x }}
