/** An upload that cannot be imported at all: the message is one line saying what to change. */
export class UploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadError';
  }
}
