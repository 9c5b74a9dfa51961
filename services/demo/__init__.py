"""A realistic synthetic Zhejiang data set, pushed into a running registry (`make demo`)."""
