// Baseline for `npm run bench`: the least a Node server can do to send the proxy's cache-hit bytes.
// Plain node:http, no framework, no routing, no validation: the ceiling the proxy is compared with.
import { createServer } from 'node:http';

const { BODY_FILE, HEADERS_JSON, PORT } = process.env;
const { readFileSync } = await import('node:fs');
const body = readFileSync(BODY_FILE);
const headers = JSON.parse(HEADERS_JSON ?? '{}');

const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(Number(PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
// Closing the server (keep-alive sockets included) lets the process end on its own.
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
