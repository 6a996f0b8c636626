/**
 * Baseline server for the publish benchmark: a bare Fastify route (same Fastify as the gateway)
 * that parses the JSON body and echoes it back. Prints `listening <port>` once bound.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 8 * 1_048_576 });
app.get('/health', () => ({ status: 'ok' }));
app.post('/echo', (request, reply) => reply.code(200).send(request.body));
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env['PORT'] ?? 0) });
process.stdout.write(`listening ${new URL(address).port}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
