/**
 * A promise with its settle functions. It is marked handled at once: an application that subscribes
 * or publishes without awaiting must not get an unhandled-rejection crash for a refusal it also
 * hears about through events, while `await` on it still throws.
 */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
