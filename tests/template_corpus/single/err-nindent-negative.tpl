{{ nindent -2 "a" }}
