import type { Redis } from 'ioredis';
import type { LiveEventName, LiveMessage, LivePayload } from '../contract';
import type { Clock } from './clock';
import type { Logger } from './log';

type Listener = (msg: LiveMessage) => void;

/**
 * Live events travel on Redis pub/sub (`vt:live`), so a worker on another machine reaches the
 * coordinator's window too. The engine's subscriber fans each message out to local listeners
 * (Electron IPC, WebSocket clients).
 */
export class LiveBus {
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis | null,
    private readonly channel: string,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    if (!this.sub) return;
    this.sub.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      let msg: LiveMessage;
      try {
        msg = JSON.parse(text) as LiveMessage;
      } catch {
        this.log.warn('ignored a live message that is not JSON');
        return;
      }
      for (const l of this.listeners) {
        try {
          l(msg);
        } catch (err) {
          this.log.error('live listener failed', { err });
        }
      }
    });
    await this.sub.subscribe(this.channel);
  }

  async publish<E extends LiveEventName>(event: E, payload: LivePayload<E>): Promise<void> {
    const msg = { event, payload, at: this.clock.now() };
    await this.pub.publish(this.channel, JSON.stringify(msg));
  }

  /** Listens to every live event; returns the function that stops listening. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    if (this.sub && this.sub.status === 'ready') await this.sub.unsubscribe(this.channel).catch(() => undefined);
  }
}
