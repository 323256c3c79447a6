{{ eq .list .list }}
