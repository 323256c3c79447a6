{{ lt .n "a" }}
