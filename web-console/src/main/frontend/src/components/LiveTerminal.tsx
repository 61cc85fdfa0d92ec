import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';

/** The gateway's live feed of a running session: binary frames are terminal output, text frames JSON control. */
export interface LiveControl { type: 'start' | 'resize' | 'end' | 'error'; cols?: number; rows?: number; reason?: string }

export function liveUrl(sessionId: string, location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/v1/sessions/${encodeURIComponent(sessionId)}/live`;
}

/** A read-only xterm.js terminal that shows what the person sees, as they see it. */
export function LiveTerminal({ sessionId, onEnded }: { sessionId: string; onEnded: () => void }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState('connecting…');

  useEffect(() => {
    if (!host.current) return;
    const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches;
    const term = new Terminal({
      disableStdin: true, convertEol: false, cursorBlink: false, fontSize: 14, scrollback: 5000,
      theme: dark ? undefined : { background: '#1e1e1e' },
    });
    term.open(host.current);
    const socket = new WebSocket(liveUrl(sessionId));
    socket.binaryType = 'arraybuffer';
    let ended = false;
    socket.onopen = () => setState('live');
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') {
        term.write(new Uint8Array(message.data as ArrayBuffer));
        return;
      }
      const control = JSON.parse(message.data) as LiveControl;
      if ((control.type === 'start' || control.type === 'resize') && control.cols && control.rows) {
        term.resize(control.cols, control.rows);
      } else if (control.type === 'end' || control.type === 'error') {
        ended = true;
        setState(control.type === 'end' ? `ended: ${control.reason ?? ''}` : `error: ${control.reason ?? ''}`);
        if (control.type === 'end') window.setTimeout(onEnded, 500);
      }
    };
    socket.onclose = (event) => {
      if (!ended) setState(event.reason ? `disconnected: ${event.reason}` : 'disconnected');
    };
    return () => { socket.close(); term.dispose(); };
  }, [sessionId, onEnded]);

  return (
    <div className="live">
      <p className="live-state" role="status" data-testid="live-state"><span className="dot" aria-hidden="true" /> {state}</p>
      <div ref={host} className="xterm-host" data-testid="live-terminal" />
    </div>
  );
}
