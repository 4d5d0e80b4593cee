// Benchmarks live here (npm run bench).
