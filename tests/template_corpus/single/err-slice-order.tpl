{{ slice .list 3 2 }}
