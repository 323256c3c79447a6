{{ nospace "ß o" }}|{{ nospace "ß" }}|{{ nospace "a b\tc\n" }}|{{ nospace "é\u00a0x" }}|{{ nospace "…" }}|{{ nospace "… x" }}|{{ nospace "" }}
