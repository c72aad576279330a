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

/** Every record of a namespace's topic as { key, headers: {name: value}, value }, read to the end with kcat. */
export function consume(kafka, namespace) {
  const args = ['-C', '-b', kafka, '-t', `chorus.${namespace}`, '-e', '-q', '-J'];
  return new Promise((resolve, reject) => {
    const p = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`kcat exited ${code}: ${err}`));
      resolve(out.split('\n').filter(Boolean).map((line) => {
        const r = JSON.parse(line);
        const headers = {};
        for (let i = 0; r.headers && i < r.headers.length; i += 2) headers[r.headers[i]] = r.headers[i + 1];
        return { key: r.key, headers, value: r.payload };
      }));
    });
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

/** Produces one record per value (JSON text, one line each) with a single kcat run: a burst, as a busy backend sends. */
export function produceMany(kafka, channel, values) {
  const namespace = channel.includes(':') ? channel.slice(0, channel.indexOf(':')) : 'default';
  const args = ['-P', '-b', kafka, '-t', `chorus.${namespace}`, '-K', '|', '-X', 'partitioner=murmur2_random'];
  return new Promise((resolve, reject) => {
    const p = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited ${code}: ${err}`))));
    p.stdin.end(values.map((v) => `${channel}|${JSON.stringify(v)}\n`).join(''));
  });
}
