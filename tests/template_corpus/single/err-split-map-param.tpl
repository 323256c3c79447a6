{{ hasKey (split "," "a,b") "_0" }}
