/**
 * The page: files in, one card per run out (picture, summary, splits, warnings, downloads), and each run
 * sent to Smashrun when the runner asks. Conversions run in the worker pool; the page keeps only the
 * runner's `File`s and what the cards show.
 */
import { DEFAULT_LIMITS, type Split, type TargetFormat, type Warning } from '../src/browser.js';
import { clock, distanceText, downloadName, localStartText, paceText, type Units } from './format.js';
import { WorkerPool } from './pool.js';
import type { PageConvertOptions, RunOverview, WorkerAnswer } from './protocol.js';
import { Connection, handOverRedirect, type PageConfig, SMASHRUN, type SendOutcome } from './smashrun.js';

/** Files a folder is searched for (a picked file is tried whatever its name: the converter sniffs). */
const RUN_FILE = /\.(fit|tcx|gpx)(\.gz)?$/i;
/** Warnings that hold a run back until the runner confirms it is a run (as `runjson upload` without --force). */
const HOLDING = new Set<string>(['implausible-speed']);
const UNITS_KEY = 'runjson.units';

/** One run on the page. */
interface Run {
  file: File;
  name: string;
  options: PageConvertOptions;
  /** Runs in its file. */
  count: number;
  overview: RunOverview;
  card: HTMLLIElement;
  /** The picture shown, as a blob URL, and its unit (one at a time: the other is made on a switch). */
  picture: { units: Units; url: string } | null;
  /** Why the plausibility checks hold it back, or null. */
  held: string | null;
  /** The runner confirmed a held run is a run. */
  confirmed: boolean;
  /** A send in progress. */
  sending: Promise<boolean> | null;
  /** What its last send came to. */
  outcome: SendOutcome | null;
  /** What the last download said. */
  exportNote: string;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** An element with attributes and children. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** Whether Smashrun has the run (a send that ended otherwise may be tried again). */
const stored = (run: Run): boolean => run.outcome !== null && run.outcome.status !== 'failed' && run.outcome.status !== 'rejected';

class Page {
  readonly #pool = new WorkerPool(new URL('./worker.js', import.meta.url));
  readonly #runs: Run[] = [];
  readonly #connection: Connection;
  #units: Units = localStorage.getItem(UNITS_KEY) === 'mi' ? 'mi' : 'km';
  #files = 0;
  #done = 0;
  #failed = 0;
  #unreadable = 0;
  #cardIds = 0;
  #connecting: Promise<boolean> | null = null;
  #sendingAll = false;

  constructor(config: PageConfig) {
    this.#connection = new Connection(config);
  }

  start(): void {
    const units = $<HTMLSelectElement>('units');
    units.value = this.#units;
    units.addEventListener('change', () => this.#setUnits(units.value === 'mi' ? 'mi' : 'km'));
    const files = $<HTMLInputElement>('files');
    files.addEventListener('change', () => {
      this.#add(Array.from(files.files ?? []));
      files.value = '';
    });
    const folder = $<HTMLInputElement>('folder');
    folder.addEventListener('change', () => {
      this.#add(Array.from(folder.files ?? []).filter((f) => RUN_FILE.test(f.name)));
      folder.value = '';
    });
    // A file dropped anywhere on the page is taken, never opened by the browser in place of the page.
    const drop = $('drop');
    document.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('over');
    });
    document.addEventListener('dragleave', (e) => {
      if (e.relatedTarget === null) drop.classList.remove('over');
    });
    document.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      void droppedFiles(e.dataTransfer).then(({ files: dropped, unreadable }) => {
        this.#unreadable += unreadable;
        this.#add(dropped);
      });
    });
    $('connect').addEventListener('click', () => void this.#connect());
    $('disconnect').addEventListener('click', () => void this.#disconnect());
    $('send-all').addEventListener('click', () => void this.#sendAll());
    void this.#showAccount();
  }

  #options(): PageConvertOptions {
    return { sports: $<HTMLInputElement>('all-sports').checked ? 'all' : 'running' };
  }

  #add(files: File[]): void {
    const options = this.#options();
    for (const file of files) {
      this.#files++;
      const slot = h('li', { class: 'card pending' }, h('h3', {}, file.name), h('p', { class: 'muted' }, 'Converting…'));
      $('cards').append(slot);
      void this.#convert(file, options, slot);
    }
    this.#progress();
  }

  async #convert(file: File, options: PageConvertOptions, slot: HTMLLIElement): Promise<void> {
    const name = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
    let answer: WorkerAnswer;
    if (file.size > DEFAULT_LIMITS.maxBytes) {
      answer = { kind: 'error', id: 0, error: { name: 'ConvertError', code: 'too-large', message: `the file is ${file.size} bytes, more than the ${DEFAULT_LIMITS.maxBytes} runjson reads` } };
    } else {
      answer = await this.#pool.run({ kind: 'overview', file, name, options }).catch((e: unknown) => ({ kind: 'error' as const, id: 0, error: { name: 'Error', code: 'worker', message: e instanceof Error ? e.message : String(e) } }));
    }
    this.#done++;
    if (answer.kind === 'error') {
      this.#failed++;
      this.#progress();
      const notRun = answer.error.code === 'not-running' || answer.error.code === 'not-an-activity';
      // The converter's hint names its option; on the page it is the box under Options.
      const message = answer.error.message.replace(/\(pass sports: 'all'[^)]*\)/, '(tick “Convert other sports too” to convert it anyway)');
      slot.replaceWith(failedCard(name, notRun ? 'Not a run' : 'Not converted', `${answer.error.code}: ${message}`, notRun));
      return;
    }
    this.#progress();
    if (answer.kind !== 'overview') return;
    if (answer.format === 'fit') {
      const e = answer.engine;
      $('engine').textContent = `FIT files here: field plans ${e.plans === 'compiled' ? 'compiled' : 'interpreted (this page allows no eval)'}, CRC in ${e.crc === 'wasm' ? 'WebAssembly' : 'JavaScript (this page allows no WebAssembly)'}.`;
    }
    if (answer.runs.length === 0) {
      slot.replaceWith(failedCard(name, 'No run', 'the file holds no activity', true));
      return;
    }
    const cards = answer.runs.map((overview) => {
      const held = overview.warnings.find((w) => HOLDING.has(w.code));
      const run: Run = {
        file,
        name,
        options,
        count: answer.runs.length,
        overview,
        card: h('li', { class: 'card' }),
        picture: null,
        held: held === undefined ? null : `${held.code}: ${held.message}`,
        confirmed: false,
        sending: null,
        outcome: null,
        exportNote: '',
      };
      this.#runs.push(run);
      this.#render(run);
      return run.card;
    });
    slot.replaceWith(...cards);
    ($('send-all') as HTMLButtonElement).disabled = this.#sendingAll;
  }

  #progress(): void {
    const n = this.#files;
    const unreadable = this.#unreadable > 0 ? ` ${this.#unreadable} dropped item${this.#unreadable === 1 ? '' : 's'} could not be read.` : '';
    const failed = this.#failed > 0 ? ` (${this.#failed} not converted: see their cards)` : '';
    $('progress').textContent = (this.#done === n ? `${n} file${n === 1 ? '' : 's'} read${failed}.` : `Converting: ${this.#done} of ${n} files done…`) + unreadable;
  }

  /** Fills a run's card (again, after a change of units). */
  #render(run: Run): void {
    const o = run.overview;
    const s = o.summary;
    const u = this.#units;
    const id = `run-${++this.#cardIds}`;
    const when = localStartText(o.startTime, o.utcOffset);
    const title = `${when} — ${run.name}${run.count > 1 ? ` (run ${o.index + 1} of ${run.count})` : ''}`;
    const facts: [string, string, string, string | null][] = [
      ['distance', 'Distance', s.distance === null ? '–' : distanceText(s.distance, u), s.distance === null ? null : String(s.distance)],
      ['duration', 'Moving time', clock(s.duration), String(s.duration)],
      ['elapsed', 'Elapsed time', clock(o.elapsed), String(o.elapsed)],
      ['pace', 'Average pace', paceText(s.duration, s.distance, u), null],
      ['heartRateAverage', 'Heart rate', s.heartRateAverage === null ? '–' : `${s.heartRateAverage} bpm (${s.heartRateMin}–${s.heartRateMax})`, s.heartRateAverage === null ? null : String(s.heartRateAverage)],
      ['cadenceAverage', 'Cadence', s.cadenceAverage === null ? '–' : `${s.cadenceAverage} spm`, s.cadenceAverage === null ? null : String(s.cadenceAverage)],
      ['pauses', 'Pauses', String(o.pauses), String(o.pauses)],
      ['laps', 'Laps', String(o.laps), String(o.laps)],
    ];
    const summary = h('dl', { class: 'summary' });
    for (const [field, label, text, value] of facts) {
      const dd = h('dd', { 'data-field': field }, text);
      if (value !== null) dd.dataset.value = value;
      summary.append(h('div', {}, h('dt', {}, label), dd));
    }
    if (run.picture?.units !== u) {
      if (run.picture !== null) URL.revokeObjectURL(run.picture.url);
      run.picture = { units: u, url: URL.createObjectURL(new Blob([o.svg[u]], { type: 'image/svg+xml' })) };
    }
    const picture = h('img', {
      class: 'picture',
      src: run.picture.url,
      alt: `The run of ${when}: pace, heart rate and elevation against time; ${o.pauses} pause${o.pauses === 1 ? '' : 's'} and ${o.laps} lap${o.laps === 1 ? '' : 's'} marked.`,
      width: '800',
    });
    // Every card has the same buttons: each is described by its card's title for a screen reader.
    const downloads = h('div', { class: 'actions', role: 'group', 'aria-label': 'Downloads' }, h('span', { class: 'muted' }, 'Download: '));
    for (const [to, label] of [['json', 'Activity JSON'], ['tcx', 'TCX'], ['gpx', 'GPX'], ['fit', 'FIT'], ['svg', 'Picture (SVG)']] as const) {
      const b = h('button', { type: 'button', 'data-to': to, 'aria-describedby': id }, label);
      b.addEventListener('click', () => void this.#download(run, to));
      downloads.append(b);
    }
    const exportNote = h('p', { class: 'export-note muted', role: 'status' }, run.exportNote);
    const send = h('button', { type: 'button', class: 'send-one', 'aria-describedby': id }, 'Send to Smashrun');
    send.addEventListener('click', () => void this.#send(run));
    const sendBox = h('div', { class: 'send' }, send);
    if (run.held !== null) {
      const confirm = h('input', { type: 'checkbox', class: 'confirm' });
      confirm.checked = run.confirmed;
      confirm.addEventListener('change', () => {
        run.confirmed = confirm.checked;
        this.#showSend(run);
      });
      sendBox.append(' ', h('label', {}, confirm, ' Send it anyway: this was a run'));
    }
    if (o.sport !== 'running') sendBox.append(h('p', { class: 'muted sport-note' }, `A ${o.sport} activity: Smashrun takes runs only, and will refuse it.`));
    sendBox.append(h('p', { class: 'send-status', role: 'status', 'aria-live': 'polite' }));
    run.card.replaceChildren(
      h(
        'article',
        { 'aria-labelledby': id },
        h('h3', { id }, title),
        picture,
        summary,
        splitsTable(o.splits[u], u),
        warningsList(o.warnings),
        downloads,
        exportNote,
        sendBox,
      ),
    );
    run.card.dataset.file = run.name;
    run.card.dataset.run = String(o.index);
    this.#showSend(run);
  }

  /** The send button and status of a run's card, from the run's state. */
  #showSend(run: Run): void {
    const button = run.card.querySelector('.send-one') as HTMLButtonElement | null;
    const status = run.card.querySelector('.send-status') as HTMLElement | null;
    if (button === null || status === null) return;
    button.disabled = run.sending !== null || stored(run) || (run.held !== null && !run.confirmed);
    if (run.sending !== null) {
      status.dataset.status = 'sending';
      status.textContent = 'Sending…';
    } else if (run.outcome !== null) {
      status.dataset.status = run.outcome.status;
      status.replaceChildren(...outcomeNodes(run.outcome));
    } else if (run.held !== null) {
      status.dataset.status = 'held';
      status.textContent = `Held back: ${run.held}. Tick the box if it really was a run.`;
    } else {
      delete status.dataset.status;
      status.textContent = '';
    }
  }

  #setUnits(units: Units): void {
    this.#units = units;
    localStorage.setItem(UNITS_KEY, units);
    for (const run of this.#runs) this.#render(run);
  }

  async #export(run: Run, to: TargetFormat): Promise<{ bytes: Uint8Array; warnings: Warning[] }> {
    if (to === 'svg') return { bytes: new TextEncoder().encode(run.overview.svg[this.#units]), warnings: [] };
    const a = await this.#pool.run({ kind: 'export', file: run.file, name: run.name, options: run.options, activity: run.overview.index, to });
    if (a.kind === 'error') throw new Error(`${a.error.code}: ${a.error.message}`);
    if (a.kind !== 'export') throw new Error('the worker answered something else');
    return a;
  }

  async #download(run: Run, to: TargetFormat): Promise<void> {
    try {
      const { bytes, warnings } = await this.#export(run, to);
      const name = downloadName(run.name.split('/').pop() ?? run.name, run.overview.index, run.count, to);
      const type = to === 'json' ? 'application/json' : to === 'fit' ? 'application/vnd.ant.fit' : to === 'svg' ? 'image/svg+xml' : 'application/xml';
      const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type }));
      const a = h('a', { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      const left = warnings.map((w) => `${w.count} × ${w.code}: ${w.message}`).join('; ');
      run.exportNote = `${name}: ${bytes.length} bytes${left === '' ? '' : `. Not carried by ${to.toUpperCase()}: ${left}`}`;
    } catch (e) {
      run.exportNote = `${to.toUpperCase()} not written: ${e instanceof Error ? e.message : String(e)}`;
    }
    // The card may have been drawn again meanwhile (a change of units): its note is found now.
    const note = run.card.querySelector('.export-note');
    if (note !== null) note.textContent = run.exportNote;
  }

  async #showAccount(): Promise<void> {
    const connected = await this.#connection.connected();
    const connect = $('connect');
    const disconnect = $('disconnect');
    // The button that had the focus is hidden: the focus goes to the one shown in its place.
    const focused = document.activeElement === connect || document.activeElement === disconnect;
    connect.hidden = connected;
    disconnect.hidden = !connected;
    if (focused) (connected ? disconnect : connect).focus();
    if (!connected) {
      if (!/^Not connected:/.test($('account').textContent ?? '')) $('account').textContent = 'Not connected: sending a run asks you to sign in to Smashrun first.';
      return;
    }
    const user = await this.#connection.userName().catch(() => undefined);
    $('account').textContent = `Connected to ${this.#connection.config.apiBase === SMASHRUN.apiBase ? 'Smashrun' : this.#connection.config.apiBase}${user === undefined ? '' : ` as ${user}`}, for this tab.`;
  }

  /** Signs in once, however many sends ask at the same time. */
  #connect(): Promise<boolean> {
    this.#connecting ??= this.#signIn().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #signIn(): Promise<boolean> {
    try {
      await this.#connection.connect();
      await this.#showAccount();
      return true;
    } catch (e) {
      $('account').textContent = `Not connected: ${e instanceof Error ? e.message : String(e)}`;
      await this.#showAccount();
      return false;
    }
  }

  async #disconnect(): Promise<void> {
    try {
      await this.#connection.disconnect();
      $('account').textContent = 'Not connected: signed out, the token revoked.';
    } catch (e) {
      $('account').textContent = `Not connected: signed out here, but Smashrun could not be told to revoke the token (${e instanceof Error ? e.message : String(e)}).`;
    }
    await this.#showAccount();
  }

  async #sendAll(): Promise<void> {
    if (this.#sendingAll) return;
    this.#sendingAll = true;
    const button = $('send-all') as HTMLButtonElement;
    button.disabled = true;
    try {
      // One at a time: the client's limiter paces the requests, and Smashrun's servers are small. A run
      // held back and not confirmed, or already on Smashrun, is passed over; a send under way is waited for.
      for (const run of this.#runs) {
        if (run.sending !== null) await run.sending;
        if (stored(run) || (run.held !== null && !run.confirmed)) continue;
        // Not connected any more (a token Smashrun no longer takes): the rest waits for a new sign-in.
        if (!(await this.#send(run))) break;
      }
    } finally {
      this.#sendingAll = false;
      button.disabled = false;
    }
  }

  /** Sends one run (once: a second ask while it is sending waits for the first). False when the page is not connected to Smashrun. */
  #send(run: Run): Promise<boolean> {
    run.sending ??= this.#sendOnce(run).finally(() => {
      run.sending = null;
      this.#showSend(run);
    });
    this.#showSend(run);
    return run.sending;
  }

  async #sendOnce(run: Run): Promise<boolean> {
    if (!(await this.#connection.connected()) && !(await this.#connect())) {
      run.outcome = { status: 'failed', reason: 'not connected to Smashrun (see above), so nothing was sent' };
      return false;
    }
    try {
      const { bytes } = await this.#export(run, 'json');
      run.outcome = await this.#connection.send(bytes);
    } catch (e) {
      run.outcome = { status: 'failed', reason: e instanceof Error ? e.message : String(e) };
    }
    // A token Smashrun no longer takes is forgotten (see Connection.send): the page says so.
    if (run.outcome.status === 'failed' && !(await this.#connection.connected())) {
      await this.#showAccount();
      return false;
    }
    return true;
  }
}

/** What a send came to, for the card. */
function outcomeNodes(o: SendOutcome): (Node | string)[] {
  const link = o.url === undefined ? [] : [' ', h('a', { href: o.url, target: '_blank', rel: 'noopener noreferrer' }, `run ${o.activityId ?? ''}`)];
  switch (o.status) {
    case 'sent':
      return ['Sent to Smashrun:', ...link];
    case 'updated':
      return ['Updated on Smashrun:', ...link];
    case 'already-sent':
      return ['Already sent from this browser:', ...link];
    case 'rejected': {
      const list = h('ul', { class: 'validations' });
      const v = o.validations;
      for (const item of Array.isArray(v) ? v : [v]) {
        const { field, message } = (item ?? {}) as { field?: unknown; message?: unknown };
        list.append(h('li', {}, typeof message === 'string' ? `${typeof field === 'string' ? `${field}: ` : ''}${message}` : JSON.stringify(item)));
      }
      return ['Smashrun refused it:', list];
    }
    case 'failed':
      return [`Not sent: ${o.reason ?? 'unknown error'}`];
  }
}

function failedCard(name: string, heading: string, message: string, skipped: boolean): HTMLLIElement {
  return h('li', { class: `card ${skipped ? 'skipped' : 'failed'}`, 'data-file': name }, h('h3', {}, `${heading}: ${name}`), h('p', { class: 'error' }, message));
}


function splitsTable(splits: Split[], units: Units): HTMLElement {
  const table = h(
    'table',
    {},
    h('caption', { class: 'muted' }, `Splits per ${units === 'mi' ? 'mile' : 'kilometre'}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, units), h('th', { scope: 'col' }, 'Time'), h('th', { scope: 'col' }, 'Pace'), h('th', { scope: 'col' }, 'Heart rate'), h('th', { scope: 'col' }, 'Elapsed'))),
  );
  const body = h('tbody');
  for (const s of splits) {
    const label = s.length < 1 ? `${s.index - 1 + Math.round(s.length * 100) / 100}` : String(s.index);
    body.append(h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, clock(s.time)), h('td', {}, clock(s.pace)), h('td', {}, s.heartRateAverage === null ? '–' : String(Math.round(s.heartRateAverage))), h('td', {}, clock(s.elapsed))));
  }
  table.append(body);
  return h('details', { class: 'splits' }, h('summary', {}, `Splits (${splits.length})`), table);
}

function warningsList(warnings: Warning[]): HTMLElement {
  if (warnings.length === 0) return h('p', { class: 'warnings muted' }, 'No warnings: every value was carried as recorded.');
  const list = h('ul');
  for (const w of warnings) list.append(h('li', { 'data-code': w.code }, `${w.code} (${w.count}): ${w.message}`));
  return h('details', { class: 'warnings', open: '' }, h('summary', {}, `Warnings (${warnings.length}): values left out or corrected`), list);
}

/** The files of a drop, folders searched for run files; what could not be read is counted, not fatal. */
async function droppedFiles(data: DataTransfer | null): Promise<{ files: File[]; unreadable: number }> {
  if (data === null) return { files: [], unreadable: 0 };
  const entries = Array.from(data.items, (i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return { files: Array.from(data.files), unreadable: 0 };
  const files: File[] = [];
  let unreadable = 0;
  const walk = async (e: FileSystemEntry, top: boolean): Promise<void> => {
    try {
      if (e.isFile) {
        const f = await new Promise<File>((resolve, reject) => (e as FileSystemFileEntry).file(resolve, reject));
        if (top || RUN_FILE.test(f.name)) files.push(f);
        return;
      }
      const reader = (e as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, false);
      }
    } catch {
      unreadable++;
    }
  };
  for (const e of entries) await walk(e, true);
  return { files, unreadable };
}

/** The API base the page sends to: `runjson web` serves it in config.json (a sandbox); Smashrun otherwise. */
async function pageConfig(): Promise<PageConfig> {
  try {
    const r = await fetch('config.json', { cache: 'no-store' });
    if (!r.ok) return SMASHRUN;
    const c = (await r.json()) as Partial<PageConfig>;
    return typeof c.apiBase === 'string' && typeof c.authBase === 'string' ? { apiBase: c.apiBase, authBase: c.authBase } : SMASHRUN;
  } catch {
    return SMASHRUN;
  }
}

if (!handOverRedirect()) {
  void pageConfig().then((config) => new Page(config).start());
}
