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
  pictures: { km: string; mi: string };
  /** Why the plausibility checks hold it back, or null. */
  held: string | null;
  /** The runner confirmed a held run is a run. */
  confirmed: boolean;
  /** What its last send came to. */
  outcome: SendOutcome | null;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** An element with attributes and children. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

class Page {
  readonly #pool = new WorkerPool(new URL('./worker.js', import.meta.url));
  readonly #runs: Run[] = [];
  readonly #connection: Connection;
  #units: Units = localStorage.getItem(UNITS_KEY) === 'mi' ? 'mi' : 'km';
  #files = 0;
  #done = 0;
  #cardIds = 0;
  #connecting: Promise<boolean> | null = null;

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
    const drop = $('drop');
    drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      void droppedFiles(e.dataTransfer).then((f) => this.#add(f));
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
    this.#progress();
    if (answer.kind === 'error') {
      const notRun = answer.error.code === 'not-running' || answer.error.code === 'not-an-activity';
      // The converter's hint names its option; on the page it is the box under Options.
      const message = answer.error.message.replace(/\(pass sports: 'all'[^)]*\)/, '(tick “Convert other sports too” to convert it anyway)');
      slot.replaceWith(failedCard(name, notRun ? 'Not a run' : 'Not converted', `${answer.error.code}: ${message}`, notRun));
      return;
    }
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
        pictures: { km: svgUrl(overview.svg.km), mi: svgUrl(overview.svg.mi) },
        held: held === undefined ? null : `${held.code}: ${held.message}`,
        confirmed: false,
        outcome: null,
      };
      this.#runs.push(run);
      this.#render(run);
      return run.card;
    });
    slot.replaceWith(...cards);
    this.#enableSendAll();
  }

  #progress(): void {
    $('progress').textContent = this.#done === this.#files ? `${this.#files} file${this.#files === 1 ? '' : 's'} converted.` : `Converting: ${this.#done} of ${this.#files} files done…`;
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
    const picture = h('img', {
      class: 'picture',
      src: run.pictures[u],
      alt: `The run of ${when}: pace, heart rate and elevation against time; ${o.pauses} pause${o.pauses === 1 ? '' : 's'} and ${o.laps} lap${o.laps === 1 ? '' : 's'} marked.`,
      width: '800',
    });
    const downloads = h('div', { class: 'actions', role: 'group', 'aria-label': 'Downloads' }, h('span', { class: 'muted' }, 'Download: '));
    for (const [to, label] of [['json', 'Activity JSON'], ['tcx', 'TCX'], ['gpx', 'GPX'], ['fit', 'FIT'], ['svg', 'Picture (SVG)']] as const) {
      const b = h('button', { type: 'button', 'data-to': to }, label);
      b.addEventListener('click', () => void this.#download(run, to, b));
      downloads.append(b);
    }
    const exportNote = h('p', { class: 'export-note muted', role: 'status' });
    const send = h('button', { type: 'button', class: 'send-one' }, 'Send to Smashrun');
    const status = h('p', { class: 'send-status', role: 'status', 'aria-live': 'polite' });
    const sendBox = h('div', { class: 'send' }, send);
    if (run.held !== null) {
      const confirm = h('input', { type: 'checkbox', class: 'confirm' });
      confirm.checked = run.confirmed;
      confirm.addEventListener('change', () => {
        run.confirmed = confirm.checked;
        send.disabled = !confirm.checked;
      });
      send.disabled = !run.confirmed;
      status.dataset.status = 'held';
      status.textContent = `Held back: ${run.held}. Tick the box if it really was a run.`;
      sendBox.append(' ', h('label', {}, confirm, ' Send it anyway: this was a run'));
    }
    if (run.outcome !== null) showOutcome(run.outcome, status, send);
    send.addEventListener('click', () => void this.#send(run));
    sendBox.append(status);
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

  async #download(run: Run, to: TargetFormat, button: HTMLButtonElement): Promise<void> {
    const note = run.card.querySelector('.export-note') as HTMLElement;
    button.disabled = true;
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
      note.textContent = `${name}: ${bytes.length} bytes${left === '' ? '' : `. Not carried by ${to.toUpperCase()}: ${left}`}`;
    } catch (e) {
      note.textContent = `${to.toUpperCase()} not written: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      button.disabled = false;
    }
  }

  async #showAccount(): Promise<void> {
    const connected = await this.#connection.connected();
    $('connect').hidden = connected;
    $('disconnect').hidden = !connected;
    if (!connected) {
      $('account').textContent = 'Not connected: sending a run asks you to sign in to Smashrun first.';
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
      return false;
    }
  }

  async #disconnect(): Promise<void> {
    await this.#connection.disconnect().catch(() => undefined);
    await this.#showAccount();
  }

  #enableSendAll(): void {
    ($('send-all') as HTMLButtonElement).disabled = this.#runs.length === 0;
  }

  async #sendAll(): Promise<void> {
    if (!(await this.#connection.connected()) && !(await this.#connect())) return;
    // One at a time from here: the client's limiter paces the requests, and Smashrun's servers are small.
    for (const run of this.#runs) {
      const done = run.outcome !== null && run.outcome.status !== 'failed';
      if ((run.held === null || run.confirmed) && !done) await this.#send(run);
    }
  }

  async #send(run: Run): Promise<void> {
    const status = run.card.querySelector('.send-status') as HTMLElement;
    const button = run.card.querySelector('.send-one') as HTMLButtonElement;
    if (!(await this.#connection.connected()) && !(await this.#connect())) return;
    button.disabled = true;
    status.dataset.status = 'sending';
    status.textContent = 'Sending…';
    let outcome: SendOutcome;
    try {
      const { bytes } = await this.#export(run, 'json');
      outcome = await this.#connection.send(bytes);
    } catch (e) {
      outcome = { status: 'failed', reason: e instanceof Error ? e.message : String(e) };
    }
    run.outcome = outcome;
    // A token Smashrun no longer takes is forgotten (see Connection.send): the page says so.
    if (outcome.status === 'failed' && !(await this.#connection.connected())) await this.#showAccount();
    showOutcome(outcome, run.card.querySelector('.send-status') as HTMLElement, run.card.querySelector('.send-one') as HTMLButtonElement);
  }
}

/** A send's outcome on its card; the button stays off once Smashrun has the run. */
function showOutcome(outcome: SendOutcome, status: HTMLElement, button: HTMLButtonElement): void {
  status.dataset.status = outcome.status;
  status.replaceChildren(...outcomeNodes(outcome));
  button.disabled = outcome.status !== 'failed' && outcome.status !== 'rejected';
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

function svgUrl(svg: string): string {
  return URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
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

/** The files of a drop, folders searched for run files. */
async function droppedFiles(data: DataTransfer | null): Promise<File[]> {
  if (data === null) return [];
  const entries = Array.from(data.items, (i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return Array.from(data.files);
  const out: File[] = [];
  const walk = async (e: FileSystemEntry, top: boolean): Promise<void> => {
    if (e.isFile) {
      const f = await new Promise<File>((resolve, reject) => (e as FileSystemFileEntry).file(resolve, reject));
      if (top || RUN_FILE.test(f.name)) out.push(f);
      return;
    }
    const reader = (e as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, false);
    }
  };
  for (const e of entries) await walk(e, true);
  return out;
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
