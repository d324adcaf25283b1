// Benchmark instrument: runs one app bundle (BENCH_BUNDLE) in this process and answers `stats` over IPC
// (RSS now and peak, CPU time), so each app is measured alone, outside the stand-ins' process.
process.on('message', (message) => {
  if (message !== 'stats') return;
  const cpu = process.cpuUsage();
  process.send({
    rssMb: process.memoryUsage().rss / 1048576,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
});
require(process.env.BENCH_BUNDLE);
