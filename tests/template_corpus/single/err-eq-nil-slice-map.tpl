{{ eq (regexFindAll "x" "h" 0) .m }}
