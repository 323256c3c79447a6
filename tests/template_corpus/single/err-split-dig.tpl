{{ dig "_0" "d" (split "," "a,b") }}
