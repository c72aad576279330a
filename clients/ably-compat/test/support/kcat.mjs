// Produces records to Kafka the way a backend would, with kcat: key = channel, value = the JSON text,
// optional headers. murmur2_random is Kafka's Java partitioner, which the gateway expects by default.
import { spawn } from 'node:child_process';

export function produce(kafka, channel, value, headers = {}) {
  const namespace = channel.includes(':') ? channel.slice(0, channel.indexOf(':')) : 'default';
  const args = ['-P', '-b', kafka, '-t', `chorus.${namespace}`, '-K', '|', '-X', 'partitioner=murmur2_random'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  return new Promise((resolve, reject) => {
    const p = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited ${code}: ${err}`))));
    p.stdin.end(`${channel}|${JSON.stringify(value)}\n`);
  });
}

/** Produces one record whose value is these raw bytes (no newline in them), as a backend sending binary would. */
export function produceBytes(kafka, channel, bytes) {
  const namespace = channel.includes(':') ? channel.slice(0, channel.indexOf(':')) : 'default';
  const args = ['-P', '-b', kafka, '-t', `chorus.${namespace}`, '-k', channel, '-X', 'partitioner=murmur2_random'];
  return new Promise((resolve, reject) => {
    const p = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited ${code}: ${err}`))));
    p.stdin.end(Buffer.concat([Buffer.from(bytes), Buffer.from('\n')]));
  });
}
