{{ $_ := set .missing "a" 1 }}
