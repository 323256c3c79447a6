{{ lt .nul 1 }}
