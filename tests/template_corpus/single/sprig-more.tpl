{{ abbrev 5 "hello world" }}|{{ abbrev 3 "hello" }}|{{ abbrevboth 5 10 "1234 5678 9123 4567" }}|{{ untitle "Hello World" }}|{{ initials "first second third" }}
{{ substr 0 5 "hello world" }}|{{ substr 6 -1 "hello world" }}|{{ substr -1 3 "hello" }}|{{ plural "one" "many" 1 }}|{{ plural "one" "many" 2 }}|{{ trimall "$" "$5.00$" }}
{{ b32enc "hello" }}|{{ b32dec "NBSWY3DP" }}|{{ b32dec "!!" }}|{{ sha1sum "abc" }}|{{ sha256sum "abc" }}|{{ adler32sum "Wikipedia" }}
{{ sha512sum "" }}
{{ split "$" "foo$bar$baz" }}|{{ (split "." "a.b")._1 }}|{{ splitn "$" 2 "foo$bar$baz" }}|{{ splitn "" 2 "abc" }}
{{ until 5 }}|{{ until -3 }}|{{ until 0 }}|{{ untilStep 3 6 2 }}|{{ untilStep 6 3 -1 }}|{{ untilStep 0 5 0 }}|{{ seq 5 }}|{{ seq -3 }}|{{ seq 2 5 }}|{{ seq 0 2 10 }}|{{ seq 10 -2 0 }}|{{ seq }}
{{ toDecimal "0777" }}|{{ toDecimal "9" }}|{{ toDecimal 17 }}|{{ maxf 1 2.5 -3 }}|{{ minf 1 2.5 -3 }}|{{ biggest 1 5 3 }}|{{ floor 1.7 }}|{{ ceil 1.2 }}|{{ floor "-1.5" }}
{{ round 123.5555 3 }}|{{ round 123.5 0 }}|{{ round 2.4 0 0.4 }}|{{ round -1.5 0 }}|{{ add1f 1.5 }}|{{ add1f "x" }}
{{ tuple 1 "a" nil }}|{{ reverse (list 1 2 3) }}|{{ reverse (list) }}|{{ without (list 1 2 3 2) 2 }}|{{ without (list "a" nil) nil }}|{{ chunk 2 (list 1 2 3 4 5) }}|{{ chunk 3 (list) }}
{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" "x") }}|{{ dig "a" "b" "def" (dict "a" (dict "b" "found")) }}|{{ dig "x" "def" (dict "a" 1) }}|{{ dig "a" "b" "d" .m }}
{{ deepEqual (list 1 2) (list 1 2) }}|{{ deepEqual (dict "a" 1) (dict "a" 2) }}|{{ typeIsLike "string" "x" }}|{{ typeIsLike "int" 1.5 }}
{{ base "/a/b/c.txt" }}|{{ base "" }}|{{ base "/" }}|{{ dir "/a/b/c" }}|{{ dir "c" }}|{{ clean "a//b/../c/." }}|{{ clean "/../a" }}|{{ ext "x/y.tar.gz" }}|{{ ext "a.b/c" }}|{{ isAbs "/x" }}|{{ osBase "a/b" }}
{{ regexMatch "^[a-z]+\\d$" "abc1" }}|{{ regexMatch "\\d" "٣" }}|{{ regexFind "[0-9]+" "ab123cd45" }}|{{ regexFindAll "[0-9]" "a1b2c3" -1 }}|{{ regexFindAll "[0-9]" "a1b2c3" 2 }}|{{ regexFindAll "x*" "axxb" -1 }}
{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}|{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}|{{ regexReplaceAllLiteral "a(x*)b" "-ab-" "${1}" }}|{{ regexSplit "z+" "pizza" -1 }}|{{ regexSplit "z+" "pizza" 1 }}|{{ regexSplit "" "abc" -1 }}|{{ regexSplit "a" "" -1 }}
{{ regexQuoteMeta "1.5-2.0?*" }}|{{ regexFindAll "z" "abc" -1 | len }}|{{ regexFind "\\w+" "héllo wörld" }}
{{ mustFirst (list 1 2) }}|{{ mustLast (list 1 2) }}|{{ mustRest (list 1 2) }}|{{ mustInitial (list 1 2) }}|{{ mustUniq (list 1 1 2) }}|{{ mustCompact (list 0 1 "") }}|{{ mustAppend (list 1) 2 }}|{{ mustPrepend (list 1) 0 }}|{{ mustHas 1 (list 1) }}|{{ mustSlice (list 1 2 3) 1 }}|{{ mustMerge (dict "a" 1) (dict "b" 2) }}|{{ mustMergeOverwrite (dict "a" 1) (dict "a" 2) }}|{{ mustReverse (list 1 2) }}|{{ mustWithout (list 1 2) 1 }}|{{ mustChunk 1 (list 1 2) }}|{{ mustDeepCopy (dict "a" 1) }}
