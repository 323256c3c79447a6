{{ printf "%#v" .m }}
{{ printf "%#v" .list }}
{{ printf "%#v" .s }}
{{ printf "%#v" .strs }}
{{ printf "%#v" (list 1 2) }}
{{ printf "%#v" (splitList "," "a,b") }}
{{ printf "%+v|%+d|% d|%+.2f|% .1e" 3 3 3 1.5 1.5 }}
{{ printf "%o|%#o|%O|%b|%#b|%#x|%#X|%x" 8 8 8 5 5 255 255 -255 }}
{{ printf "%b|%x|%X|%#x|%.2x|%.0x" 1.5 1.5 1.5 1.5 3.14159 1.0 }}
{{ printf "%U|%#U|%.6U|%U" 0x1F600 0x1F600 65 -1 }}
{{ printf "%X|%x|% x|%# x|%#X" "hi" "hi" "hi" "hi" "hi" }}
{{ printf "%*d|%-*d|%.*f|%*d" 5 3 5 3 2 3.14159 "x" 3 }}
{{ printf "%q|%q|%v|%x|%d" .strs .list .strs .strs .list }}
{{ printf "%5v|%-5v|%05d|%05.1f|%-05d|%+05d" 1 "ab" -3 -2.5 3 3 }}
{{ printf "%g|%G|%e|%E|%.3g|%.3e|%10.3f|%-10.2e|" 1e21 1e-7 123456.0 0.0 3.14159 3.14159 2.5 100.0 }}
{{ printf "%.2g|%.3g|%.1g|%.0g|%g|%g" 100.0 100.0 0.15 2.5 0.00001 123456789.0 }}
{{ printf "%#g|%#.3g|%#e|%#f|%#.0f|%#v" 1.0 1.0 1.0 1.0 2.0 1.0 }}
{{ printf "%f|%F|%.0f|%.1f|%.2f" 2.5 2.5 2.5 0.25 1.005 }}
{{ printf "%t|%t|%d|%s" true 1 true 3 }}
{{ printf "%c|%c|%q|%+q|%q" 65 0x1F600 0x1F600 0x1F600 39 }}
{{ printf "%s|%10s|%-10s|%.2s|%q|%+q|%#q" "héllo" "héllo" "hé" "héllo" "a\"b😀" "a😀" "a`b" }}
{{ printf "%v|%d|%s" nil nil nil }}
{{ printf "%[2]d %[1]d" 1 2 }}
{{ printf "%[3]d %d" 1 2 }}
{{ printf "%d %d" 1 }}
{{ printf "%d" 1 2 "x" nil }}
{{ printf "%!" 1 }}
{{ printf "%" }}
{{ printf "%5z|%.2z" 3 "hello" }}
{{ printf "%T|%T|%T|%T|%T" 1 1.5 "s" .list nil }}
{{ printf "%v|%s|%d" .m .m .m }}
{{ printf "%x|%X|%o" (int64 -1) 3.5 "é" }}
{{ printf "%8.3v|%-8v|" 3.14159 "abc" }}
{{ printf "%e|%g|%f" 1e100 1e-100 1e20 }}
{{ printf "%v %v %v" 0.1 1e6 -0.0 }}
{{ printf "%.3v" "abcdef" }}
{{ printf "%06.2f|%+06.2f|% 06.2f|%06s" -1.5 1.5 1.5 "ab" }}
{{ printf "%x" 0.0 }}
{{ printf "%#.3x|%.20x|%#.0e" 1.0 1.0 3.0 }}
{{ printf "%-8q|%8q" "a" 97 }}
{{ printf "%10v|" .strs }}
{{ printf "%03d|%.3d|%.0d|%5.0d|" 7 7 0 0 }}
{{ printf "%*d" 2000000 1 }}
{{ printf "%-*d|" -5 1 }}
{{ printf "%.*d|" -5 1 }}
{{ printf "%#v" .m }}
{{ printf "%#v" .list }}
{{ printf "%#v" .s }}
{{ printf "%#v" .f }}
{{ printf "%#v" 3 }}
{{ printf "%#v" .nul }}
{{ printf "%#v" .t }}
{{ printf "%#v" .strs }}
{{ printf "%#v" (list 1 2) }}
{{ printf "%o" 8 }}
{{ printf "%#o" 8 }}
{{ printf "%O" 8 }}
{{ printf "%b" 5 }}
{{ printf "%b" 1.5 }}
{{ printf "%U" 0x1F600 }}
{{ printf "%#U" 0x1F600 }}
{{ printf "%X" 1.5 }}
{{ printf "%x" 1.5 }}
{{ printf "%x" .f }}
{{ printf "%X" "hi" }}
{{ printf "%*d" 5 3 }}
{{ printf "%-*d|" 5 3 }}
{{ printf "%.*f" 2 3.14159 }}
{{ printf "%*d" "x" 3 }}
{{ printf "%q" .strs }}
{{ printf "%q" .list }}
{{ printf "%v" .strs }}
{{ printf "%x" .strs }}
