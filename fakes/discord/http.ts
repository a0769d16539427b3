/** HTTP plumbing for the fake REST API: body parsing (JSON / multipart), route matching, replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

export interface ParsedBody {
  /** JSON body (or `payload_json` of a multipart request); `undefined` when there was none. */
  json: unknown;
  files: UploadedFile[];
  /** Set when the body could not be parsed. */
  parseError?: string;
}

export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseMultipart(raw: Buffer, boundary: string): ParsedBody {
  const files: UploadedFile[] = [];
  let json: unknown;
  const delim = Buffer.from(`--${boundary}`);
  let pos = raw.indexOf(delim);
  while (pos !== -1) {
    const start = pos + delim.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delim, start);
    if (next === -1) break;
    const part = raw.subarray(start + 2, next - 2); // strip leading CRLF and trailing CRLF
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      const ctype = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'application/octet-stream';
      if (filename !== undefined) {
        files.push({ field: name, filename, contentType: ctype, size: content.length, data: Buffer.from(content) });
      } else if (name === 'payload_json') {
        try {
          json = JSON.parse(content.toString('utf8'));
        } catch {
          return { json: undefined, files, parseError: 'payload_json is not valid JSON' };
        }
      }
    }
    pos = next;
  }
  return { json, files };
}

export function parseBody(req: IncomingMessage, raw: Buffer): ParsedBody {
  if (raw.length === 0) return { json: undefined, files: [] };
  const ctype = req.headers['content-type'] ?? '';
  if (ctype.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ctype);
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b) return { json: undefined, files: [], parseError: 'missing multipart boundary' };
    return parseMultipart(raw, b.trim());
  }
  if (ctype.startsWith('application/json')) {
    try {
      return { json: JSON.parse(raw.toString('utf8')), files: [] };
    } catch {
      return { json: undefined, files: [], parseError: 'invalid JSON' };
    }
  }
  return { json: undefined, files: [], parseError: `unsupported content-type "${ctype}"` };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Match a decoded path against a template such as `/webhooks/{webhook_id}/{webhook_token}/messages/@original`. */
export function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = template.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const s = segments[i]!;
    if (p.startsWith('{') && p.endsWith('}')) {
      if (s.length === 0) return undefined;
      params[p.slice(1, -1)] = s;
    } else if (p !== s) {
      return undefined;
    }
  }
  return params;
}
