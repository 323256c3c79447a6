{{ sortAlpha .nul }} {{ sortAlpha "x" }} {{ sortAlpha 3 }} {{ sortAlpha .missing }}
