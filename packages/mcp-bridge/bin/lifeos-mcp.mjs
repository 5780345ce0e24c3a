#!/usr/bin/env node
// lifeos-mcp --url https://lifeos.example.com --token lifeos_pat_…
// Forwards MCP over stdio (what desktop clients launch) to a LifeOS server's
// Streamable HTTP endpoint, message by message, with the token as Bearer.
// The token may also come from LIFEOS_TOKEN, so it stays out of process lists.
import { parseArgs } from 'node:util';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';

const USAGE = 'usage: lifeos-mcp --url https://your-lifeos-host [--token lifeos_pat_… | LIFEOS_TOKEN=…]';

const { values } = parseArgs({ options: { url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.error(USAGE);
  process.exit(0);
}
const token = values.token ?? process.env.LIFEOS_TOKEN;
if (!values.url || !token) {
  console.error(USAGE);
  process.exit(2);
}
let endpoint;
try {
  endpoint = new URL(values.url);
} catch {
  console.error(`lifeos-mcp: ${values.url} is not a URL\n${USAGE}`);
  process.exit(2);
}
// Given the server's address, talk to its MCP endpoint.
if (!endpoint.pathname.replace(/\/+$/, '').endsWith('/mcp')) endpoint.pathname = `${endpoint.pathname.replace(/\/+$/, '')}/mcp`;

const remote = new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: { authorization: `Bearer ${token}` } } });
const local = new StdioServerTransport();

local.onmessage = (message) => {
  remote.send(message).catch((err) => {
    // A request that could not be forwarded still gets an answer, so the client does not wait for ever.
    if (message && 'id' in message && message.id !== undefined && 'method' in message) {
      void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: `LifeOS could not be reached: ${err.message}` } });
    }
    console.error(`lifeos-mcp: ${err.message}`);
  });
};
remote.onmessage = (message) => {
  // The version the client and server agreed on goes on every later HTTP request.
  const version = message?.result?.protocolVersion;
  if (typeof version === 'string') remote.setProtocolVersion(version);
  void local.send(message);
};
remote.onerror = (err) => console.error(`lifeos-mcp: ${err.message}`);
local.onclose = () => {
  void remote.close().finally(() => process.exit(0));
};

await remote.start();
await local.start();
