{{ substr 3 20 "abc" }}{{ substr 5 2 "abcdef" }}
