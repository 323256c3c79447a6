{{- /* toYaml on the strings yaml.v2 quotes, folds or writes as blocks */ -}}
{{ toYaml .yaml }}
---
{{ toYaml .list }}
---
{{ toYaml .m }}
---
{{ toYaml .yaml.multi }}
{{ toYaml .yaml.keep }}
{{ toYaml .yaml.long }}
{{ toYaml 1.5 }} {{ toYaml .big }} {{ toYaml .nul }} {{ toYaml "" }} {{ toYaml (list) }} {{ toYaml (dict) }}
{{ toYaml (list (list 1 2) (dict "a" (list 3))) }}
{{ toYaml (dict "args" (list "--long-argument-one" "word word word word word word word word word word word word word word end")) | nindent 4 }}
