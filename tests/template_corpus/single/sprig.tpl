{{- /* the Sprig functions job templates call */ -}}
{{ $d := dict "a" 1 "b" (list 1 2) }}{{ $e := $d }}{{ $_ := set $e "c" "shared" }}{{ $d }}
{{ $m := mergeOverwrite (dict "a" 1 "n" (dict "x" 1 "y" 2) "l" (list 1)) (dict "a" 0 "n" (dict "x" 5) "l" (list) "z" nil) }}{{ $m }}
{{ $mm := merge (dict "a" 0 "b" 2 "n" (dict "x" 1)) (dict "a" 5 "b" 3 "n" (dict "z" 9) "c" 4) }}{{ $mm }}
{{ hasKey $d "a" }} {{ hasKey $d "q" }} {{ get $d "c" }} [{{ get $d "q" }}] {{ $d.c }}
{{ default "d" .empty }} {{ default "d" .s }} {{ default 5 0 }} {{ .missing | default "dm" }} {{ coalesce .nul .empty "co" }}
{{ ternary "yes" "no" .t }} {{ ternary "yes" "no" false }}
{{ quote "a\"b" .n .nul }} {{ squote .s }} {{ cat "a" .nul 1 .list }}
{{ indent 2 "x\ny" }}|{{ nindent 4 "z" }}|{{ trim "  t \n" }}|{{ trimAll "x" "xxaxx" }}|{{ trimPrefix "he" .s }}|{{ trimSuffix "lo" .s }}
{{ repeat 3 "ab" }} {{ upper .s }} {{ lower "ABC" }} {{ title "hello world" }} {{ replace "l" "L" .s }} {{ contains "ell" .s }} {{ hasPrefix "he" .s }} {{ hasSuffix "x" .s }}
{{ join ", " .strs }} {{ join "-" .list }} {{ splitList ":" "a:b::c" }} {{ splitList ":" "a:b" | len }}
{{ $l := list 1 2 }}{{ $l2 := append $l 3 }}{{ $l }} {{ $l2 }} {{ concat $l (list "x") .strs }} {{ prepend $l 0 }}
{{ first .strs }} {{ last .list }} {{ slice .strs 1 }} {{ slice .strs 1 2 }} {{ rest .strs }} {{ initial .strs }}
{{ has "a" .strs }} {{ has 9 .list }} {{ uniq (list 1 1 2 1) }} {{ compact (list 0 1 "" "a" nil) }} {{ .strs | sortAlpha }}
{{ add 1 2 3 }} {{ add 1 2.7 }} {{ add1 .n }} {{ sub 10 .n }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 2 }} {{ max 1 9 3 }} {{ min 4 2 8 }}
{{ mulf 0.1 3 }} {{ addf 0.1 0.2 }} {{ subf 1 0.9 }} {{ divf 1 3 }} {{ float64 "1.25" }} {{ float64 .n }} {{ int "42" }} {{ int64 .f }} {{ float64 "x" }}
{{ toString 12 }} {{ toString .f }} {{ toString .list }} {{ toStrings .list }} {{ atoi "12" }} {{ b64enc "jjo" }} {{ b64dec "ampv" }} {{ nospace "a b  c" }} {{ trunc 3 "abcdef" }} {{ trunc -2 "abcdef" }}
{{ empty .list }} {{ empty (dict) }} {{ empty 0.0 }} {{ all 1 "a" }} {{ any 0 "" }} {{ kindOf .m }} {{ typeOf .strs }} {{ typeIs "string" .s }}
{{ $copy := deepCopy .m }}{{ $_ := set $copy "added" 1 }}{{ hasKey .m "added" }} {{ pick .m "a" "b" }} {{ omit .m "nested" "k10" }} {{ unset (dict "a" 1 "b" 2) "a" }}
{{ (fromJson "{\"a\": [1, 2.5, \"x\"]}").a }} {{ fromJson "not json" | kindOf }} {{ toJson (dict "h" "<&>" "f" 1.0e-7 "g" 1e21) }}
{{ printf "%s|%d|%v|%q|%5.2f|%-4s|%04d|%x|%X|%t|%e|%g|%c|%%|%s" .s 42 .list "q" 3.14159 "ab" 7 255 255 true 1234.5 0.000001 65 }}
{{ printf "%d %s" "str" }} {{ printf "%v" .n .s }}
{{ printf "%v %v %v" .m.nested (list) (dict) }}
