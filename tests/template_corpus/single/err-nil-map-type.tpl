{{ upper (unset .missing "s") }}
