{{ hello }}
{{ camelcase "http_server" }}|{{ camelcase "_foo_bar_" }}|{{ camelcase "hello world" }}|{{ camelcase "HTTPServer" }}|{{ camelcase "a" }}|{{ camelcase "__" }}|{{ camelcase "foo--bar" }}|{{ camelcase "FOO_BAR" }}|{{ camelcase "fooBar" }}|{{ camelcase "" }}
{{ snakecase "FirstName" }}|{{ snakecase "HTTPServer" }}|{{ snakecase "Bld4Floor" }}|{{ snakecase "HTTP2xx" }}|{{ snakecase "a-b c_d" }}|{{ snakecase "  x  " }}|{{ snakecase "id" }}|{{ snakecase "ID" }}|{{ snakecase "userID123abc" }}|{{ snakecase "foo.bar" }}|{{ snakecase "foo!Bar" }}|{{ snakecase "ÄrgerÜber" }}|{{ snakecase "中文Name" }}|{{ snakecase "a1b2c3" }}|{{ snakecase "A" }}|{{ snakecase "99Bottles" }}
{{ kebabcase "FirstName" }}|{{ kebabcase "HTTPServer" }}|{{ kebabcase "some_var-name" }}|{{ kebabcase "x:y" }}|{{ kebabcase "v1.2.3" }}
{{ swapcase "Hello World" }}|{{ swapcase "this is A TEST" }}|{{ swapcase "ǅx ǆ" }}|{{ swapcase "ß" }}|{{ swapcase "  a" }}
{{ wrap 5 "Hello World foo bar" }}|{{ wrap 3 "abcdefgh ij" }}|{{ wrap 0 "a b" }}|{{ wrap 10 "short" }}
{{ wrapWith 5 "\t" "Hello World" }}|{{ wrapWith 3 "|" "abcdefgh ij" }}|{{ wrapWith 2 "" "abcd" }}
{{ html "<a href='x'>&\"</a>" }}|{{ html 1 2 "x" }}|{{ html nil }}|{{ html .missing }}|{{ html }}|{{ html (list 1 "<") }}
{{ js "it's \"q\" <b> & = \\ \n\t\u2028 é" }}|{{ js 1 }}|{{ js nil }}
{{ urlquery "a b&c=d/é?~-_." }}|{{ urlquery 1 "x" }}
{{ toRawJson (dict "a" "<b>&" "c" (list 1 "\u2028")) }}|{{ toJson (dict "a" "<b>&") }}|{{ mustToJson (dict "a" "<b>") }}|{{ mustToRawJson "<" }}|{{ mustToPrettyJson (dict "a" (list 1 2)) }}
