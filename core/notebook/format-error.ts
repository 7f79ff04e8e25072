/** A notebook file that cannot be read. The message starts with `line N: `. */
export class NotebookFormatError extends Error {
  constructor(
    /** 1-based line of the file where the problem is (or starts). */
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'NotebookFormatError';
  }
}
