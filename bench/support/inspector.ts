import WebSocket from 'ws';

/**
 * A full garbage collection in another Node process, through its inspector (the process runs with
 * `--inspect=127.0.0.1:0` and has printed where it listens). V8 collects everything it can and gives
 * back its emptied pages, as it does on its own only after a process has idled for a while; what stays
 * resident afterwards is what the process still holds.
 */
export async function collectGarbage(processOutput: string, timeoutMs = 10_000): Promise<void> {
  const url = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(processOutput)?.[1];
  if (!url) throw new Error('the process did not print an inspector address (start it with --inspect=127.0.0.1:0)');
  const socket = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from the inspector at ${url} within ${timeoutMs} ms`)), timeoutMs);
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
      socket.on('message', (data: WebSocket.RawData) => {
        const reply = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
        if (reply.id !== 1) return;
        clearTimeout(timer);
        if (reply.error) reject(new Error(`HeapProfiler.collectGarbage failed: ${reply.error.message}`));
        else resolve();
      });
    });
  } finally {
    socket.close();
  }
}
