/** Docker's multiplexed stream framing: 1 byte stream (0 stdin, 1 stdout, 2 stderr), 3 zero bytes, uint32 BE size, payload. */
export function stdcopyFrame(stream: 'stdout' | 'stderr', payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
