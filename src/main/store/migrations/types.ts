export interface Migration {
  /** Increasing from 1 (a gap is a number handed to a branch not merged yet); the file is named `NNN_<name>.ts` after it. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
