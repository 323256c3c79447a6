{{ eq (until 0) "abc" }}
