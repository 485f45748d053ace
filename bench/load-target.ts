// The bench's target: a minimal HTTP/1.1 server on 127.0.0.1 that answers every request at once
// with 200 and a 3-byte body. Prints its port on stdout. Run as its own process, so neither
// generator shares its CPU time with the server.
import { createServer } from 'node:http';

const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '3' });
  response.end('ok\n');
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));
