"""The test suite, in folders that mirror interpreter/ (bench/ for benchmarks/, device/
for device/)."""
