/**
 * The sandbox's state — users, tokens, codes, runs, body weights, goals — in memory, and optionally in a
 * folder so that a restarted sandbox finds it again: `index.json` holds everything but the runs, and
 * `runs/<id>.json` holds each run (its record and its Activity JSON). Every file is written atomically
 * (a temp file in the same folder, then a rename), a run's file before the index that lists it, so the
 * folder is whole whenever the process stops.
 *
 * Writes are synchronous: a change is on disk before its answer is sent (what `lostAnswer` relies on:
 * stored, then the answer lost), and the state of a test server is small.
 *
 * Tokens and codes are kept as SHA-256 hashes, never as they were issued: the folder holds no credential.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ActivityJson } from '../index.js';
import { SandboxError, SandboxErrorCode } from './options.js';

/** A user of the sandbox. */
export interface UserRecord {
  id: number;
  userName: string;
  firstName: string;
  lastName: string;
  registeredMs: number;
  /** When a run of this user was last added, changed or deleted (ms); strictly increasing. */
  lastRunDataUpdatedMs: number;
}

/** An access or refresh token, by its hash. */
export interface TokenRecord {
  hash: string;
  kind: 'access' | 'refresh';
  userId: number;
  clientId: string;
  scope: string;
  issuedMs: number;
  /** null: never expires (refresh tokens). */
  expiresMs: number | null;
  revoked: boolean;
  /** Issued by the implicit flow (no refresh token; an hourly request limit). */
  implicit: boolean;
  /** The hash of the refresh token of the same grant, if any: revoking it revokes this token too. */
  grant: string | null;
}

/** An authorization code, by its hash. */
export interface CodeRecord {
  hash: string;
  userId: number;
  clientId: string;
  redirectUri: string;
  scope: string;
  expiresMs: number;
  used: boolean;
}

/** Summary fields a PATCH set (shown instead of the values computed from the series). */
export interface RunPatch {
  notes?: string;
  duration?: number;
  distance?: number;
  startDateTimeLocal?: string;
}

/** A stored run. */
export interface RunRecord {
  id: number;
  userId: number;
  clientId: string;
  /** The externalId the client sent (null: none), the key of the upsert per (user, client). */
  externalId: string | null;
  /** The format it was uploaded in. */
  format: string;
  createdMs: number;
  updatedMs: number;
  deleted: boolean;
  patch: RunPatch;
  /** The run as runjson read it: summary recomputed from the series. */
  activity: ActivityJson;
}

/** A body weight recording. */
export interface WeightRecord {
  userId: number;
  /** `YYYY-MM-DD`. */
  date: string;
  weightInKilograms: number;
}

/** A goal set for a year (`YYYY`) or a month (`YYYY-MM`). */
export interface GoalRecord {
  userId: number;
  period: string;
  goal: unknown;
}

interface Index {
  version: 1;
  nextUserId: number;
  nextRunId: number;
  users: UserRecord[];
  tokens: TokenRecord[];
  codes: CodeRecord[];
  weights: WeightRecord[];
  goals: GoalRecord[];
  runs: number[];
}

const VERSION = 1;

/** SHA-256 (hex) of a token or code: how the store knows it. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The state, and where it is kept. */
export class Store {
  readonly users = new Map<number, UserRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly codes = new Map<string, CodeRecord>();
  readonly runs = new Map<number, RunRecord>();
  weights: WeightRecord[] = [];
  goals: GoalRecord[] = [];
  private nextUserId = 1001;
  private nextRunId = 1_000_001;
  private readonly dir: string | null;
  private tmpSeq = 0;

  /**
   * Opens the state in `dir` (created when missing), or in memory when `dir` is null.
   *
   * @throws {SandboxError} `data-dir` when the folder holds state that cannot be read.
   */
  constructor(dir: string | null) {
    this.dir = dir;
    if (dir === null) return;
    try {
      mkdirSync(join(dir, 'runs'), { recursive: true });
      const indexPath = join(dir, 'index.json');
      if (existsSync(indexPath)) this.load(JSON.parse(readFileSync(indexPath, 'utf8')) as Index);
      this.removeTemps();
    } catch (cause) {
      if (cause instanceof SandboxError) throw cause;
      throw new SandboxError(SandboxErrorCode.DataDir, `cannot read the sandbox state in ${dir}: ${(cause as Error).message}`, { cause });
    }
  }

  /** A new user id. */
  takeUserId(): number {
    return this.nextUserId++;
  }

  /** A new run id. */
  takeRunId(): number {
    return this.nextRunId++;
  }

  /** The user named `userName` (case-insensitive), or undefined. */
  userByName(userName: string): UserRecord | undefined {
    const want = userName.toLowerCase();
    for (const u of this.users.values()) if (u.userName.toLowerCase() === want) return u;
    return undefined;
  }

  /**
   * Writes what changed: the files of the runs in `runIds`, then the index. A no-op in memory.
   */
  save(runIds: readonly number[] = []): void {
    if (this.dir === null) return;
    for (const id of runIds) {
      const run = this.runs.get(id);
      if (run !== undefined) this.writeAtomic(join(this.dir, 'runs', `${id}.json`), JSON.stringify(run));
    }
    const index: Index = {
      version: VERSION,
      nextUserId: this.nextUserId,
      nextRunId: this.nextRunId,
      users: [...this.users.values()],
      tokens: [...this.tokens.values()],
      codes: [...this.codes.values()],
      weights: this.weights,
      goals: this.goals,
      runs: [...this.runs.keys()],
    };
    this.writeAtomic(join(this.dir, 'index.json'), JSON.stringify(index));
  }

  private load(index: Index): void {
    if (index.version !== VERSION) {
      throw new SandboxError(SandboxErrorCode.DataDir, `the sandbox state in ${this.dir} is version ${String(index.version)}; this runjson reads version ${VERSION}`);
    }
    this.nextUserId = index.nextUserId;
    this.nextRunId = index.nextRunId;
    for (const u of index.users) this.users.set(u.id, u);
    for (const t of index.tokens) this.tokens.set(t.hash, t);
    for (const c of index.codes) this.codes.set(c.hash, c);
    this.weights = index.weights;
    this.goals = index.goals;
    for (const id of index.runs) {
      const run = JSON.parse(readFileSync(join(this.dir as string, 'runs', `${id}.json`), 'utf8')) as RunRecord;
      this.runs.set(run.id, run);
    }
  }

  /** Temp files of a sandbox that stopped between writing and renaming: never part of the state. */
  private removeTemps(): void {
    for (const sub of ['', 'runs']) {
      const dir = join(this.dir as string, sub);
      for (const name of readdirSync(dir)) if (name.startsWith('.') && name.endsWith('.tmp')) rmSync(join(dir, name), { force: true });
    }
  }

  private writeAtomic(path: string, text: string): void {
    const tmp = join(dirname(path), `.sandbox-${process.pid}-${this.tmpSeq++}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
}
