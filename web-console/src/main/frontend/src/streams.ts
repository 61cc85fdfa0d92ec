// Reads a "gatehouse streams" recording (a channel without a terminal): an asciicast-like header with
// "streams": 1, then [seconds, "stdin" | "stdout" | "stderr", base64] frames and [seconds, "m", text] markers.
// Recordings stored in the binary version 2 reach the console in this form too: the API converts them on playback.

export const STREAMS = ['stdin', 'stdout', 'stderr'] as const;
export type StreamName = (typeof STREAMS)[number];

export interface Frame { t: number; stream: StreamName | 'm'; text: string; bytes: number }
export interface StreamsRecording { header: Record<string, unknown>; frames: Frame[]; duration: number }

/** Whether a recording's first line is a streams header (not an asciicast terminal). */
export function isStreams(recording: string): boolean {
  const first = recording.slice(0, recording.indexOf('\n') < 0 ? undefined : recording.indexOf('\n'));
  try {
    return JSON.parse(first)?.streams === 1;
  } catch {
    return false;
  }
}

/** Control characters other than newline and tab shown as their Unicode pictures (␛, ␍), so nothing hides. */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => // eslint-disable-line no-control-regex
    String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)));
}

function bytesOf(base64: string): Uint8Array {
  const raw = atob(base64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** Parses the recording; each stream is decoded as UTF-8 across frames (a character may span two). */
export function parseStreams(recording: string): StreamsRecording {
  const lines = recording.split('\n').filter((l) => l.trim() !== '');
  const header = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  const decoders = Object.fromEntries(STREAMS.map((s) => [s, new TextDecoder('utf-8')])) as Record<StreamName, TextDecoder>;
  const frames: Frame[] = [];
  for (const line of lines.slice(1)) {
    const [t, code, data] = JSON.parse(line) as [number, string, string];
    if (code === 'm') {
      frames.push({ t, stream: 'm', text: String(data), bytes: 0 });
    } else if ((STREAMS as readonly string[]).includes(code)) {
      const bytes = bytesOf(data);
      frames.push({ t, stream: code as StreamName, text: decoders[code as StreamName].decode(bytes, { stream: true }), bytes: bytes.length });
    }
  }
  return { header, frames, duration: frames.length ? frames[frames.length - 1].t : 0 };
}

/** Each stream's text as it stood at `seconds` into the recording. */
export function textAt(recording: StreamsRecording, seconds: number): Record<StreamName, string> {
  const text: Record<StreamName, string> = { stdin: '', stdout: '', stderr: '' };
  for (const f of recording.frames) {
    if (f.t > seconds) break;
    if (f.stream !== 'm') text[f.stream] += f.text;
  }
  return text;
}
