{{ index "abc" 1 | upper }}
