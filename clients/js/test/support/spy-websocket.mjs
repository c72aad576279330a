// A WebSocket that records every frame the SDK sends and receives, per socket, so an integration
// test can wait for a protocol step (e.g. the `entered` answering the SDK's re-enter) instead of
// sleeping.
export function spyWebSocket(Base = globalThis.WebSocket) {
  const sockets = [];
  class SpyWebSocket extends Base {
    constructor(url) {
      super(url);
      const log = { sent: [], received: [] };
      sockets.push(log);
      this.addEventListener('message', (e) => log.received.push(JSON.parse(String(e.data))));
      this.log = log;
    }

    send(text) {
      this.log.sent.push(JSON.parse(text));
      super.send(text);
    }
  }
  SpyWebSocket.sockets = sockets;
  return SpyWebSocket;
}
