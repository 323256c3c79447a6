{{ int "1.0" }} {{ int "1_000" }} {{ int "0x10" }} {{ int "010" }} {{ int "0o17" }} {{ int "0b11" }} {{ int " 5" }} {{ int "12.00" }} {{ int "1.5" }}
{{ int64 "1.5" }} {{ int64 "-7.0" }} {{ int "abc" }} {{ int 1.9 }} {{ int -1.9 }} {{ int true }} {{ int nil }}
{{ float64 "Inf" }} {{ float64 "inf" }} {{ float64 "-Infinity" }} {{ float64 "NaN" }} {{ float64 "1_000.5" }} {{ float64 "0x1p3" }} {{ float64 "1e400" }} {{ float64 ".5" }} {{ float64 "1e" }}
{{ atoi "1_000" }} {{ atoi "0x10" }} {{ atoi "12" }}
