// Preloaded (node -r) into a `sftp-doctor diagnose` process by `npm run bench` (only for the
// "where the time goes" runs, not the timed ones): notes when Node is ready, when the bundle is
// compiled, when the engine opens its TCP connection and when the result is printed, and writes
// them to stderr as one JSON line at exit. Times are ms since the process started.
'use strict';
const net = require('node:net');
const vm = require('node:vm');
const marks = { nodeReady: performance.now() };
const Script = vm.Script;
vm.Script = function BenchScript(...args) {
  if (marks.bundleCompiled === undefined) {
    const s = new Script(...args);
    marks.bundleCompiled = performance.now();
    return s;
  }
  return new Script(...args);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function benchConnect(...args) {
  if (marks.tcpConnect === undefined) marks.tcpConnect = performance.now();
  return connect.apply(this, args);
};
const write = process.stdout.write;
process.stdout.write = function benchWrite(...args) {
  marks.lastOutput = performance.now();
  return write.apply(this, args);
};
process.on('exit', () => {
  marks.exit = performance.now();
  require('node:fs').writeSync(2, `\nBENCH-MARKS ${JSON.stringify(marks)}\n`);
});
