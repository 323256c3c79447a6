{{ upper "ß" }} {{ lower "ẞ" }} {{ upper "straße" }} {{ lower "İ" }} {{ upper "ǆ" }} {{ lower "ǅ" }} {{ upper "ŉ" }}
{{ title "o'neil is here" }} {{ title "ßtraße" }} {{ title "hello-world foo_bar" }} {{ title "ǆa ǉb" }} {{ title "über élan" }} {{ title "a✓b c—d 1st" }}
{{ untitle "Hello World" }} {{ untitle "ÄBC İx" }}
