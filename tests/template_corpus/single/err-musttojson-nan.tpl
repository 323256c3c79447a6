{{ mustToJson (dict "a" (float64 "NaN")) }}
