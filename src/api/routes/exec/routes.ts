import type { IncomingMessage } from 'node:http';
import { InvalidArgument, messageOf } from '../../../core/errors.js';
import { parseDetachKeys } from '../../../core/detach-keys.js';
import type { Route } from '../../router.js';
import { readJsonBody, sendEmpty, sendJson } from '../../http.js';
import { hijack } from '../../stream/hijack.js';
import { bridgeStdio } from '../../stream/stdio-bridge.js';
import { stdcopyFrame } from '../../stream/stdcopy.js';
import type { ExecCreateBody, ExecInspect, StartedExec } from '../../../core/wire/exec.js';

export interface ExecBackend {
  create(ref: string, body: ExecCreateBody | undefined): { Id: string };
  start(id: string, opts: { detach: boolean; consoleSize?: [number, number] }): Promise<StartedExec>;
  inspect(id: string): ExecInspect;
  resize(id: string, height: number, width: number): Promise<void>;
}

interface ExecStartBody {
  Detach?: boolean;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
}

/**
 * The start body. On an upgrade request Node hands the connection over right after
 * the headers, so the body is still on the socket: read Content-Length bytes there.
 */
async function readStartBody(raw: IncomingMessage): Promise<ExecStartBody | undefined> {
  if (!raw.headers.upgrade) return readJsonBody<ExecStartBody>(raw);
  const len = Number(raw.headers['content-length'] ?? 0);
  if (!len) return undefined;
  const sock = raw.socket;
  const text = await new Promise<string>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length < len) return;
      sock.off('data', onData);
      sock.off('close', onClose);
      sock.pause();
      if (buf.length > len) sock.unshift(buf.subarray(len));
      resolve(buf.subarray(0, len).toString('utf8'));
    };
    const onClose = () => reject(new InvalidArgument('connection closed while reading the request body'));
    sock.on('data', onData);
    sock.once('close', onClose);
    sock.resume();
  });
  try {
    return JSON.parse(text) as ExecStartBody;
  } catch (err) {
    throw new InvalidArgument(`invalid JSON body: ${messageOf(err)}`);
  }
}

function size(q: URLSearchParams, name: string): number {
  const v = q.get(name) ?? '';
  if (!/^\d+$/.test(v)) throw new InvalidArgument(`invalid value for ${name}: ${v}`);
  return Number(v);
}

export function execRoutes(backend: ExecBackend): Route[] {
  return [
    {
      method: 'POST',
      path: '/containers/{id}/exec',
      handler: async ({ raw, res, params }) => sendJson(res, 201, backend.create(params.id!, await readJsonBody<ExecCreateBody>(raw))),
    },
    {
      method: 'POST',
      path: '/exec/{id}/start',
      handler: async ({ raw, res, params }) => {
        const body = await readStartBody(raw);
        const rec = backend.inspect(params.id!);
        const consoleSize = body?.ConsoleSize ?? undefined;
        if (body?.Detach) {
          await backend.start(params.id!, { detach: true, consoleSize });
          sendEmpty(res, 200);
          return;
        }
        const tty = rec.ProcessConfig.tty;
        const detachKeys = parseDetachKeys(rec.DetachKeys || undefined);
        // Hijack first, as Docker does: a start failure is reported on the stream and in the exit code.
        const socket = hijack(raw, !tty);
        let started: StartedExec;
        try {
          started = await backend.start(params.id!, { detach: false, consoleSize });
        } catch (err) {
          const text = Buffer.from(`${messageOf(err)}\r\n`);
          socket.end(tty ? text : stdcopyFrame('stdout', text));
          return;
        }
        await bridgeStdio(socket, Promise.resolve(started.connection!), {
          tty,
          stdin: rec.OpenStdin,
          stdout: rec.OpenStdout,
          stderr: rec.OpenStderr,
          detachKeys,
          // The client asks for ExitCode as soon as the stream ends; it must be there.
          beforeEnd: () => Promise.race([started.exited, new Promise<void>((r) => setTimeout(r, 5_000))]),
        });
      },
    },
    { method: 'GET', path: '/exec/{id}/json', handler: async ({ res, params }) => sendJson(res, 200, backend.inspect(params.id!)) },
    {
      method: 'POST',
      path: '/exec/{id}/resize',
      handler: async ({ res, params, query }) => {
        await backend.resize(params.id!, size(query, 'h'), size(query, 'w'));
        sendEmpty(res, 200);
      },
    },
  ];
}
