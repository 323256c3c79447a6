{{- /* Go's Regexp.Split: a non-empty expression splits "" into [""], the empty one into [] (found by a generated run, seed 401). */ -}}
{{ len (regexSplit ",+" "" 1) }} {{ len (regexSplit ",+" "" -1) }} {{ len (regexSplit "" "" -1) }} {{ toJson (regexSplit "a" "" -1) }} {{ toJson (regexSplit "" "" 2) }} {{ range regexSplit "x" "" -1 }}[{{ . }}]{{ end }}
