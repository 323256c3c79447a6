{{ chunk -1 (list) }}
