{{ set (merge .missing) "a" 1 }}
