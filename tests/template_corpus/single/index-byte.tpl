{{ index "abc" 1 }}|{{ printf "%T %v %#v %d %x %c %q %+d %U" (index "abc" 0) (index "abc" 0) (index "abc" 0) (index "abc" 0) (index "abc" 0) (index "abc" 0) (index "abc" 0) (index "abc" 0) (index "abc" 0) }}
{{ eq (index "abc" 0) 97 }}|{{ eq 97 (index "abc" 0) }}|{{ lt (index "abc" 0) 98 }}|{{ lt -1 (index "abc" 0) }}|{{ gt (index "abc" 0) 1 }}|{{ ne (index "a" 0) (index "b" 0) }}
{{ kindOf (index "a" 0) }}|{{ typeOf (index "a" 0) }}|{{ toJson (index "a" 0) }}|{{ toYaml (index "a" 0) }}|{{ add (index "a" 0) 1 }}|{{ int (index "a" 0) }}|{{ float64 (index "a" 0) }}|{{ toString (index "a" 0) }}|{{ list (index "a" 0) }}|{{ printf "%#v" (list (index "a" 0)) }}
{{ if index "a" 0 }}y{{ end }}|{{ empty (index "a" 0) }}|{{ default 5 (index "a" 0) }}|{{ quote (index "a" 0) }}|{{ mul (index "a" 0) 2 }}|{{ addf (index "a" 0) 1 }}|{{ max (index "a" 0) 100 }}
{{ range $i := index "ab" 0 }}{{ $i }}{{ end }}
