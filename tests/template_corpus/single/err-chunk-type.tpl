{{ upper (mustChunk 1 (list 1 "b" 2.5)) }}
