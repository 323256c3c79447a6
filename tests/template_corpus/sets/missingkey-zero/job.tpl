{{- /* missingkey=zero: a missing key of a map[string]string (split) is "", of a map[string]interface{} a nil interface. */ -}}
[{{ (split ":" "a")._3 }}] [{{ .Job.nope }}] [{{ typeOf (split ":" "a")._3 }}] [{{ typeOf .Job.nope }}]
