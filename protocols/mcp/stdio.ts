/**
 * The SDK's client Transport over a server we start ourselves: `sh -c <command>` spawned `detached`, so
 * it leads a process group of its own and closing kills the whole group (the SDK's StdioClientTransport
 * can signal only the child it spawned, and a shell's grandchildren would outlive it). Framing is the
 * SDK's (`ReadBuffer`, `serializeMessage`); stderr is kept, its last 16 KiB, for the report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport as SdkTransport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { killGroup, track } from './process-group.js';

const STDERR_TAIL_BYTES = 16 * 1024;
/** How long after the server exited (or closed stdout) we still read what it wrote before calling it gone. */
const DRAIN_MS = 300;

/** The server wrote something on stdout that is not a JSON-RPC message. */
export class GarbageError extends Error {
  override readonly name = 'GarbageError';
}
/** One line on stdout longer than the read buffer takes. */
export class OversizeError extends Error {
  override readonly name = 'OversizeError';
}

function whatIsWrong(error: unknown): string {
  if (error instanceof SyntaxError) return `not JSON (${error.message.split('\n')[0]})`;
  return 'JSON, but not a JSON-RPC message';
}

export class GroupStdioTransport implements SdkTransport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child?: ChildProcess;
  private readonly buffer: ReadBuffer;
  private stderr = Buffer.alloc(0);
  /** The tail lost its beginning: its first line is a piece of one. */
  private stderrCut = false;
  private exit?: { readonly code: number | null; readonly signal: NodeJS.Signals | null };
  private why?: string;
  private ended = false;
  private drain?: NodeJS.Timeout;
  private closing?: Promise<void>;

  constructor(
    readonly command: string,
    /** The longest line read; a longer one ends the connection. */
    private readonly maxLineBytes: number,
  ) {
    this.buffer = new ReadBuffer({ maxBufferSize: maxLineBytes });
  }

  /** The server's process group id (the shell's pid), once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child) return Promise.reject(new Error('already started'));
    return new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', this.command], { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: process.env });
      this.child = child;
      child.once('error', (error) => {
        reject(error);
        this.end(`the server could not be started: ${error.message}`);
      });
      child.once('spawn', () => {
        if (child.pid !== undefined) track(child.pid);
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.soon();
      });
      child.once('close', () => this.end());
      // EPIPE once the server is gone: its exit says more than the write error.
      child.stdin!.on('error', () => undefined);
      child.stdout!.on('data', (chunk: Buffer) => this.read(chunk));
      child.stdout!.on('end', () => this.soon());
      child.stdout!.on('error', () => this.soon());
      child.stderr!.on('data', (chunk: Buffer) => this.keep(chunk));
      child.stderr!.on('error', () => undefined);
    });
  }

  private read(chunk: Buffer): void {
    if (this.ended) return;
    try {
      this.buffer.append(chunk);
    } catch {
      this.why = `the server wrote a message of more than ${this.maxLineBytes} bytes`;
      this.report(new OversizeError(this.why));
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        this.report(new GarbageError(`the server wrote a line on stdout that is ${whatIsWrong(error)}`));
        continue;
      }
      if (message === null) return;
      try {
        this.onmessage?.(message);
      } catch (error) {
        this.report(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  private report(error: Error): void {
    try {
      this.onerror?.(error);
    } catch {
      // a listener's bug must not become an uncaught exception in a stream callback
    }
  }

  private keep(chunk: Buffer): void {
    const all = Buffer.concat([this.stderr, chunk]);
    if (all.length <= STDERR_TAIL_BYTES) this.stderr = all;
    else {
      this.stderr = Buffer.from(all.subarray(all.length - STDERR_TAIL_BYTES));
      this.stderrCut = true;
    }
  }

  /** The last 16 KiB the server wrote on stderr. */
  stderrTail(): string {
    return this.stderr.toString('utf8').replace(/^\uFFFD+/, '');
  }

  /**
   * One line on what became of the server: how it exited, if it did, and the first line of its stderr.
   */
  describe(): string {
    const parts: string[] = [];
    if (this.why) parts.push(this.why);
    if (this.exit)
      parts.push(
        this.exit.code !== null ? `the server exited with code ${this.exit.code}` : `the server was killed by ${this.exit.signal}`,
      );
    else if (this.ended && !this.why) parts.push('the server closed its stdout');
    const line = this.stderrTail()
      .split('\n')
      .slice(this.stderrCut ? 1 : 0)
      .map((l) => l.trim())
      .find((l) => l !== '');
    if (line) parts.push(`stderr: ${line.length > 300 ? `${line.slice(0, 300)}...` : line}`);
    return parts.join('; ');
  }

  get exited(): boolean {
    return this.exit !== undefined;
  }

  /** The server exited or closed stdout: what it still wrote gets a moment to arrive. */
  private soon(): void {
    if (this.ended || this.drain) return;
    this.drain = setTimeout(() => this.end(), DRAIN_MS);
  }

  private end(why?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.why ??= why;
    clearTimeout(this.drain);
    try {
      this.onclose?.();
    } catch {
      // as in report()
    }
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.ended || stdin.destroyed || !stdin.writable) throw new Error('Not connected: the server is gone');
    // Not waiting for 'drain': a server that never reads would hold the send forever; the deadline is ours.
    stdin.write(serializeMessage(message));
  }

  /** Kills the server's whole process group (SIGTERM, SIGKILL after 2 s); idempotent, bounded. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const child = this.child;
      if (child?.pid !== undefined) {
        try {
          child.stdin?.end();
        } catch {
          // already closed
        }
        await killGroup(child.pid);
      }
      this.buffer.clear();
      child?.stdout?.destroy();
      child?.stderr?.destroy();
      this.end('the transport was closed');
    })();
    return this.closing;
  }
}
