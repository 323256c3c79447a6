{{ toRawJson (list (float64 "Inf")) }}
