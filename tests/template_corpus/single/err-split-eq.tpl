{{ eq (split "," "a") (split "," "a") }}
