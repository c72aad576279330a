// Produces records to Kafka the way a backend would, with kcat. murmur2_random is Kafka's Java
// partitioner: the gateway looks for a channel on the partition that one picks.
import { spawn } from 'node:child_process';

export function produce(kafka, channel, values) {
  const namespace = channel.includes(':') ? channel.slice(0, channel.indexOf(':')) : 'default';
  const input = values.map((v) => `${channel}|${JSON.stringify(v)}`).join('\n') + '\n';
  return new Promise((resolve, reject) => {
    const p = spawn('kcat', ['-P', '-b', kafka, '-t', `chorus.${namespace}`, '-K', '|', '-X', 'partitioner=murmur2_random'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited ${code}: ${err}`))));
    p.stdin.end(input);
  });
}
