{{ indent .n "x" }}
