/**
 * A `.npy`/`.npz` file that cannot be read or written as asked: bad magic, corrupt zip, unsupported dtype,
 * truncated data, a missing entry. The message starts with the file, then says what is wrong with it.
 */
export class ArrayFileError extends Error {
  override readonly name = 'ArrayFileError';

  constructor(
    readonly file: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problem}`, options);
  }
}
