import { CHINA_OFFSET_MS } from '../../calendar';
import { maskPersonalNumbers } from '../grid/identity';
import type { Board } from './board.service';
import type { DisclosureNode } from './disclosure.loaders';
import { escapeHtml, htmlPage } from '../../server/web-assets';

/** The short form of a version's SHA-256 printed on the board: enough to compare with a copy kept. */
export const HASH_SHOWN = 12;

/** `1234567.80` → `1,234,567.80 元`, exactly as published (a decimal string, never a float). */
export function yuanText(amount: string): string {
  const [whole, fraction = '00'] = amount.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${amount.startsWith('-') ? '−' : ''}${grouped}.${fraction.padEnd(2, '0')} 元`;
}

/** `2026-10` → `2026年10月`. */
export function monthText(month: string): string {
  const [year, number] = month.split('-');
  return `${year}年${Number(number)}月`;
}

/** An instant as the time on the wall in China: `2026年11月3日 14:05`. */
export function chinaTimeText(at: Date): string {
  const local = new Date(at.getTime() + CHINA_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getUTCFullYear()}年${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

function figure(label: string, amount: string, className = ''): string {
  return `<div class="figure${className ? ` ${className}` : ''}"><dt>${label}</dt><dd>${yuanText(amount)}</dd></div>`;
}

function noticeHtml(d: DisclosureNode): string {
  const corrected = d.version > 1;
  return `<article class="notice${corrected ? ' corrected' : ''}" data-month="${d.month}" data-version="${d.version}">
<header class="notice-head"><h2>${monthText(d.month)}</h2>${corrected ? `<span class="badge">更正 · 第${d.version}版</span>` : ''}</header>
<dl class="figures">
${figure('期初结余', d.openingBalance)}
${figure('收入合计', d.income)}
${figure('物业酬金', d.remuneration)}
${figure('支出合计', d.expenses)}
${figure('期末结余', d.closingBalance, 'closing')}
</dl>
${corrected && d.correctionReason ? `<p class="correction"><strong>更正原因：</strong>${escapeHtml(maskPersonalNumbers(d.correctionReason))}</p>` : ''}
${d.contentHashValid ? '' : '<p class="tampered" role="alert">本期记录与其校验码不符，可能已被改动，请向社区居委会反映。</p>'}
<footer class="notice-foot"><span>公示于 ${chinaTimeText(d.publishedAt)}</span><span>校验码 <code>${escapeHtml(d.contentHash.slice(0, HASH_SHOWN))}</code></span></footer>
</article>`;
}

/** The part of the page that changes when a month is published or corrected. */
export function noticesHtml(board: Board): string {
  if (board.notices.length === 0) return '<p class="empty">本小区暂无已公示的月度收支。</p>';
  return board.notices.map(noticeHtml).join('\n');
}

function page(title: string, body: string, head = ''): string {
  return htmlPage({ title, bundle: 'board', head, body });
}

/**
 * The whole board, readable without script; with it, /assets/board.js follows `eventsUrl`
 * (Server-Sent Events) and swaps the notices in place. Without script, the page reloads
 * itself every five minutes, which a lobby screen left alone also needs.
 */
export function boardPage(board: Board, eventsUrl: string): string {
  const name = escapeHtml(board.compoundName);
  return page(`${board.compoundName} · 物业收支公示栏`, `<main class="board" data-events="${escapeHtml(eventsUrl)}">
<header class="board-head">
<p class="kicker">物业服务收支公示栏</p>
<h1>${name}</h1>
${board.companyName ? `<p class="company">物业服务企业：${escapeHtml(board.companyName)}</p>` : ''}
<p class="status" role="status" data-state="offline"></p>
</header>
<section id="notices" class="notices" aria-label="月度收支公示">
${noticesHtml(board)}
</section>
<footer class="board-foot">
<p>每月收支由物业服务企业报送，业主委员会审核后公示；公示后的内容不能改动，如有更正，以新版本公示并写明原因。</p>
<p>校验码是该版本公示内容 SHA-256 哈希的前 ${HASH_SHOWN} 位，可与您保存的记录核对；业主可在系统中核验全部公示的哈希链。</p>
</footer>
</main>`, `<script src="/assets/board.js" defer></script>
<noscript><meta http-equiv="refresh" content="300"></noscript>`);
}

export function boardNotFoundPage(): string {
  return page('未找到公示栏', `<main class="board">
<header class="board-head"><p class="kicker">物业服务收支公示栏</p><h1>未找到这个小区</h1></header>
<p class="empty">地址中的小区编号不存在。请核对公示栏地址，或向社区居委会索取。</p>
</main>`);
}
