import './board.css';

/** One message of the board's event stream (src/modules/property/board.routes.ts). */
interface BoardMessage {
  html: string;
  change: { month: string; version: number } | null;
}

/** After the server refused the stream outright (EventSource then gives up), try again this much later. */
const REOPEN_MS = 30_000;

const board = document.querySelector<HTMLElement>('main.board[data-events]');
const notices = document.getElementById('notices');
const status = document.querySelector<HTMLElement>('.board .status');

function showStatus(state: 'live' | 'offline' | 'changed', text: string): void {
  if (!status) return;
  status.dataset.state = state;
  status.textContent = text;
}

function monthText(month: string): string {
  const [year, number] = month.split('-');
  return `${year}年${Number(number)}月`;
}

function clock(): string {
  const now = new Date();
  return `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`;
}

function apply(message: BoardMessage): void {
  notices!.innerHTML = message.html;
  if (!message.change) {
    showStatus('live', `实时更新中 · ${clock()} 已同步`);
    return;
  }
  const { month, version } = message.change;
  const card = notices!.querySelector<HTMLElement>(`.notice[data-month="${month}"]`);
  card?.classList.add('fresh');
  card?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  showStatus('changed', `${clock()} ${monthText(month)}收支${version > 1 ? `已更正（第${version}版）` : '已公示'}`);
}

/**
 * Follows the board's stream. EventSource reconnects by itself after a dropped connection and
 * sends the last id it received, so the server replays what was missed; when the server
 * answers with an error instead, it gives up, and this opens a new one from the same position.
 */
function follow(url: string): void {
  let position: string | null = null;
  const source = new EventSource(url);
  source.addEventListener('open', () => showStatus('live', '实时更新中'));
  source.addEventListener('board', (event) => {
    const message = event as MessageEvent<string>;
    position = message.lastEventId || position;
    apply(JSON.parse(message.data) as BoardMessage);
  });
  source.addEventListener('error', () => {
    showStatus('offline', '连接中断，正在重新连接…');
    if (source.readyState !== EventSource.CLOSED) return;
    const resumeAt = new URL(url, location.href);
    if (position) resumeAt.searchParams.set('after', position);
    setTimeout(() => follow(resumeAt.pathname + resumeAt.search), REOPEN_MS);
  });
}

if (board && notices) follow(board.dataset.events!);
