export interface Migration {
  /** Increasing from 1 (a gap is a number handed to a branch not merged yet); the file is named `NNN_<name>.ts` after it. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * Rebuilds a table others reference (create, copy, drop, rename): run with foreign keys off, since a DROP
   * would otherwise cascade into the rows that point at it, and every foreign key checked before the commit.
   */
  readonly foreignKeysOff?: true;
}
