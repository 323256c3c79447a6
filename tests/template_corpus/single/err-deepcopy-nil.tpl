{{ deepCopy .nul }}
