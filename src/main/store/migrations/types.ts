export interface Migration {
  /** Contiguous from 1; the file is named `NNN_<name>.ts` after it. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
