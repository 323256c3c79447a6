{{ printf "%q %q %q %q %q" 0 65 39 34 -1 }}
