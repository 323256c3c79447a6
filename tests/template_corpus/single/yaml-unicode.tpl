{{ toYaml "😀" }}
{{ toYaml (dict "k" "a😀b" "😀" "key") }}
{{ toYaml (list "😀" "x") }}
{{ toYaml "\u0085" }}|{{ toYaml "a\u0085b" }}|{{ toYaml "a\u0085" }}|{{ toYaml "a \u0085 b" }}|{{ toYaml "a\u0085\u0085b" }}
{{ toYaml "\u2028" }}|{{ toYaml "x\u2028y" }}|{{ toYaml "x\u2029y\nz" }}|{{ toYaml "x\ry" }}
{{ toYaml "\ufffe" }}|{{ toYaml "\u0080" }}|{{ toYaml "\x7f" }}|{{ toYaml (dict "k\u0085x" 1) }}
{{ toYaml "a\u00a0b" }}|{{ toYaml "\ufeff" }}|{{ toYaml "\x01" }}
{{ toYaml "line1\nline2 😀" }}
