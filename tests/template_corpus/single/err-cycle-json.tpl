{{ $m := dict "a" 1 }}{{ $_ := set $m "self" (list $m) }}{{ mustToJson $m }}
