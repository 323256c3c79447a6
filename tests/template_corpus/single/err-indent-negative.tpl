{{ indent -1 "a" }}
