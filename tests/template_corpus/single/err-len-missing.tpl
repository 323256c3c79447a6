{{ len .missing }}
