{{ index (list 1 2) (index "a" 0) }}
