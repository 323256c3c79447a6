{{ dig "a" "b" "d" (dict "a" 1) }}
