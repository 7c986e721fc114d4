import { CloseCode } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { Viewer } from '../auth/viewer';
import type { EventHub } from '../events/hub';
import { API_KEY_REVOKED_TOPIC } from '../modules/integrator/integrator.service';

/** setTimeout fires at once beyond this (about 24.8 days); a longer wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends a WebSocket when the credential it was opened with ends: at the token's or key's
 * expiry, and when a key is revoked in any process (the revocation travels through the
 * outbox, which every process's hub reads). Both close with 4403, as a refused
 * `connection_init` does.
 */
export class CredentialWatch {
  private readonly socketsOfSubject = new Map<string, Set<WebSocket>>();
  private readonly stopListening: () => void;

  constructor(events: EventHub) {
    this.stopListening = events.subscribe((row) => {
      if (row.topic !== API_KEY_REVOKED_TOPIC) return;
      const subject = (row.payload as { subject?: unknown }).subject;
      if (typeof subject !== 'string') return;
      for (const socket of this.socketsOfSubject.get(subject) ?? []) socket.close(CloseCode.Forbidden, 'API key revoked');
    });
  }

  /** Watches one connection's credential until the socket closes. */
  watch(socket: WebSocket, viewer: Viewer): void {
    let timer: NodeJS.Timeout | null = null;
    const expiresAt = viewer.expiresAt;
    if (expiresAt) {
      const arm = () => {
        const left = expiresAt.getTime() - Date.now();
        if (left <= 0) {
          socket.close(CloseCode.Forbidden, 'Credential expired');
          return;
        }
        timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      };
      arm();
    }
    const subject = viewer.subject;
    if (subject !== null && viewer.topics) {
      const sockets = this.socketsOfSubject.get(subject) ?? new Set<WebSocket>();
      sockets.add(socket);
      this.socketsOfSubject.set(subject, sockets);
    }
    socket.once('close', () => {
      if (timer) clearTimeout(timer);
      if (subject === null) return;
      const sockets = this.socketsOfSubject.get(subject);
      sockets?.delete(socket);
      if (sockets?.size === 0) this.socketsOfSubject.delete(subject);
    });
  }

  stop(): void {
    this.stopListening();
  }
}
