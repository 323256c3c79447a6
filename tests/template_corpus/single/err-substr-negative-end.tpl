{{ substr -3 -3 "hello" }}
