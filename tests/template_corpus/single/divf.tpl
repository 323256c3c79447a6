{{ divf 1 3 }} {{ divf 10 4 }} {{ divf 2 3 }} {{ divf -2 3 }} {{ divf 1 7 }} {{ divf 100 3 3 }} {{ divf 1e20 3 }} {{ divf 0.1 0.3 }} {{ divf 5 0.5 }}
{{ div 7 2 }} {{ mulf 0.1 3 }} {{ addf 0.1 0.2 }} {{ subf 1 0.9 }}
