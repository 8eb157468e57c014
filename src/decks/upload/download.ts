import { megabytes } from './apkg.js';
import { concatBytes } from './bytes.js';
import { UploadError } from './errors.js';
import { ATTACHMENT_DOWNLOAD_TIMEOUT_MS } from './limits.js';

/** Fetches an attachment's bytes from the URL Discord gave, refusing past `maxBytes` or `timeoutMs`. */
export type AttachmentDownloader = (url: string, maxBytes: number) => Promise<Uint8Array>;

export function attachmentDownloader(timeoutMs = ATTACHMENT_DOWNLOAD_TIMEOUT_MS): AttachmentDownloader {
  return async (url, maxBytes) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const tooLarge = () => new UploadError(`The attachment is larger than ${megabytes(maxBytes)}. Split it into several decks.`);
    const slow = () => new UploadError(`Downloading the attachment took longer than ${Math.round(timeoutMs / 1000)} s. Try again in a moment.`);
    try {
      const response = await fetch(url, { signal });
      if (!response.ok || !response.body) throw new UploadError(`The attachment could not be downloaded (HTTP ${response.status}). Attach the file again.`);
      if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
        await response.body.cancel();
        throw tooLarge();
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of response.body) {
        total += chunk.length;
        if (total > maxBytes) {
          await response.body.cancel().catch(() => {});
          throw tooLarge();
        }
        chunks.push(chunk);
      }
      return concatBytes(chunks);
    } catch (error) {
      if (error instanceof UploadError) throw error;
      if (signal.aborted) throw slow();
      throw new UploadError('The attachment could not be downloaded. Attach the file again in a moment.');
    }
  };
}
