{{ eq .list .m }}
