{{ $m := dict "a" 1 }}{{ $_ := set $m "self" $m }}{{ toRawJson $m }}
