// Kafka admin steps that kcat cannot do, run with the Kafka client the gateway ships (dev/target/lib)
// through Java's single-file source launcher.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_DIR, REPO_DIR } from './gateway.mjs';

/** Deletes a partition's records before `offset`, as retention would; resolves with the new start offset. */
export function deleteRecords(kafka, topic, partition, offset) {
  const args = ['-cp', join(REPO_DIR, 'dev/target/lib/*'), join(PACKAGE_DIR, 'test/support/DeleteRecords.java'),
    kafka, topic, String(partition), String(offset)];
  return new Promise((resolve, reject) => {
    execFile('java', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`DeleteRecords failed: ${err.message}\n${stderr}`));
      else resolve(Number(stdout.trim()));
    });
  });
}
